"""Inline jobs (no `redis_queue`): run after the commit, or after the response when a request defers them.

Without Redis a committed job runs in this process. Run at the commit, its cost (mail
rendering, files, calendar invitations) would be paid by the request that enqueued it, so the
HTTP dispatcher opens a `deferred_jobs()` scope around each request: jobs committed inside
wait in the scope and run after the response has been sent, each in its own unit of work.
Outside a scope (a console, a command, a test, a job enqueuing another) they run right after
the commit, as before. Either way a failing job is logged and kept as an Error Log record by
`execute.run_job`, never raised into the code that enqueued it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from smooth.jobs import execute

log = logging.getLogger("smooth.jobs")
_waiting = 0  # deferred jobs of this process not yet finished: `wait_for_deferred_jobs` waits for none
_settled = threading.Condition()


def _count(change: int) -> None:
    global _waiting
    with _settled:
        _waiting += change
        _settled.notify_all()


def wait_for_deferred_jobs(timeout: float = 30.0) -> bool:
    """Block until every job deferred in this process has run (a test's next look, a server's shutdown);
    False when some still had not after `timeout` seconds."""
    with _settled:
        return _settled.wait_for(lambda: _waiting == 0, timeout)


class DeferredJobs:
    """The inline jobs a scope's commits released, in commit order, waiting for `run()`."""

    def __init__(self) -> None:
        self.pending: list[tuple[dict[str, Any], str]] = []

    def __bool__(self) -> bool:
        return bool(self.pending)

    def run(self) -> int:
        """Run every waiting job (and those added meanwhile), oldest first; returns how many ran."""
        ran = 0
        while self.pending:
            spec, job_id = self.pending.pop(0)
            try:
                run_now(spec, job_id)
            finally:
                _count(-1)
            ran += 1
        return ran


_scope: ContextVar[DeferredJobs | None] = ContextVar("smooth_deferred_jobs", default=None)


@contextmanager
def deferred_jobs() -> Iterator[DeferredJobs]:
    """Hold back the inline jobs committed inside the block; the caller runs them with `.run()`
    once its answer is out (the dispatcher does after the response; a benchmark times it apart)."""
    jobs = DeferredJobs()
    token = _scope.set(jobs)
    try:
        yield jobs
    finally:
        _scope.reset(token)


def after_commit(spec: dict[str, Any], job_id: str) -> None:
    """A committed inline job: into the open scope if any, else run now."""
    scope = _scope.get()
    if scope is not None:
        scope.pending.append((spec, job_id))
        _count(1)
    else:
        run_now(spec, job_id)


def run_now(spec: dict[str, Any], job_id: str) -> None:
    """One job in its own unit of work; its failure was recorded by `run_job`, so it is only logged here."""
    token = _scope.set(None)  # a job's own jobs run after the job's commit
    try:
        execute.run_job(spec["site"], spec["sites_path"], spec["user"], spec["method"], spec["kwargs"], job_id)
    except Exception:
        log.exception("background job %s (%s) failed; see Error Log", spec["method"], job_id)
    finally:
        _scope.reset(token)
