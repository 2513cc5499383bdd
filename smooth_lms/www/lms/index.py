"""/lms: my courses with progress, my cohorts and their evaluation window, my upcoming evaluations."""

from __future__ import annotations

from typing import Any

import smooth
from smooth_lms import learning, live_class_views, training_assignments
from smooth_lms.certification import REQUEST_FIELDS, request_view
from smooth_lms.timezones import now_utc


def get_context(context: Any) -> None:
    user = learning.require_login()
    context.title = smooth._("My learning")
    due = training_assignments.due_by_course(user)
    courses = [{**c, "due": due.get(c["course"])} for c in learning.my_courses(user)]
    # assigned training first, the most urgent on top; the rest as before (latest activity first)
    context.courses = sorted(courses, key=lambda c: (c["due"] is None, str((c["due"] or {}).get("due_date") or "")))
    context.cohorts = learning.my_cohorts(user)
    upcoming = smooth.get_all("LMS Certificate Request", fields=REQUEST_FIELDS, order_by="start_utc asc",
                              filters={"member": user, "status": "Pending", "start_utc": [">=", now_utc()]})
    context.evaluations = [request_view(r, smooth.local.site.name) for r in upcoming]
    context.live_sessions = live_class_views.my_upcoming(user)
