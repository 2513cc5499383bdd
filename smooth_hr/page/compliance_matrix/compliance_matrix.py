"""`/app/compliance-matrix`: employees x compliance types coloured by status, filtered by department
and manager, a page of employees at a time; `?export=1` sends the whole filtered matrix as CSV. Below
it, each department's compliance score over the last days (HR only: it counts every department)."""

from __future__ import annotations

from typing import Any

import smooth
from smooth_hr import compliance_matrix, compliance_scores

SCORE_DAYS = 14


def _page_number(value: Any) -> int:
    text = str(value or "1").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else 1


def get_context(context: Any) -> None:
    form = context.form_dict
    chosen = {"department": str(form.get("department") or "").strip(),
              "manager": str(form.get("manager") or "").strip()}
    context.chosen = chosen
    context.departments = smooth.get_list("Department", pluck="name", order_by="name asc", limit_page_length=0)
    context.can_export = smooth.has_permission("Employee Compliance", "export")
    context.filter_error = None
    context.matrix = None
    try:
        if form.get("export"):
            context.download = compliance_matrix.download_matrix(**chosen)
            return
        context.matrix = compliance_matrix.get_matrix(page=_page_number(form.get("page")), **chosen)
    except (smooth.ValidationError, smooth.PermissionError) as exc:
        context.filter_error, context.http_status = exc.message, exc.http_status_code
    context.cell_text = compliance_matrix.cell_text
    context.page_url = compliance_matrix.page_url
    context.export_url = compliance_matrix.page_url(export=1, **chosen)
    context.scores = None
    if smooth.has_permission(compliance_scores.SNAPSHOT, "read"):
        scores = compliance_scores.history(SCORE_DAYS, [chosen["department"]] if chosen["department"] else None)
        context.scores = scores
        context.score_labels = [day.strftime("%d %b") for day in scores.dates]
        context.score_chart = smooth.line_chart(
            "Compliance score by department", context.score_labels,
            [smooth.ChartSeries(name, line) for name, line in scores.departments.items()],
            unit="%", max_value=100) if scores.dates else None
