"""LMS Evaluator Gap: staff learn once that learners want to book a course nobody evaluates.

There is no core Error Log yet, so the notice is an LMS record named after the course: one per
course however often learners are refused (the record counts the attempts), deleted as soon as
an evaluator is assigned, so a new gap is reported afresh. The learner's refused request rolls
back, so the record is written by an after_rollback callback, which the framework runs in a unit
of work of its own once the request's is over.
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
    try:
        try:
            with smooth.savepoint():
                smooth.get_doc({"doctype": DOCTYPE, "course": course, "first_asked_by": user,
                                "first_asked_on": when, "attempts": 1}).insert(ignore_permissions=True)
        except DuplicateEntryError:
            attempts = smooth.db.get_value(DOCTYPE, course, "attempts", for_update=True) or 0
            smooth.db.set_value(DOCTYPE, course, "attempts", attempts + 1)
    except Exception:  # the learner's own refusal is what they must see, not a failure to take notes
        log.exception("could not record the evaluator gap of course %s", course)
