"""`/app/compliance-dashboard`: the compliance counts with a chart by department, and the audit export form.

The export form asks this page (`?export=1`): the page sends the ZIP, or comes back with the reason it
cannot and what was chosen still filled in.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth_hr import audit_export, compliance_dashboard

STATUS_COLORS = {"Pending": "#6b7785", "Complete": "#2e9e5b", "Expiring": "#d9822b", "Expired": "#c23b3b"}


def get_context(context: Any) -> None:
    data = compliance_dashboard.get_dashboard()
    context.data = data
    departments = data["by_department"]
    context.chart = smooth.bar_chart(
        "Compliance by department and status", [d["department"] for d in departments],
        [smooth.ChartSeries(status, [next(c["count"] for c in d["statuses"] if c["label"] == status)
                                     for d in departments], STATUS_COLORS[status])
         for status in compliance_dashboard.STATUSES]) if departments else None
    context.statuses = compliance_dashboard.STATUSES
    context.can_export = smooth.has_permission("Employee Compliance", "export")
    context.export_url = audit_export.PAGE_URL
    context.compliance_types = smooth.get_list("Compliance Type", pluck="name", order_by="name asc") \
        if context.can_export else []
    form = context.form_dict
    context.chosen = {"employee": str(form.get("employee") or "").strip(),
                      "compliance_type": str(form.get("compliance_type") or "").strip()}
    context.export_error = None
    if form.get("export"):
        try:
            context.download = audit_export.download_audit_export(**context.chosen)
        except (smooth.ValidationError, smooth.DoesNotExistError, smooth.PermissionError) as exc:
            context.export_error, context.http_status = exc.message, exc.http_status_code
