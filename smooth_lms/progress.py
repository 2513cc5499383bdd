"""Course content and a learner's way through it: the outline, completed lessons, the enrollment's progress.

The outline is the course's Chapter Reference rows in order, each chapter's Lesson Reference
rows in order (Frappe LMS's shape). An enrollment's progress is the share of the outline's
lessons its member has completed (LMS Course Progress rows with status Complete), so it is
computed, never typed in; a course with no lessons yet keeps the progress staff set (content
delivered elsewhere), which is how enrollments were tracked before lessons existed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import smooth
from smooth_lms import assignments, live_attendance

COMPLETE = "Complete"


@dataclass
class Lesson:
    name: str
    title: str
    number: str  # "2.1": chapter 2, lesson 1
    chapter: str


@dataclass
class Chapter:
    name: str
    title: str
    number: int
    lessons: list[Lesson] = field(default_factory=list)


def outline(course: str) -> list[Chapter]:
    """The course's chapters and their lessons, in order (three queries, whatever the size)."""
    refs = smooth.get_all("Chapter Reference", fields=["chapter"], order_by="idx asc",
                          filters={"parent": course, "parenttype": "LMS Course", "parentfield": "chapters"})
    names = [r["chapter"] for r in refs]
    if not names:
        return []
    titles = {c["name"]: c["title"] for c in smooth.get_all("Course Chapter", fields=["name", "title"],
                                                             filters={"name": ["in", names]})}
    rows = smooth.get_all("Lesson Reference", fields=["parent", "lesson", "title"], order_by="idx asc",
                          filters={"parent": ["in", names], "parenttype": "Course Chapter"})
    chapters = [Chapter(n, titles.get(n, n), i) for i, n in enumerate(dict.fromkeys(names), start=1)]
    by_name = {c.name: c for c in chapters}
    for row in rows:
        chapter = by_name[row["parent"]]
        chapter.lessons.append(Lesson(row["lesson"], row["title"] or row["lesson"],
                                      f"{chapter.number}.{len(chapter.lessons) + 1}", chapter.name))
    return chapters


def lessons(course: str) -> list[Lesson]:
    return [lesson for chapter in outline(course) for lesson in chapter.lessons]


def completed_lessons(member: str, course: str) -> set[str]:
    return set(smooth.get_all("LMS Course Progress", pluck="lesson",
                              filters={"member": member, "course": course, "status": COMPLETE}))


def computed_progress(member: str, course: str, in_order: list[Lesson] | None = None) -> float | None:
    """Percent of the course's lessons, quizzes and assignments `member` completed (a quiz or an assignment
    counts once passed); None for a course without lessons (content delivered elsewhere: its quizzes and
    assignments still gate certification)."""
    in_order = lessons(course) if in_order is None else in_order
    if not in_order:
        return None
    done = completed_lessons(member, course)
    quizzes = smooth.get_all("LMS Quiz", filters={"course": course}, pluck="name")
    passed = set(smooth.get_all("LMS Quiz Submission", filters={"member": member, "course": course, "passed": 1},
                                pluck="quiz")) if quizzes else set()
    tasks = [a["name"] for a in assignments.course_assignments(course)]
    handed = assignments.passed_assignments(member, course) if tasks else set()
    sessions, attended = live_attendance.counted_attendance(member, course)  # counted live sessions
    finished = sum(1 for lesson in in_order if lesson.name in done) + sum(1 for q in quizzes if q in passed) \
        + sum(1 for a in tasks if a in handed) + attended
    return round(100 * finished / (len(in_order) + len(quizzes) + len(tasks) + sessions), 2)


def refresh_course(course: str) -> None:
    """Recompute every enrollment of a course whose lessons changed."""
    for name in smooth.get_all("LMS Enrollment", filters={"course": course}, pluck="name"):
        smooth.get_doc("LMS Enrollment", name).save(ignore_permissions=True)


def refresh_moved(doc: Any) -> None:
    """on_update of a quiz or an assignment: a new one, or one moved to another course, changes the progress
    of every enrollment of the course it joined (and left)."""
    before = doc.get_doc_before_save()
    if before is None or before.course != doc.course:
        refresh_course(doc.course)
        if before is not None:
            refresh_course(before.course)


def enrollment(member: str, course: str) -> dict[str, Any] | None:
    return smooth.db.get_value("LMS Enrollment", {"member": member, "course": course},
                               ["name", "progress", "completed", "batch"], as_dict=True)
