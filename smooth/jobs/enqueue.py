"""`smooth.enqueue`: Frappe's `frappe.enqueue`, after commit by default.

A job enqueued inside a transaction that rolls back never runs: it is pushed to RQ (or, with
no `redis_queue`, run in-process) by an after-commit callback. In-process jobs run in their
own unit of work after the request's commit; their failure is logged and kept as an Error
Log, never raised into the request that enqueued them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from rq import Callback, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from smooth.context import db as current_db
from smooth.context import local, session_user
from smooth.exceptions import ValidationError
from smooth.jobs import execute, queues

log = logging.getLogger("smooth.jobs")
PENDING = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
RETRY_INTERVALS = [10, 60, 300]
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


def method_path(method: str | Callable[..., Any]) -> str:
    if isinstance(method, str):
        return method
    module, name = getattr(method, "__module__", None), getattr(method, "__qualname__", "")
    if not module or "<" in name:
        raise ValidationError(f"{method!r} cannot be enqueued: pass a module-level function or its dotted path")
    return f"{module}.{name}"


def rq_job_id(site: str, job_id: str) -> str:
    """RQ ids allow letters, digits, `_` and `-` only: a readable form plus a digest keeps them apart."""
    readable = _NOT_ID.sub("_", f"{site}__{job_id}")[:80]
    digest = hashlib.sha256("\0".join((site, job_id)).encode()).hexdigest()[:12]
    return f"{readable}-{digest}"


def enqueue(method: str | Callable[..., Any], queue: str = "default", timeout: int | None = None,
            enqueue_after_commit: bool = True, job_id: str | None = None, deduplicate: bool = False,
            retry: int = 0, **kwargs: Any) -> str:
    """Run `method(**kwargs)` in the background for this site and user; returns the job id.

    `job_id` names the job (per site); with `deduplicate=True` a job of that id still queued or
    running makes this call a no-op. `retry` is how many times a failed job runs again.
    """
    if deduplicate and not job_id:
        raise ValidationError("deduplicate=True needs a job_id to recognise the same job by")
    queues.queue_name(queue)
    bound = local()
    spec = {"site": bound.site.name, "sites_path": str(bound.site.sites_path), "user": session_user(),
            "method": method_path(method), "kwargs": kwargs}
    rq_id = rq_job_id(bound.site.name, job_id) if job_id else uuid.uuid4().hex
    options = {"queue": queue, "timeout": timeout, "job_id": rq_id, "deduplicate": deduplicate, "retry": retry}
    if enqueue_after_commit:
        current_db().after_commit.add(_push, spec, options)
    else:
        _push(spec, options)
    return rq_id


def _push(spec: dict[str, Any], options: dict[str, Any]) -> None:
    site = local().site
    queue = queues.get_queue(site, options["queue"])
    if queue is None:
        _run_inline(spec, options["job_id"])
        return
    if options["deduplicate"]:
        try:
            if Job.fetch(options["job_id"], connection=queue.connection).get_status() in PENDING:
                return
        except NoSuchJobError:
            pass
    retries = options["retry"]
    queue.enqueue(execute.run_job, kwargs={**spec, "job_id": options["job_id"]}, job_id=options["job_id"],
                  job_timeout=options["timeout"], on_failure=Callback(execute.on_failure),
                  retry=Retry(max=retries, interval=RETRY_INTERVALS[:retries]) if retries else None,
                  failure_ttl=7 * 24 * 3600, result_ttl=3600)


def _run_inline(spec: dict[str, Any], job_id: str) -> None:
    try:
        execute.run_job(spec["site"], spec["sites_path"], spec["user"], spec["method"], spec["kwargs"], job_id)
    except Exception:
        log.exception("background job %s (%s) failed; see Error Log", spec["method"], job_id)
