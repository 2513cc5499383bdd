"""/statistics/learning: the Learning workspace's statistics (desk users with an LMS staff role)."""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms import statistics
from smooth_lms.permissions import is_staff

COLORS = {"orange": "#d9822b", "green": "#2e9e5b", "gray": "#6b7785", "red": "#c4314b", "blue": "#2f6fb3"}


def get_context(context: Any) -> None:
    user = smooth.session.user
    if user == "Guest":
        raise smooth.PermissionError(_("Log in to see the learning statistics"))
    if not (is_staff(user) or "Batch Evaluator" in smooth.get_roles(user)):
        raise smooth.PermissionError(_("The learning statistics are for evaluators and Moderators"))
    context.title = "Learning statistics"
    weekly = statistics.evaluations_per_week()
    context.weekly = weekly
    context.weekly_chart = smooth.bar_chart("Evaluations per week by status", weekly["labels"],
                                     [smooth.ChartSeries(s, v, COLORS.get(weekly["indicators"][s], COLORS["blue"]))
                                      for s, v in weekly["series"].items()])
    courses = statistics.by_course()
    context.courses = courses
    labels = [c["title"][:18] for c in courses]
    context.pass_chart = smooth.bar_chart("Pass rate by course", labels,
                                   [smooth.ChartSeries("Pass rate", [c["pass_rate"] or 0 for c in courses])],
                                   unit="%", max_value=100) if courses else None
    context.score_chart = smooth.bar_chart("Average quiz score by course", labels,
                                    [smooth.ChartSeries("Average score", [c["average_score"] or 0 for c in courses],
                                            "#7a5cc2")], unit="%", max_value=100) if courses else None
    monthly = statistics.certificates_per_month()
    context.monthly = monthly
    context.monthly_chart = smooth.bar_chart("Certificates issued per month", monthly["labels"],
                                      [smooth.ChartSeries("Certificates", monthly["values"], "#2f6fb3")])
