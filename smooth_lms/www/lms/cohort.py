"""/lms/cohorts/<cohort>: a cohort's dates, evaluation window and courses, with my progress and Certification."""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms import cohort_assessments, learning, live_class_views
from smooth_lms.permissions import is_staff


def get_context(context: Any) -> None:
    user = learning.require_login(_("Log in to see your cohort"))
    name = context.form_dict["cohort"]
    members = smooth.get_all("Batch Member", filters={"parent": name, "parenttype": "LMS Batch"}, pluck="member")
    if not smooth.db.exists("LMS Batch", name) or (user not in members and not learning.sees_all_content(user)):
        raise smooth.DoesNotExistError(smooth._("Cohort {0} not found", name))
    cohort = smooth.db.get_value("LMS Batch", name, ["name", "title", "start_date", "end_date",
                                                     "evaluation_end_date", "evaluation_required"], as_dict=True)
    mine = {c["course"]: c for c in learning.my_courses(user)}
    rows = smooth.get_all("Batch Course", fields=["course", "title"], order_by="idx asc",
                          filters={"parent": name, "parenttype": "LMS Batch"})
    names = [r["course"] for r in rows] or [""]
    required = {c["name"]: c["evaluation_required"] for c in smooth.get_all(
        "LMS Course", fields=["name", "evaluation_required"], filters={"name": ["in", names]})}
    context.cohort, context.title = cohort, cohort["title"]
    context.courses = [{**r, "enrollment": mine.get(r["course"]),
                        "evaluation": bool(required.get(r["course"]) or cohort["evaluation_required"])} for r in rows]
    context.assessments = cohort_assessments.assessments(name)
    context.grade_sheet = is_staff(user) or user in cohort_assessments.evaluators_of(name)
    context.live = live_class_views.sessions(user, [name])
