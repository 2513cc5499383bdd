"""Running one job: bind its site and user, call the method in one unit of work, keep failures.

The job runner is an entry point, so the unit is its own; code inside isolates a step with a
savepoint. A method marked `@opens_units` (a framework job that must commit in steps: sending
queued mail, running a scheduled event and logging its run) is called with the site bound and
no unit open, and opens its units itself.

`run_job` is what an RQ worker calls (and what the inline mode calls after commit). A job that
raises rolls back its own work, leaves an Error Log record with the traceback, and re-raises
so RQ marks it failed and retries it per its policy. A job whose worker died (SIGKILL, OOM) is
found abandoned by RQ's registry cleanup, which calls `on_failure`: it gets an Error Log too.

A job names the sites folder of the process that enqueued it; a `bench worker` runs it on its own
(`run_on_sites_path`), as on several hosts the folders may differ.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from smooth.context import site_context, unit_of_work
from smooth.hooks import resolve
from smooth.model.records import get_doc

log = logging.getLogger("smooth.jobs")
ERROR_LENGTH = 60_000
OPENS_UNITS = "_smooth_opens_units"
Method = TypeVar("Method", bound=Callable[..., Any])
_host_sites_path: list[Path] = []  # set by `bench worker`: this host's sites folder


def run_on_sites_path(path: Path) -> None:
    """Open every job's site from `path` (this worker host's folder), not the enqueuing host's."""
    _host_sites_path[:] = [path]


def _sites_path(enqueued: str) -> Path:
    return _host_sites_path[0] if _host_sites_path else Path(enqueued)


def opens_units(method: Method) -> Method:
    """Mark a job that commits in steps: the runner binds its site and opens no unit around it."""
    setattr(method, OPENS_UNITS, True)
    return method


def call(method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a job's (or `bench execute`'s) method on the bound site: in one unit of work, or bare when it
    opens its own."""
    if getattr(method, OPENS_UNITS, False):
        return method(*args, **kwargs)
    with unit_of_work():
        return method(*args, **kwargs)


def run_job(site: str, sites_path: str, user: str, method: str, kwargs: dict[str, Any], job_id: str = "") -> Any:
    """Call `method(**kwargs)` on `site` as `user`, committed as one unit of work."""
    try:
        with site_context(site, _sites_path(sites_path), user=user):
            return call(resolve(method, f"job {job_id or method}"), **kwargs)
    except Exception as exc:
        record_error(site, sites_path, method, "".join(traceback.format_exception(exc)), job_id)
        raise


def record_error(site: str, sites_path: str, method: str, text: str, job_id: str = "",
                 reference: tuple[str, str] | None = None) -> None:
    """Keep a failure as an Error Log record (in its own transaction: the job's was rolled back)."""
    try:
        with unit_of_work(site, user="Administrator", sites_path=_sites_path(sites_path)):
            get_doc({"doctype": "Error Log", "method": method[:255], "error": text[-ERROR_LENGTH:],
                     "job_id": job_id, "reference_doctype": reference[0] if reference else None,
                     "reference_name": reference[1] if reference else None}).insert(ignore_permissions=True)
    except Exception:
        log.exception("could not record the failure of %s on %s", method, site)


def on_failure(job: Any, connection: Any, exc_type: type[BaseException] | None, exc: BaseException | None,
               tb: TracebackType | None) -> None:
    """RQ's failure callback; it records only abandoned jobs (`run_job` recorded the others)."""
    if exc_type is None or exc_type.__name__ != "AbandonedJobError":
        return
    spec = job.kwargs
    record_error(spec["site"], spec["sites_path"], spec["method"],
                 f"AbandonedJobError: the worker running job {job.id} died before it finished "
                 f"(killed, out of memory or restarted); retries left: {job.retries_left or 0}", job.id)
