"""What a learner does next in a course: the next item of its path (`smooth_lms.lesson_flow`), and once the
path runs out a quiz or an assignment left, their certificate, or booking.

The last lesson and a passed quiz point on from here, so neither ends in a dead end nor
sends a learner to something they have already done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smooth_lms import assignments, attempt_policy, certificates, quizzes
from smooth_lms.lesson_flow import KIND_LABELS, LESSON, Flow


@dataclass(frozen=True)
class Step:
    label: str
    href: str
    certificate: str | None = None  # the number, when the step is "you earned a certificate"


def certificate_step(user: str, course: str) -> Step | None:
    name = certificates.current(user, course)
    if not name:
        return None
    number = certificates.verification_number(name)
    return Step(f"You earned a certificate ({number})", f"/verify/{number}", number)


def after_lessons(user: str, course: dict[str, Any], content_complete: bool) -> Step:
    """The step after the last lesson: the first quiz, then assignment, not passed yet, the certificate, the
    certification page (content complete, an evaluation required), else back to the outline."""
    passed = quizzes.passed_quizzes(user, course["name"])
    for quiz in quizzes.course_quizzes(course["name"]):
        if quiz["name"] not in passed:
            return Step(f"Next: quiz {quiz['title']}", f"/lms/courses/{course['name']}/quiz/{quiz['name']}")
    handed = assignments.passed_assignments(user, course["name"])
    for task in assignments.course_assignments(course["name"]):
        if task["name"] not in handed:
            return Step(f"Next: assignment {task['title']}",
                        f"/lms/courses/{course['name']}/assignment/{task['name']}")
    earned = certificate_step(user, course["name"])
    if earned:
        return earned
    if content_complete and course.get("evaluation_required"):
        label = "Next: book your evaluation"
        if attempt_policy.why_wait(user, course["name"]):
            label = "Next: your evaluation (see when you may book again)"
        return Step(label, f"/lms/courses/{course['name']}/certification")
    return Step("Back to the course outline", f"/lms/courses/{course['name']}")


def after_item(user: str, course: dict[str, Any], flow: Flow, kind: str, name: str, content_complete: bool) -> Step:
    """The step after an item of the course's path: the next lesson, quiz or assignment, else `after_lessons`."""
    following = flow.after(kind, name)
    if following is None:
        return after_lessons(user, course, content_complete)
    what = following.label if following.kind == LESSON else f"{KIND_LABELS[following.kind].lower()} {following.title}"
    return Step(f"Next: {what}", following.href)
