"""The LMS Program form's Connections: its members, with their progress and certificates in the list."""

from __future__ import annotations

from typing import Any


def get_data() -> dict[str, Any]:
    return {
        "fieldname": "program",
        "transactions": [{"label": "Learners", "items": ["LMS Program Member"]}],
    }
