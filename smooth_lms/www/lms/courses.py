"""/lms/courses: the catalogue of published (and upcoming) courses, with my progress where enrolled."""

from __future__ import annotations

from typing import Any

import smooth
from smooth_lms import learning


def get_context(context: Any) -> None:
    context.title = smooth._("Courses")
    courses = smooth.get_all("LMS Course", fields=["name", "title", "short_introduction", "tags", "upcoming",
                                                   "evaluation_required"],
                             or_filters=[["published", "=", 1], ["upcoming", "=", 1]], order_by="title asc")
    mine = {c["course"]: c for c in learning.my_courses(context.user)} if context.user != "Guest" else {}
    counts: dict[str, int] = {}
    for row in smooth.get_all("Course Lesson", fields=["course"],
                              filters={"course": ["in", [c["name"] for c in courses] or [""]]}):
        counts[row["course"]] = counts.get(row["course"], 0) + 1
    context.courses = [{**c, "tag_list": [t.strip() for t in (c["tags"] or "").split(",") if t.strip()],
                        "lessons": counts.get(c["name"], 0), "enrollment": mine.get(c["name"])} for c in courses]
