"""Course content, enrolment and progress: computed from completed lessons, 100% completes."""

from __future__ import annotations

import pytest

import smooth
from smooth_lms import learning, progress
from tests.conftest import SiteHandle, make_user
from tests.lms.conftest import make_course, make_learner
from tests.lms.content import add_lessons


def _as(user: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    smooth.set_user(user)
    try:
        return fn(*args, **kwargs)
    finally:
        smooth.set_user("Administrator")


def test_the_outline_keeps_chapter_and_lesson_order(lms: SiteHandle) -> None:
    course = make_course("Ordered")
    names = add_lessons(course, {"Start": ["One", "Two"], "Finish": ["Three"]})
    chapters = progress.outline(course)
    assert [c.title for c in chapters] == ["Start", "Finish"]
    assert [(lesson.number, lesson.title) for c in chapters for lesson in c.lessons] == \
        [("1.1", "One"), ("1.2", "Two"), ("2.1", "Three")]
    assert [lesson.name for lesson in progress.lessons(course)] == names
    assert smooth.db.get_value("Course Lesson", names[2], "course") == course


def test_progress_is_computed_from_completed_lessons_and_100_completes(lms: SiteHandle) -> None:
    course = make_course("Computed")
    lessons = add_lessons(course, {"A": ["a1", "a2"], "B": ["b1", "b2"]})
    make_user("l@example.com", "LMS Student")
    _as("l@example.com", learning.enroll, course)
    enrollment = progress.enrollment("l@example.com", course)
    assert enrollment is not None and float(enrollment["progress"]) == 0 and not enrollment["completed"]
    assert float(_as("l@example.com", learning.save_progress, lessons[0])["progress"]) == 25
    _as("l@example.com", learning.save_progress, lessons[0])  # twice is once
    for lesson in lessons[1:3]:
        _as("l@example.com", learning.save_progress, lesson)
    assert float(progress.enrollment("l@example.com", course)["progress"]) == 75  # type: ignore[index]
    done = _as("l@example.com", learning.save_progress, lessons[3])
    assert float(done["progress"]) == 100 and done["completed"] == 1


def test_typed_progress_is_overwritten_when_the_course_has_lessons(lms: SiteHandle) -> None:
    course = make_course("No typing")
    add_lessons(course, {"A": ["a1", "a2"]})
    make_learner("typed@example.com", course, progress=100)
    assert float(progress.enrollment("typed@example.com", course)["progress"]) == 0  # type: ignore[index]
    doc = smooth.get_doc("LMS Enrollment", progress.enrollment("typed@example.com", course)["name"])  # type: ignore[index]
    doc.progress = 90
    doc.save()
    assert float(doc.progress) == 0 and not doc.completed


def test_a_new_lesson_lowers_everyones_progress(lms: SiteHandle) -> None:
    course = make_course("Growing")
    lessons = add_lessons(course, {"A": ["a1"]})
    make_user("g@example.com", "LMS Student")
    _as("g@example.com", learning.enroll, course)
    assert _as("g@example.com", learning.save_progress, lessons[0])["completed"] == 1
    add_lessons(course, {"B": ["b1"]})
    assert float(progress.enrollment("g@example.com", course)["progress"]) == 50  # type: ignore[index]


def test_a_course_without_lessons_keeps_the_progress_staff_set(lms: SiteHandle) -> None:
    course = make_course("Elsewhere")
    make_learner("e@example.com", course, progress=40)
    assert float(progress.enrollment("e@example.com", course)["progress"]) == 40  # type: ignore[index]


def test_self_enrolment_needs_a_published_open_course_or_a_cohort(lms: SiteHandle) -> None:
    draft = make_course("Draft", published=0)
    upcoming = make_course("Soon", upcoming=1)
    cohort_only = make_course("Cohort only", published=0)
    make_user("s@example.com", "LMS Student")
    with pytest.raises(smooth.DoesNotExistError):
        _as("s@example.com", learning.enroll, draft)
    with pytest.raises(smooth.ValidationError, match="Soon is not open for enrolment yet"):
        _as("s@example.com", learning.enroll, upcoming)
    batch = smooth.get_doc({"doctype": "LMS Batch", "title": "Cohort", "courses": [{"course": cohort_only}],
                            "members": [{"member": "s@example.com"}]}).insert()
    enrolled = _as("s@example.com", learning.enroll, cohort_only)
    assert enrolled["batch"] == batch.name
    assert _as("s@example.com", learning.enroll, cohort_only)["name"] == enrolled["name"]


def test_lessons_of_a_course_one_is_not_enrolled_in_cannot_be_completed(lms: SiteHandle) -> None:
    course = make_course("Closed")
    lessons = add_lessons(course, {"A": ["a1"]})
    make_user("n@example.com", "LMS Student")
    with pytest.raises(smooth.ValidationError, match="Enrol in the course"):
        _as("n@example.com", learning.save_progress, lessons[0])


def test_a_learner_reads_only_their_own_progress_rows(lms: SiteHandle) -> None:
    course = make_course("Private")
    lessons = add_lessons(course, {"A": ["a1"]})
    for user in ("p1@example.com", "p2@example.com"):
        make_user(user, "LMS Student")
        _as(user, learning.enroll, course)
        _as(user, learning.save_progress, lessons[0])
    smooth.set_user("p1@example.com")
    try:
        assert smooth.get_list("LMS Course Progress", pluck="member") == ["p1@example.com"]
        assert smooth.get_list("LMS Enrollment", pluck="member") == ["p1@example.com"]
    finally:
        smooth.set_user("Administrator")


def test_deleting_a_lesson_recomputes_progress(lms: SiteHandle) -> None:
    course = make_course("Shrinking")
    lessons = add_lessons(course, {"A": ["a1", "a2"]})
    make_user("d@example.com", "LMS Student")
    _as("d@example.com", learning.enroll, course)
    _as("d@example.com", learning.save_progress, lessons[0])
    smooth.delete_doc("Course Lesson", lessons[1])
    assert progress.enrollment("d@example.com", course)["completed"] == 1  # type: ignore[index]
