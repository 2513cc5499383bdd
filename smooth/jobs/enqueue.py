"""`smooth.enqueue`: Frappe's `frappe.enqueue`, after commit by default.

A job enqueued inside a transaction that rolls back never runs. With a `redis_queue` the job
is a Job Outbox row of the same transaction, pushed to RQ after the commit (or later, by the
dispatcher, when Redis was unreachable: see `smooth.jobs.outbox`). With none (the embedded
default) it runs in-process in its own unit of work after the commit, or after the response
when the request deferred it (`smooth.jobs.inline`); its failure is logged and kept as an
Error Log, never raised into the request that enqueued it.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from smooth.context import db as current_db
from smooth.context import local, session_user
from smooth.exceptions import ValidationError
from smooth.jobs import inline, outbox, queues
from smooth.messages import _

_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


def method_path(method: str | Callable[..., Any]) -> str:
    if isinstance(method, str):
        return method
    module, name = getattr(method, "__module__", None), getattr(method, "__qualname__", "")
    if not module or "<" in name:
        raise ValidationError(_("{0!r} cannot be enqueued: pass a module-level function or its dotted path", method))
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

    `job_id` names the job (per site); with `deduplicate=True` a job of that id still waiting,
    queued or running makes this call a no-op. `retry` is how many times a failed job runs
    again. Arguments must be JSON values: a job may wait in the database before it is queued.
    """
    if deduplicate and not job_id:
        raise ValidationError(_("deduplicate=True needs a job_id to recognise the same job by"))
    queues.queue_name(queue)
    try:
        json.dumps(kwargs)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("The arguments of job {0} must be JSON values (text, numbers, lists, dicts; pass a "
                                "date as text): {1}", method_path(method), exc)) from exc
    bound = local()
    spec = {"site": bound.site.name, "sites_path": str(bound.site.sites_path), "user": session_user(),
            "method": method_path(method), "kwargs": kwargs}
    rq_id = rq_job_id(bound.site.name, job_id) if job_id else uuid.uuid4().hex
    options = {"queue": queue, "timeout": timeout, "job_id": rq_id, "deduplicate": deduplicate, "retry": retry}
    rq_queue = queues.get_queue(bound.site, queue)
    if rq_queue is None:
        if enqueue_after_commit:
            current_db().after_commit.add(inline.after_commit, spec, rq_id)
        else:
            inline.run_now(spec, rq_id)
    elif not enqueue_after_commit:
        outbox.push_job(rq_queue, spec, options)
    else:
        row = outbox.store(spec, options)
        if row is not None:
            current_db().after_commit.add(outbox.push_after_commit, row)
    return rq_id

