"""What `bench doctor` reports about background work: the queue Redis, workers, failures, scheduler."""

from __future__ import annotations

from pathlib import Path

from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.registry import FailedJobRegistry

from smooth.context import now_datetime, site_context
from smooth.jobs import outbox, queues, scheduler
from smooth.site import Site

OK, WARN, ERROR = "ok", "WARN", "BAD"
Check = tuple[str, str, str]
OLD_OUTBOX_SECONDS = 300  # a scheduler tick (60 s) or a worker start would have pushed a row by then


def queue_check(site: Site) -> Check:
    url = queues.queue_url(site)
    if url is None:
        return ("jobs", WARN, "no redis_queue in site config: background jobs run inline after commit "
                              "(set redis_queue and run `bench worker` for a real queue)")
    try:
        conn = queues.connection(url)
        lengths = []
        failed = 0
        for name in queues.QUEUE_TIMEOUTS:
            queue = Queue(queues.queue_name(name), connection=conn)
            lengths.append(f"{name} {queue.count}")
            failed += FailedJobRegistry(queue=queue).count
        workers = Worker.count(connection=conn)
    except (RedisError, OSError) as exc:
        return ("jobs", ERROR, f"redis_queue does not answer ({type(exc).__name__}): start Redis or remove "
                               "redis_queue from site_config.json")
    status = OK if workers else WARN
    detail = f"queued: {', '.join(lengths)}; {workers} worker(s) live; {failed} failed job(s)"
    return ("jobs", status, detail if workers else detail + ": start `bench worker`")


def scheduler_check(site: Site, site_path: Path) -> Check:
    if site.config.get("pause_scheduler"):
        return ("scheduler", WARN, "paused for this site (bench --site SITE scheduler enable)")
    tick = scheduler.last_tick(site_path)
    events = len(site.hooks.scheduled)
    if tick is None:
        return ("scheduler", WARN, f"{events} scheduled event(s); no tick yet: run `bench schedule`")
    return ("scheduler", OK, f"{events} scheduled event(s); last tick {tick}")


def outbox_check(site: Site, sites_path: Path) -> Check:
    if queues.queue_url(site) is None:
        return ("job outbox", OK, "not used: no redis_queue, jobs run inline after commit")
    try:
        with site_context(site.name, sites_path):
            depth, oldest = outbox.backlog()
            age = (now_datetime() - oldest).total_seconds() if oldest else 0.0
    except Exception as exc:
        return ("job outbox", WARN, f"could not be read ({type(exc).__name__}: {exc})")
    if not depth:
        return ("job outbox", OK, "0 job(s) waiting to be queued")
    detail = f"{depth} job(s) waiting to be queued, the oldest for {age:.0f} s"
    if age < OLD_OUTBOX_SECONDS:
        return ("job outbox", OK, detail)
    return ("job outbox", WARN, detail + ": is Redis up, and is `bench schedule` or `bench worker` running? "
                                       "They push waiting jobs")
