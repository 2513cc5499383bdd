"""The job outbox: with a Redis queue, an enqueued job is first a row of the enqueuing transaction.

Pushing to Redis after a commit can fail (Redis restarting, unreachable, out of memory). The
committed work must not lose its jobs and the request must not fail for them, so `enqueue`
inserts a Job Outbox row in the same transaction and tries to push it right after the
commit. A row that could not be pushed stays Pending; `dispatch` (each scheduler tick, each
worker start and reconnect) pushes what waits once Redis answers.

Pushing a row: claim it (an UPDATE from Pending to Pushing that only one process wins; a
Pushing row older than STALE_PUSHING is claimable again, its pusher died), push, mark it
Pushed. The RQ job carries the row's name in its meta, so a row claimed again after its push
reached Redis finds its own job there and is not pushed twice; a `deduplicate` job whose id
is still queued or running is not pushed again either.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import time
from typing import Any

from redis.exceptions import RedisError
from rq import Callback, Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import Table, update

from smooth.context import local, now_datetime, unit_of_work
from smooth.jobs import execute, queues
from smooth.model.database_api import document_db
from smooth.model.records import get_doc

log = logging.getLogger("smooth.jobs")
OUTBOX = "Job Outbox"
WAITING = ("Pending", "Pushing")
PENDING = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
RETRY_INTERVALS = [10, 60, 300]
STALE_PUSHING = dt.timedelta(minutes=5)
KEEP_PUSHED = dt.timedelta(days=1)
BATCH = 200
HOLD_OFF_SECONDS = 5.0  # after a failed push, pushes after commit leave rows to the dispatcher for this long
QueueDown = (RedisError, OSError)
_failed_at: dict[str, float] = {}


def store(spec: dict[str, Any], options: dict[str, Any]) -> str | None:
    """Write the job as a Pending row of the current transaction; None when a `deduplicate` job of
    the same id already waits in the outbox."""
    waiting = {"job_id": options["job_id"], "status": ["in", WAITING]}
    if options["deduplicate"] and document_db().exists(OUTBOX, waiting):
        return None
    row = get_doc({"doctype": OUTBOX, "job_id": options["job_id"], "method": spec["method"][:255],
                   "queue": options["queue"], "status": "Pending", "deduplicate": int(options["deduplicate"]),
                   "timeout": options["timeout"], "retry": options["retry"], "job": json.dumps(spec)})
    return str(row.insert(ignore_permissions=True).name)


def push_after_commit(name: str) -> None:
    """The after-commit push of one row: never raises, so the committed request still answers."""
    url = queues.queue_url(local().site)
    if url is None or time.monotonic() - _failed_at.get(url, -math.inf) < HOLD_OFF_SECONDS:
        return  # Redis failed a moment ago: the row waits for the dispatcher instead of slowing requests
    try:
        _push_row(name)
    except QueueDown as exc:
        log.warning("job %s waits in the outbox: Redis at %s is unreachable (%s)", name, url, exc)
    except Exception:
        log.exception("job %s waits in the outbox: pushing it failed", name)


def dispatch() -> int:
    """Push every waiting row of the bound site, oldest first; returns how many were pushed.

    Raises the Redis error when Redis refuses (the rows left stay Pending)."""
    if queues.queue_url(local().site) is None:
        return 0
    _forget_pushed()
    pushed = 0
    while True:
        with unit_of_work():
            names = document_db().get_all(OUTBOX, filters={"status": "Pending"}, pluck="name",
                                          order_by="creation asc", limit_page_length=BATCH)
            names += document_db().get_all(OUTBOX, filters={"status": "Pushing",
                                                            "modified": ["<", now_datetime() - STALE_PUSHING]},
                                           pluck="name", order_by="creation asc", limit_page_length=BATCH)
        for name in names:
            pushed += _push_row(name)
        if len(names) < BATCH:
            return pushed


def backlog() -> tuple[int, dt.datetime | None]:
    """How many rows of the bound site wait to be pushed, and when the oldest was written."""
    with unit_of_work(commit=False):
        database = document_db()
        oldest = database.get_value(OUTBOX, {"status": ["in", WAITING]}, "creation", order_by="creation asc")
        return int(database.count(OUTBOX, {"status": ["in", WAITING]})), oldest


def push_job(queue: Queue, spec: dict[str, Any], options: dict[str, Any], outbox: str | None = None) -> bool:
    """Put the job on its RQ queue unless it is already there; True when this call enqueued it."""
    existing = _fetch(queue, options["job_id"])
    if existing is not None:
        if outbox is not None and existing.meta.get("outbox") == outbox:
            return False  # an earlier push of this row reached Redis; its pusher died before marking it
        if options["deduplicate"] and existing.get_status() in PENDING:
            return False
    retries = int(options["retry"] or 0)
    queue.enqueue(execute.run_job, kwargs={**spec, "job_id": options["job_id"]}, job_id=options["job_id"],
                  job_timeout=options["timeout"], on_failure=Callback(execute.on_failure),
                  retry=Retry(max=retries, interval=RETRY_INTERVALS[:retries]) if retries else None,
                  failure_ttl=7 * 24 * 3600, result_ttl=3600, meta={"outbox": outbox} if outbox else None)
    return True


def _fetch(queue: Queue, job_id: str) -> Job | None:
    try:
        return Job.fetch(job_id, connection=queue.connection)
    except NoSuchJobError:
        return None


def _table() -> Table:
    return local().site.table(OUTBOX)


def _push_row(name: str) -> int:
    """Claim, push and mark one row; 1 when this call pushed it, 0 when another process has it."""
    site = local().site
    table = _table()
    with unit_of_work():
        claimable = (table.c.status == "Pending") | (
            (table.c.status == "Pushing") & (table.c.modified < now_datetime() - STALE_PUSHING))
        claimed: Any = document_db().execute(update(table).where(table.c.name == name).where(claimable).values(
            status="Pushing", attempts=table.c.attempts + 1, modified=now_datetime()), write=True)
        row = document_db().get_value(OUTBOX, name, ["job_id", "queue", "deduplicate", "timeout", "retry", "job"],
                                      as_dict=True) if claimed.rowcount else None
    if row is None:
        return 0
    queue = queues.get_queue(site, row["queue"])
    url = queues.queue_url(site) or ""
    options = {"job_id": row["job_id"], "deduplicate": bool(row["deduplicate"]), "timeout": row["timeout"] or None,
               "retry": row["retry"]}
    try:
        if queue is None:
            raise RedisError("the site has no redis_queue any more")
        push_job(queue, json.loads(row["job"]), options, outbox=name)
    except Exception as exc:
        _failed_at[url] = time.monotonic()
        with unit_of_work():
            document_db().execute(update(table).where(table.c.name == name).values(
                status="Pending", last_error=f"{type(exc).__name__}: {exc}"[:1000], modified=now_datetime()),
                write=True)
        raise
    _failed_at.pop(url, None)
    with unit_of_work():
        document_db().execute(update(table).where(table.c.name == name).values(
            status="Pushed", pushed_at=now_datetime(), last_error=None, modified=now_datetime()), write=True)
    return 1


def _forget_pushed() -> None:
    table = _table()
    with unit_of_work():
        document_db().execute(table.delete().where(table.c.status == "Pushed")
                              .where(table.c.modified < now_datetime() - KEEP_PUSHED), write=True)
