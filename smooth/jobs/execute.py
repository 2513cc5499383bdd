"""Running one job: bind its site and user, call the method in one unit of work, keep failures.

`run_job` is what an RQ worker calls (and what the inline mode calls after commit). A job that
raises rolls back its own work, leaves an Error Log record with the traceback, and re-raises
so RQ marks it failed and retries it per its policy. A job whose worker died (SIGKILL, OOM) is
found abandoned by RQ's registry cleanup, which calls `on_failure`: it gets an Error Log too.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from smooth.context import unit_of_work
from smooth.hooks import resolve
from smooth.model.records import get_doc

log = logging.getLogger("smooth.jobs")
ERROR_LENGTH = 60_000


def run_job(site: str, sites_path: str, user: str, method: str, kwargs: dict[str, Any], job_id: str = "") -> Any:
    """Call `method(**kwargs)` on `site` as `user`, committed as one unit of work."""
    try:
        with unit_of_work(site, user=user, sites_path=Path(sites_path)):
            return resolve(method, f"job {job_id or method}")(**kwargs)
    except Exception as exc:
        record_error(site, sites_path, method, "".join(traceback.format_exception(exc)), job_id)
        raise


def record_error(site: str, sites_path: str, method: str, text: str, job_id: str = "",
                 reference: tuple[str, str] | None = None) -> None:
    """Keep a failure as an Error Log record (in its own transaction: the job's was rolled back)."""
    try:
        with unit_of_work(site, user="Administrator", sites_path=Path(sites_path)):
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
