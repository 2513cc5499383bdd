"""A course as one path through its lessons, quizzes and assignments: the lesson sidebar, "next" and "continue".

Lessons come in outline order; an assignment or a quiz tied to a lesson (its `lesson` field) comes right
after that lesson, the others after the last lesson (quizzes, then assignments). Each item is done when
its lesson is complete, its quiz passed or its assignment passed, so the sidebar's ticks and "continue where
you left off" (the first item not done) read the same records as the course's progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import smooth
from smooth_lms import assignments, progress, quizzes

LESSON, QUIZ, ASSIGNMENT = "lesson", "quiz", "assignment"
KIND_LABELS = {LESSON: "Lesson", QUIZ: "Quiz", ASSIGNMENT: "Assignment"}


@dataclass
class Item:
    kind: str
    name: str
    title: str
    href: str
    done: bool
    number: str = ""

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}" if self.number else f"{KIND_LABELS[self.kind]}: {self.title}"


@dataclass
class Group:
    title: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Flow:
    groups: list[Group]

    @property
    def items(self) -> list[Item]:
        return [item for group in self.groups for item in group.items]

    def _index(self, kind: str, name: str) -> int | None:
        return next((i for i, item in enumerate(self.items) if item.kind == kind and item.name == name), None)

    def after(self, kind: str, name: str) -> Item | None:
        index, items = self._index(kind, name), self.items
        return items[index + 1] if index is not None and index + 1 < len(items) else None

    def before(self, kind: str, name: str) -> Item | None:
        index = self._index(kind, name)
        return self.items[index - 1] if index else None

    def resume(self) -> Item | None:
        """Where the learner left off: the first item not done (None when all are)."""
        return next((item for item in self.items if not item.done), None)


def course_flow(user: str, course: str) -> Flow:
    """The course's items in order, grouped by chapter, each marked done or not for `user`."""
    done = progress.completed_lessons(user, course)
    quiz_rows = smooth.get_all("LMS Quiz", filters={"course": course}, fields=["name", "title", "lesson"],
                               order_by="creation asc")
    passed = quizzes.passed_quizzes(user, course) if quiz_rows else set()
    task_rows = assignments.course_assignments(course)
    handed = assignments.passed_assignments(user, course) if task_rows else set()
    base = f"/lms/courses/{course}"

    def quiz(row: dict[str, str]) -> Item:
        return Item(QUIZ, row["name"], row["title"], f"{base}/quiz/{row['name']}", row["name"] in passed)

    def task(row: dict[str, str]) -> Item:
        return Item(ASSIGNMENT, row["name"], row["title"], f"{base}/assignment/{row['name']}", row["name"] in handed)

    groups, placed = [], set()
    for chapter in progress.outline(course):
        group = Group(f"{chapter.number}. {chapter.title}")
        for lesson in chapter.lessons:
            group.items.append(Item(LESSON, lesson.name, lesson.title, f"{base}/learn/{lesson.name}",
                                    lesson.name in done, lesson.number))
            group.items += [task(row) for row in task_rows if row["lesson"] == lesson.name]
            group.items += [quiz(row) for row in quiz_rows if row["lesson"] == lesson.name]
            placed.add(lesson.name)
        groups.append(group)
    rest = [quiz(row) for row in quiz_rows if row["lesson"] not in placed] + \
        [task(row) for row in task_rows if row["lesson"] not in placed]
    if rest:
        groups.append(Group("Quizzes and assignments", rest))
    return Flow(groups)
