"""`bench worker`: an RQ worker on the queues of the sites that share one `redis_queue`.

RQ's worker runs each job in a forked work horse, so a job that crashes the interpreter does
not take the worker with it; SIGTERM is a warm shutdown (the current job finishes first), a
second SIGTERM a cold one. Failed jobs stay in RQ's failed registry and as Error Log records.

RQ's own loop quits when Redis goes away; this one waits (1, 2, 4... up to 30 s, with a log
line each time) and starts again. Each start first pushes the jobs that wait in the sites'
Job Outbox (committed while Redis was unreachable).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from redis import Redis
from rq import Queue, Worker

from smooth.context import site_context
from smooth.jobs import execute, outbox, queues
from smooth.site import forget_site

log = logging.getLogger("smooth.jobs")
MAX_BACKOFF_SECONDS = 30.0
STEADY_SECONDS = 60.0  # a worker that ran this long before losing Redis starts its backoff afresh


class _Worker(Worker):
    """RQ's worker, remembering that a stop was asked for (so losing Redis is told apart from it)."""

    stop_asked: threading.Event

    def request_stop(self, signum: Any, frame: Any) -> None:
        self.stop_asked.set()
        super().request_stop(signum, frame)

    def subscribe(self) -> None:
        """RQ's, with the command thread waking every second: redis-py's `stop()` waits for that thread,
        and RQ's 60 s made a SIGTERM (or a reconnect) take up to a minute."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]  # RQ types it as None
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler)


def start_worker(url: str, names: Sequence[str], *, burst: bool = False, sites: Sequence[str] = (),
                 sites_path: Path | None = None) -> bool:
    """Work the queues `names` on the Redis at `url` until stopped (or, with `burst`, until empty).

    `sites` are the sites whose outbox this worker pushes when it (re)connects."""
    stop = threading.Event()
    delay = 1.0
    if sites_path is not None:
        execute.run_on_sites_path(sites_path.resolve())
    while True:
        started = time.monotonic()
        conn = queues.new_connection(url)
        worker: _Worker | None = None
        try:
            _dispatch(sites, sites_path)
            worker = _Worker([Queue(queues.queue_name(name), connection=conn) for name in names], connection=conn)
            worker.stop_asked = stop
            worked = bool(worker.work(burst=burst, with_scheduler=True, logging_level="INFO"))
            if stop.is_set() or (burst and _answers(url)):
                return worked
            reason = "RQ's worker loop stopped"
        except outbox.QueueDown as exc:
            reason = f"{type(exc).__name__}: {exc}"
        finally:
            _abandon(worker, conn)
        if time.monotonic() - started > STEADY_SECONDS:
            delay = 1.0
        log.warning("Redis at %s is unreachable (%s): reconnecting in %g s", url, reason, delay)
        _stop_on_signals(stop)
        if stop.wait(delay):
            return False
        delay = min(delay * 2, MAX_BACKOFF_SECONDS)


def _abandon(worker: Worker | None, conn: Redis) -> None:
    """Stop what a worker left running when Redis went away mid-teardown (its pubsub thread) and drop
    its connections: a thread still retrying on a pool could hold a lock a forked work horse inherits."""
    thread = getattr(worker, "pubsub_thread", None)
    if thread is not None and thread.is_alive():
        thread.stop(timeout=5)
    conn.connection_pool.disconnect()


def _dispatch(sites: Sequence[str], sites_path: Path | None) -> None:
    for site in sites:
        try:
            with site_context(site, sites_path):
                pushed = outbox.dispatch()
        except outbox.QueueDown:
            raise
        except Exception:
            log.exception("site %s: pushing the Job Outbox failed", site)
            continue
        finally:
            forget_site(site, sites_path)  # no pooled connection may be inherited by a forked work horse
        if pushed:
            log.info("site %s: pushed %s job(s) that waited in the outbox", site, pushed)


def _answers(url: str) -> bool:
    try:
        return bool(queues.connection(url).ping())
    except outbox.QueueDown:
        return False


def _stop_on_signals(stop: threading.Event) -> None:
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
