"""The LMS Course form's Connections: who is enrolled (and what they watched), asks to be certified, is certified;
its quizzes."""

from __future__ import annotations

from typing import Any


def get_data() -> dict[str, Any]:
    return {
        "fieldname": "course",
        "transactions": [
            {"label": "Learners", "items": ["LMS Enrollment", "LMS Lesson Engagement"]},
            {"label": "Certification", "items": ["LMS Certificate Request", "LMS Certificate"]},
            {"label": "Content", "items": ["LMS Quiz"]},
        ],
    }
