"""/lms/courses/<course>/certification: what is left, or Schedule Evaluation (book / reschedule a slot).

Everything works as plain GET links and one form post: the date list and the zone form are GETs
(`?date=`, `?timezone=`), the chosen slot is posted with the date and zone in hidden fields, so
a refused booking re-renders the same date with a fresh slot list and the server's message.
`?slot=` preselects a slot (a booking posted after the session ended comes back this way once
the learner has logged in again); nothing is booked until the form is posted.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms import certification, learning
from smooth_lms.doctype.lms_certificate_request.lms_certificate_request import DuplicateRequestError


def _rescheduling(context: Any, course: str) -> dict[str, Any] | None:
    name = context.form_dict.get("reschedule")
    if not name:
        return None
    doc = smooth.get_doc("LMS Certificate Request", name)
    doc.check_permission("read")
    if doc.course != course:
        raise smooth.DoesNotExistError(smooth._("{0} is not a request for this course", name))
    return certification.request_view(doc.as_dict(), smooth.local.site.name)


def handle_post(context: Any) -> None:
    user = learning.require_login(_("Log in to book an evaluation"))
    form = context.form_dict
    course = learning.course_for_viewer(form["course"])
    where = certification.status(user, course, form.get("batch") or None)
    with context.refused_post():
        tz = certification.learner_zone(user, form.get("timezone"))
        if not form.get("slot"):
            raise smooth.ValidationError(smooth._("Pick a time slot"))
        if form.get("reschedule"):
            result = certification.reschedule(form["reschedule"], tz, form["slot"])
        else:
            result = certification.book(course["name"], where.batch, tz, form["slot"])
        done = "rescheduled" if form.get("reschedule") else "booked"
        context.redirect_to = f"/lms/evaluations/{result['name']}?{done}=1"
    if isinstance(context.refusal, DuplicateRequestError):
        context.existing = certification.active_request_name(context.refusal.message)


def get_context(context: Any) -> None:
    user = learning.require_login(_("Log in to book an evaluation"))
    form = context.form_dict
    course = learning.course_for_viewer(form["course"])
    context.course, context.title = course, smooth._("Certification · {0}", course['title'])
    context.where = certification.status(user, course, form.get("batch") or None)
    context.rescheduling = _rescheduling(context, course["name"])
    context.error = context.error or None
    context.existing = context.existing or None
    try:
        context.timezone = certification.learner_zone(user, form.get("timezone"))
    except smooth.ValidationError as exc:
        context.error = context.error or exc.message
        context.timezone = certification.learner_zone(user, None)
    context.zones = certification.time_zones()
    context.chosen_slot = form.get("slot")  # a refused post, or a choice carried through logging in again
    context.pending = certification.request_view(context.where.pending, smooth.local.site.name) \
        if context.where.pending else None
    context.picker, context.kept_slot = None, None
    if context.where.may_book or (context.where.required and context.rescheduling):
        context.picker = certification.picker(course["name"], context.where.batch, context.timezone,
                                              form.get("date"))
        kept = [s for s in context.picker.slots if s["start_utc"] == context.chosen_slot]
        context.kept_slot = kept[0] if kept and context.method == "GET" else None
