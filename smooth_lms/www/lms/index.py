"""/lms: my courses with progress, my cohorts and their evaluation window, my upcoming evaluations."""

from __future__ import annotations

from typing import Any

import smooth
from smooth_lms import learning
from smooth_lms.certification import REQUEST_FIELDS, request_view
from smooth_lms.timezones import now_utc


def get_context(context: Any) -> None:
    user = learning.require_login()
    context.title = "My learning"
    context.courses = learning.my_courses(user)
    context.cohorts = learning.my_cohorts(user)
    upcoming = smooth.get_all("LMS Certificate Request", fields=REQUEST_FIELDS, order_by="start_utc asc",
                              filters={"member": user, "status": "Pending", "start_utc": [">=", now_utc()]})
    context.evaluations = [request_view(r, smooth.local.site.name) for r in upcoming]
