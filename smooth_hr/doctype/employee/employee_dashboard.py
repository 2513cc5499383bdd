"""The Employee form's Connections: their documents and compliance, and the training of their user."""

from __future__ import annotations

from typing import Any


def get_data() -> dict[str, Any]:
    return {
        "fieldname": "employee",
        "non_standard_fieldnames": {"LMS Training Assignment": "member", "LMS Certificate": "member"},
        "value_fields": {"LMS Training Assignment": "user_id", "LMS Certificate": "user_id"},
        "transactions": [
            {"label": "Documents", "items": ["Employee Document", "Employee Compliance"]},
            {"label": "Training", "items": ["LMS Training Assignment", "LMS Certificate"]},
        ],
    }
