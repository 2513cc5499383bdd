"""A course's rules on its lessons (LMS Course, "Video and Lesson Time"): skip prevention, the share of a video to
watch and the minimum time on a lesson, and whether a learner has met them.

Marking a lesson complete goes through `why_not_complete` whichever way it comes (the page's button, the API,
the player reaching the share), so a rule the page enforces is also the server's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import smooth

ENGAGEMENT = "LMS Lesson Engagement"
LESSON_FIELDS = ["name", "title", "course", "chapter", "body", "youtube", "vimeo", "video", "video_duration", "file",
                 "scorm_folder", "include_in_preview"]


@dataclass(frozen=True)
class Rules:
    prevent_skipping: bool
    watch_percent: int
    minimum_seconds: int


def course_rules(course: str) -> Rules:
    values = smooth.db.get_value("LMS Course", course, ["prevent_skipping", "video_completion_percent",
                                                        "minimum_lesson_seconds"], as_dict=True) or {}
    return Rules(bool(values.get("prevent_skipping")), min(100, int(values.get("video_completion_percent") or 0)),
                 int(values.get("minimum_lesson_seconds") or 0))


def has_video(lesson: dict[str, Any]) -> bool:
    return bool(lesson.get("video") or lesson.get("youtube") or lesson.get("vimeo"))


def engagement(member: str, lesson: str) -> dict[str, Any] | None:
    return smooth.db.get_value(ENGAGEMENT, {"member": member, "lesson": lesson},
                               ["name", "watched_percent", "watched_seconds", "watched_segments", "furthest_second",
                                "time_on_lesson", "duration"], as_dict=True)


def duration_text(seconds: float) -> str:
    """`1 min 05 s` / `40 s`: how the page and the record word a span."""
    whole = int(round(seconds))
    return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"


def why_not_complete(member: str, lesson: dict[str, Any]) -> str | None:
    """Why `member` may not complete `lesson` yet (None: they may): a share of its video or time on it is left."""
    rules = course_rules(lesson["course"])
    if not (rules.minimum_seconds or (rules.watch_percent and has_video(lesson))):
        return None
    found = engagement(member, lesson["name"]) or {}
    watched = float(found.get("watched_percent") or 0)
    if rules.watch_percent and has_video(lesson) and watched < rules.watch_percent:
        return (f"Watch at least {rules.watch_percent}% of the video to complete this lesson "
                f"(you have watched {watched:.0f}%)")
    spent = int(found.get("time_on_lesson") or 0)
    if rules.minimum_seconds and spent < rules.minimum_seconds:
        return (f"Spend at least {duration_text(rules.minimum_seconds)} on this lesson to complete it "
                f"({duration_text(spent)} so far)")
    return None
