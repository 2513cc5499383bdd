"""Programs (smooth_lms/programs.py): enrolment of a learner or a cohort, the enforced order, progress, the
program certificate. SQLite only (the rules are Python over plain reads), except the progress read, which
runs on both backends and is counted in queries."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

import smooth
from smooth_lms import learning, programs
from smooth_lms.certificates import issue_certificate
from tests.conftest import SiteHandle, make_user
from tests.lms.conftest import make_course
from tests.lms.content import add_lessons
from tests.lms.test_indexed_lists import Statements
from tests.lms.test_quizzes import make_quiz, submit

LEA, MAX, CREATOR = "lea.program@example.com", "max.program@example.com", "cora.creator@example.com"


def _courses(*titles: str, **values: Any) -> tuple[list[str], dict[str, list[str]]]:
    """Self-paced courses (no evaluation) with two lessons each; their names and lessons."""
    names, lessons = [], {}
    for title in titles:
        course = make_course(title, evaluation_required=values.get(title, 0))
        names.append(course)
        lessons[course] = add_lessons(course, {"Only": [f"{title} one", f"{title} two"]})
    return names, lessons


def _program(courses: list[str], enforce: int = 1, cohorts: list[str] | None = None, **values: Any) -> str:
    return smooth.get_doc({"doctype": "LMS Program", "title": "Warehouse Path", "published": 1,
                           "enforce_course_order": enforce, "program_courses": [{"course": c} for c in courses],
                           "cohorts": [{"batch": b} for b in cohorts or []], **values}).insert().name


def _complete(member: str, lessons: list[str]) -> None:
    smooth.set_user(member)
    try:
        for lesson in lessons:
            learning.save_progress(lesson)
    finally:
        smooth.set_user("Administrator")


def _cohort(members: list[str], courses: list[str]) -> Any:
    return smooth.get_doc({"doctype": "LMS Batch", "title": "Night Shift", "courses": [{"course": c} for c in courses],
                           "members": [{"member": m} for m in members]}).insert()


def test_a_cohort_enrols_its_members_in_every_course_once_and_later_members_too(lms: SiteHandle) -> None:
    make_user(LEA, "LMS Student")
    make_user(MAX, "LMS Student")
    courses, _ = _courses("Racking", "Loading")
    cohort = _cohort([LEA], courses[:1])
    program = _program(courses, cohorts=[cohort.name])
    rows = smooth.get_all("LMS Enrollment", fields=["member", "course", "batch"], order_by="course asc")
    assert rows == [{"member": LEA, "course": "loading", "batch": None},  # not a course of the cohort
                    {"member": LEA, "course": "racking", "batch": cohort.name}]
    smooth.get_doc("LMS Program", program).save()  # idempotent
    programs.enrol(program, {LEA: None})
    assert smooth.db.count("LMS Enrollment") == 2 and smooth.db.count("LMS Program Member") == 1
    cohort.reload()
    cohort.append("members", {"member": MAX})
    cohort.save()  # a member joining the cohort later joins its programs
    assert smooth.get_all("LMS Program Member", filters={"program": program}, pluck="member",
                          order_by="member asc") == [LEA, MAX]
    assert smooth.db.count("LMS Enrollment", {"member": MAX}) == 2
    assert smooth.db.get_value("LMS Program Member", {"member": MAX}, "batch") == cohort.name


def test_a_course_added_to_a_program_enrols_its_members_in_it(lms: SiteHandle) -> None:
    make_user(LEA, "LMS Student")
    courses, _ = _courses("Racking", "Loading")
    program = _program(courses[:1])
    programs.enrol(program, {LEA: None})
    doc = smooth.get_doc("LMS Program", program)
    doc.append("program_courses", {"course": courses[1]})
    doc.save()
    assert smooth.db.exists("LMS Enrollment", {"member": LEA, "course": courses[1]})


def test_the_enforced_order_locks_later_courses_for_the_learner_on_every_door(lms: SiteHandle) -> None:
    make_user(LEA, "LMS Student")
    courses, lessons = _courses("Racking", "Loading", "Stacking")
    program = _program(courses)
    programs.enrol(program, {LEA: None})
    assert programs.why_locked(LEA, courses[1]) == "Complete Racking first"
    assert programs.why_locked(LEA, courses[2]) == "Complete Racking first"
    with pytest.raises(smooth.PermissionError, match="Complete Racking first"):
        _complete(LEA, lessons[courses[1]][:1])  # the API door (the page and REST insert the same row)
    quiz = make_quiz(courses[2])
    with pytest.raises(smooth.PermissionError, match="Complete Racking first"):
        submit(LEA, quiz, {})  # the quiz door
    _complete(LEA, lessons[courses[0]])
    assert programs.why_locked(LEA, courses[1]) is None
    assert programs.why_locked(LEA, courses[2]) == "Complete Loading first"
    _complete(LEA, lessons[courses[1]])
    standing = programs.progress_for([LEA], [program])[(LEA, program)]
    assert [s.status for s in standing.steps] == ["Complete", "Complete", "Not started"]
    assert (standing.done, standing.total, standing.percent) == (2, 3, 66.67)
    stored = smooth.db.get_value("LMS Program Member", {"member": LEA}, ["courses_done", "progress"], as_dict=True)
    assert (stored["courses_done"], float(stored["progress"])) == (2, 66.67)  # the desk's list shows it
    add_lessons(courses[1], {"More": ["Loading three"]})  # a new lesson: Loading is no longer complete
    assert smooth.db.get_value("LMS Program Member", {"member": LEA}, "courses_done") == 1
    assert programs.why_locked(LEA, courses[2]) == "Complete Loading first"
    _complete(LEA, [smooth.db.get_value("Course Lesson", {"title": "Loading three"})])
    # staff may record progress for a learner; an unenforced program locks nothing
    smooth.get_doc({"doctype": "LMS Course Progress", "member": LEA, "lesson": lessons[courses[2]][0],
                    "status": "Complete"}).insert()
    smooth.db.set_value("LMS Program", program, "enforce_course_order", 0)
    assert programs.why_locked(LEA, courses[2]) is None


def test_the_program_certificate_waits_for_every_course_and_its_certification(lms: SiteHandle) -> None:
    make_user(LEA, "LMS Student")
    courses, lessons = _courses("Racking", "Forklift", Forklift=1)
    program = _program(courses)
    programs.enrol(program, {LEA: None})
    _complete(LEA, lessons[courses[0]])
    _complete(LEA, lessons[courses[1]])
    standing = programs.progress_for([LEA], [program])[(LEA, program)]
    assert [s.status for s in standing.steps] == ["Complete", "Awaiting certification"]
    assert not smooth.db.get_value("LMS Program Member", {"member": LEA}, "certificate_number")
    issue_certificate(LEA, courses[1])  # the evaluation passed: its certificate completes the program
    number = smooth.db.get_value("LMS Program Member", {"member": LEA}, "certificate_number")
    assert number and number.startswith("SMC-")
    assert programs.record_standing(program, [LEA]) == []  # once
    member = smooth.db.get_value("LMS Program Member", {"member": LEA})
    with smooth.in_language("de"):  # the certificate's words in German (HTML: the PDF prints the same)
        printed = smooth.get_print("LMS Program Member", member, print_format="LMS Program Certificate")
    assert "Programmzertifikat" in printed and "alle Kurse des Programms abgeschlossen hat" in printed
    assert "Prüfen unter http" in printed and "Warehouse Path" in printed
    found = programs.verification(number.lower())
    assert found and found["holder"] and found["course_title"] == "Warehouse Path" and found["kind"] == "Program"
    assert programs.verification("SMC-NONE-NONE-NONE") is None


def test_only_moderators_enrol_cohorts_course_creators_author_programs(lms: SiteHandle) -> None:
    make_user(CREATOR, "Course Creator")
    make_user(LEA, "LMS Student")
    courses, _ = _courses("Racking")
    cohort = _cohort([LEA], courses)
    smooth.set_user(CREATOR)
    try:
        program = _program(courses)
        doc = smooth.get_doc("LMS Program", program)
        doc.append("cohorts", {"batch": cohort.name})
        with pytest.raises(smooth.PermissionError, match="Only Moderators enrol cohorts"):
            doc.save()
        with pytest.raises(smooth.PermissionError, match="Only Moderators"):
            programs.enrol_learner(program, LEA)
    finally:
        smooth.set_user("Administrator")
    assert not smooth.db.exists("LMS Program Member", {"member": LEA})
    programs.enrol_cohort(program, cohort.name)
    assert smooth.db.exists("LMS Program Member", {"member": LEA, "batch": cohort.name})


def test_a_learner_sees_published_programs_and_their_own_only(lms: SiteHandle) -> None:
    make_user(LEA, "LMS Student")
    make_user(MAX, "LMS Student")
    courses, _ = _courses("Racking")
    hidden = _program(courses, published=0, title="Private Path")
    programs.enrol(hidden, {LEA: None})
    assert programs.program_for_viewer(hidden, LEA)["title"] == "Private Path"
    with pytest.raises(smooth.DoesNotExistError):
        programs.program_for_viewer(hidden, MAX)
    assert [p["name"] for p in programs.visible_programs(MAX)] == []
    assert [p["name"] for p in programs.visible_programs(LEA)] == [hidden]


@pytest.mark.both_backends
def test_program_progress_reads_the_same_few_queries_for_any_number_of_learners(lms: SiteHandle) -> None:
    courses, lessons = _courses("Racking", "Loading", "Forklift", Forklift=1)
    learners = [f"learner{i}@program.example.com" for i in range(6)]
    for email in learners:
        make_user(email, "LMS Student")
    program = _program(courses)
    other = _program(courses[1:], enforce=0, title="Second Path")
    for name in (program, other):
        programs.enrol(name, dict.fromkeys(learners))
    _complete(learners[0], lessons[courses[0]])
    _complete(learners[0], lessons[courses[1]][:1])
    statements = Statements()
    engine = smooth.local.site.engine
    event.listen(engine, "before_cursor_execute", statements)
    try:
        few = programs.progress_for(learners[:1], [program])
        asked = len(statements.seen)
        many = programs.progress_for(learners, [program, other])
        assert len(statements.seen) - asked == asked, "the read grew with the learners or programs"
    finally:
        event.remove(engine, "before_cursor_execute", statements)
    first = many[(learners[0], program)]
    assert few[(learners[0], program)] == first
    assert [(s.status, s.progress) for s in first.steps] == [("Complete", 100.0), ("In progress", 50.0),
                                                             ("Locked", 0.0)]
    assert first.steps[2].lock_reason == "Complete Loading first"
    assert (first.done, first.total, first.percent) == (1, 3, 33.33)
    assert [s.status for s in many[(learners[5], other)].steps] == ["Not started", "Not started"]


def test_a_learner_joins_a_published_program_whose_courses_are_open(lms: SiteHandle) -> None:
    make_user(LEA, "LMS Student")
    courses, _ = _courses("Racking", "Loading")
    program = _program(courses)
    smooth.db.set_value("LMS Course", courses[1], "upcoming", 1)
    smooth.set_user(LEA)
    try:
        with pytest.raises(smooth.ValidationError, match=r"not open for enrolment \(Loading\); ask a Moderator"):
            programs.enroll_self(program)
        smooth.set_user("Administrator")
        smooth.db.set_value("LMS Course", courses[1], "upcoming", 0)
        smooth.set_user(LEA)
        programs.enroll_self(program)
        programs.enroll_self(program)  # idempotent
    finally:
        smooth.set_user("Administrator")
    assert smooth.db.count("LMS Program Member", {"member": LEA}) == 1
    assert smooth.db.count("LMS Enrollment", {"member": LEA}) == 2
