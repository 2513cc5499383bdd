"""`bench worker`: an RQ worker on the queues of the sites that share one `redis_queue`.

RQ's worker runs each job in a forked work horse, so a job that crashes the interpreter does
not take the worker with it; SIGTERM is a warm shutdown (the current job finishes first), a
second SIGTERM a cold one. Failed jobs stay in RQ's failed registry and as Error Log records.
"""

from __future__ import annotations

from collections.abc import Sequence

from rq import Queue, Worker

from smooth.jobs import queues


def start_worker(url: str, names: Sequence[str], *, burst: bool = False) -> bool:
    """Work the queues `names` on the Redis at `url` until stopped (or, with `burst`, until empty)."""
    conn = queues.connection(url)
    watched = [Queue(queues.queue_name(name), connection=conn) for name in names]
    worker = Worker(watched, connection=conn)
    return bool(worker.work(burst=burst, with_scheduler=True, logging_level="INFO"))
