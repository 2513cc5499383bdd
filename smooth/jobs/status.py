"""What `bench doctor` reports about background work: the queue Redis, workers, failures, scheduler."""

from __future__ import annotations

from pathlib import Path

from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.registry import FailedJobRegistry

from smooth.jobs import queues, scheduler
from smooth.site import Site

OK, WARN, ERROR = "ok", "WARN", "BAD"
Check = tuple[str, str, str]


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
