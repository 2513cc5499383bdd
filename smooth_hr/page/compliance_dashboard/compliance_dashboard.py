"""`/app/compliance-dashboard`: the compliance counts with a chart by department, and the audit export form."""

from __future__ import annotations

from typing import Any

import smooth
from smooth.pages.charts import Series, bar_chart
from smooth_hr import compliance_dashboard
from smooth_hr.audit_export import EXPORT_METHOD

STATUS_COLORS = {"Pending": "#6b7785", "Complete": "#2e9e5b", "Expiring": "#d9822b", "Expired": "#c23b3b"}


def get_context(context: Any) -> None:
    data = compliance_dashboard.get_dashboard()
    context.data = data
    departments = data["by_department"]
    context.chart = bar_chart(
        "Compliance by department and status", [d["department"] for d in departments],
        [Series(status, [next(c["count"] for c in d["statuses"] if c["label"] == status) for d in departments],
                STATUS_COLORS[status]) for status in compliance_dashboard.STATUSES]) if departments else None
    context.statuses = compliance_dashboard.STATUSES
    context.can_export = smooth.has_permission("Employee Compliance", "export")
    context.export_url = f"/api/method/{EXPORT_METHOD}"
    context.compliance_types = smooth.get_list("Compliance Type", pluck="name", order_by="name asc") \
        if context.can_export else []
