"""The daily clean-up: Pending requests that can no longer happen become Cancelled, with a reason.

Two kinds: a slot that passed more than LMS Settings `stale_request_grace_hours` ago without
being marked Completed, and a slot after its cohort's evaluation end date (the date was moved
earlier after booking). Each is cancelled in a savepoint of the job's unit of work, through the
document (so the cancellation mail with the reason reaches learner and evaluator, and a refusal
of one is undone alone and does not stop the others); the reason is kept on the request.
"""

from __future__ import annotations

import datetime as dt
import logging

import smooth
from smooth_lms.timezones import now_utc

log = logging.getLogger("smooth_lms.stale_requests")
REQUEST = "LMS Certificate Request"
DEFAULT_GRACE_HOURS = 24


def stale_requests(now: dt.datetime | None = None) -> dict[str, str]:
    """{request: reason} of the Pending requests to cancel now."""
    moment = now or now_utc()
    grace = smooth.db.get_single_value("LMS Settings", "stale_request_grace_hours")
    hours = DEFAULT_GRACE_HOURS if grace is None else int(grace)
    found: dict[str, str] = {}
    for name in smooth.get_all(REQUEST, filters={"status": "Pending",
                                                 "start_utc": ["<", moment - dt.timedelta(hours=hours)]}, pluck="name"):
        found[name] = (f"Cancelled automatically: the evaluation time passed more than {hours} hours ago "
                       "and the request was never marked Completed")
    for batch in smooth.get_all("LMS Batch", filters={"evaluation_end_date": ["is", "set"]},
                                fields=["name", "title", "evaluation_end_date"]):
        for name in smooth.get_all(REQUEST, filters={"status": "Pending", "batch_name": batch["name"],
                                                     "date": [">", batch["evaluation_end_date"]]}, pluck="name"):
            found.setdefault(name, f"Cancelled automatically: the slot is after the evaluation end date of "
                                   f"{batch['title'] or batch['name']} ({batch['evaluation_end_date']})")
    return found


def cancel_stale_requests(now: dt.datetime | None = None) -> list[str]:
    """Cancel every stale request (each in a savepoint: one refused does not undo the others); returns the names."""
    cancelled = []
    for name, reason in stale_requests(now).items():
        try:
            with smooth.savepoint():
                doc = smooth.get_doc(REQUEST, name, for_update=True)
                if doc.status != "Pending":
                    continue
                doc.status = "Cancelled"
                doc.cutoff_override_reason = reason
                doc.save(ignore_permissions=True)
            cancelled.append(name)
        except smooth.SmoothError:
            log.exception("could not cancel the stale request %s", name)
    return cancelled
