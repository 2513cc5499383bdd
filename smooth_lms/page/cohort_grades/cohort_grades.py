"""`/app/cohort-grades`: the cohorts whose grade sheet the user may see; `?cohort=` one sheet, `&export=1` its CSV."""

from __future__ import annotations

from typing import Any

import smooth
from smooth_lms import cohort_assessments
from smooth_lms.permissions import is_staff


def _my_cohorts(user: str) -> list[dict[str, Any]]:
    cohorts = smooth.get_all("LMS Batch", fields=["name", "title", "start_date", "end_date"],
                             order_by="start_date desc")
    if is_staff(user):
        return cohorts
    return [c for c in cohorts if user in cohort_assessments.evaluators_of(c["name"])]


def get_context(context: Any) -> None:
    user = smooth.session.user
    cohort = str(context.form_dict.get("cohort") or "").strip()
    context.title = "Cohort Grades"
    context.sheet = None
    if not cohort:
        context.cohorts = _my_cohorts(user)
        return
    if context.form_dict.get("export"):
        context.download = cohort_assessments.download_grade_sheet(cohort)
        return
    context.sheet = cohort_assessments.grade_sheet(cohort)
    context.title = f"Grades: {context.sheet['title'] or cohort}"
