"""LMS Evaluator Gap: staff learn once that learners want to book a course nobody evaluates.

There is no core Error Log yet, so the notice is an LMS record named after the course: one per
course however often learners are refused (the record counts the attempts), deleted as soon as
an evaluator is assigned, so a new gap is reported afresh. The learner's refused request rolls
back, so the record is written after that rollback, in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

import smooth
from smooth.exceptions import DuplicateEntryError

DOCTYPE = "LMS Evaluator Gap"
log = logging.getLogger(__name__)


def report(course: str) -> None:
    """Record the gap once the current (refused) transaction has rolled back."""
    smooth.db.after_rollback.add(_record, course, smooth.session.user, smooth.now_datetime())


def resolve(courses: Iterable[str]) -> None:
    """An evaluator now covers these courses: their notices are done."""
    names = [c for c in courses if c]
    if names:
        smooth.db.delete(DOCTYPE, {"name": ["in", names]})


def _record(course: str, user: str, when: dt.datetime) -> None:
    if len(smooth.db.after_rollback):  # committing drops queued rollback callbacks: let the others run first
        smooth.db.after_rollback.add(_record, course, user, when)
        return
    try:
        try:
            smooth.get_doc({"doctype": DOCTYPE, "course": course, "first_asked_by": user, "first_asked_on": when,
                            "attempts": 1}).insert(ignore_permissions=True)
        except DuplicateEntryError:
            smooth.db.rollback()
            attempts = smooth.db.get_value(DOCTYPE, course, "attempts", for_update=True) or 0
            smooth.db.set_value(DOCTYPE, course, "attempts", attempts + 1)
        smooth.db.commit()
    except Exception:  # the learner's own refusal is what they must see, not a failure to take notes
        smooth.db.rollback()
        log.exception("could not record the evaluator gap of course %s", course)
