"""Assignments and rubrics through the model: hand in, grade by rubric or mark, resubmit, the gate and progress.

SQLite only (no dialect differences), except the record rule, which runs on both backends.
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest

import smooth
from smooth_lms import assignments
from smooth_lms.assignments import submit_assignment
from smooth_lms.certificates import issue_from_evaluation
from smooth_lms.cohort_assessments import grade_sheet
from smooth_lms.learning import save_progress
from smooth_lms.next_step import after_lessons
from tests.conftest import SiteHandle, make_user
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday, slot_started
from tests.lms.content import add_lessons

CRITERIA = [{"criterion": "Clarity", "levels": "4: Clear throughout\n2: Mostly clear\n0: Unclear"},
            {"criterion": "Evidence", "max_points": 6}]


def make_rubric(title: str = "Essay Rubric", pass_mark: float = 6) -> str:
    return smooth.get_doc({"doctype": "Evaluation Rubric", "title": title, "pass_mark": pass_mark,
                           "criteria": CRITERIA}).insert().name


def make_assignment(course: str, title: str = "Essay", **values: Any) -> Any:
    return smooth.get_doc({"doctype": "LMS Assignment", "title": title, "course": course,
                           "instructions": "Write **one** page.", **values}).insert()


def as_user(user: str, action: Any, *args: Any, **kwargs: Any) -> Any:
    smooth.set_user(user)
    try:
        return action(*args, **kwargs)
    finally:
        smooth.set_user("Administrator")


def grade(user: str, name: str, **values: Any) -> Any:
    def save() -> Any:
        doc = smooth.get_doc("LMS Assignment Submission", name)
        for key, value in values.items():
            if key == "points":
                for row, points in zip(doc.rubric_marks, value, strict=True):
                    row.points = points
            else:
                doc.set(key, value)
        return doc.save()
    return as_user(user, save)


def test_rubric_maximums_total_and_pass_mark(lms: SiteHandle) -> None:
    rubric = smooth.get_doc("Evaluation Rubric", make_rubric())
    assert [row.max_points for row in rubric.criteria] == [4, 6] and rubric.total_points == 10
    with pytest.raises(smooth.ValidationError, match="Pass Mark must be more than 0 and at most the total of 10"):
        smooth.get_doc({"doctype": "Evaluation Rubric", "title": "Too High", "pass_mark": 11,
                        "criteria": CRITERIA}).insert()
    with pytest.raises(smooth.ValidationError, match="must start with its points, as `4: Clear and complete`"):
        smooth.get_doc({"doctype": "Evaluation Rubric", "title": "Bad", "pass_mark": 1,
                        "criteria": [{"criterion": "Style", "levels": "Good: 3"}]}).insert()


def test_hand_in_grade_by_rubric_resubmit_and_pass(lms: SiteHandle) -> None:
    course = make_course("Writing", evaluation_required=0)
    evaluator = make_evaluator("eva@example.com", [course])
    [lesson] = add_lessons(course, {"Essays": ["How to argue"]})
    task = make_assignment(course, grading="Rubric", rubric=make_rubric(), max_attempts=2,
                           mandatory_for_certification=1, lesson=lesson)
    learner = make_learner("ann@example.com", course, progress=0)
    assert as_user(learner, save_progress, lesson)["progress"] == 50  # the lesson done, the assignment not yet
    step = after_lessons(learner, {"name": course}, content_complete=False)
    assert (step.label, step.href) == ("Next: assignment Essay", f"/lms/courses/{course}/assignment/essay")
    with pytest.raises(smooth.ValidationError, match="Write your answer to Essay"):
        as_user(learner, submit_assignment, task.name, answer="   ")
    tampered = as_user(learner, smooth.get_doc({"doctype": "LMS Assignment Submission", "assignment": task.name,
                                                "member": learner, "answer": "My essay", "status": "Pass",
                                                "graded_by": learner, "attempt": 5}).insert, ignore_permissions=True)
    first = {"name": tampered.name, "status": tampered.status, "attempt": tampered.attempt}
    smooth.db.commit()  # the refused grades below roll back to here
    assert (first["status"], first["attempt"], tampered.graded_by) == ("Not Graded", 1, None)
    with pytest.raises(smooth.ValidationError, match="Your attempt 1 is waiting to be graded"):
        as_user(learner, submit_assignment, task.name, answer="Again")
    doc = smooth.get_doc("LMS Assignment Submission", first["name"])
    assert [(m.criterion, m.points, m.out_of) for m in doc.rubric_marks] == [("Clarity", None, 4),
                                                                              ("Evidence", None, 6)]
    with pytest.raises(smooth.PermissionError, match="Not permitted: ann@example.com may not write"):
        grade(learner, first["name"], points=[4, 6])
    smooth.db.rollback()
    with pytest.raises(smooth.ValidationError, match="Evidence: points must be between 0 and 6, not 7"):
        grade(evaluator, first["name"], points=[2, 7])
    smooth.db.rollback()
    with pytest.raises(smooth.ValidationError, match="The marks give Fail; to record Pass instead, give an Override"):
        grade(evaluator, first["name"], points=[2, 3], status="Pass")
    smooth.db.rollback()
    graded = grade(evaluator, first["name"], points=[2, 3], comments="Cite your sources")
    assert (graded.status, graded.computed_outcome, graded.graded_by) == ("Fail", "Fail", evaluator)
    assert graded.graded_on is not None
    assert float(progress_of(learner, course)) == 50
    second = as_user(learner, submit_assignment, task.name, answer="Better essay")
    assert second["attempt"] == 2
    passed = grade(evaluator, second["name"], points=[4, 4])
    assert passed.status == "Pass" and float(progress_of(learner, course)) == 100
    assert smooth.db.exists("LMS Certificate", {"member": learner, "course": course})  # auto-issued at 100%
    with pytest.raises(smooth.ValidationError, match="You passed Essay"):
        as_user(learner, submit_assignment, task.name, answer="Third")
    with pytest.raises(smooth.ValidationError, match="is the learner's and cannot be edited"):
        grade(evaluator, second["name"], answer="Edited")


def progress_of(member: str, course: str) -> Any:
    return smooth.db.get_value("LMS Enrollment", {"member": member, "course": course}, "progress")


def test_mark_grading_override_needs_a_reason_and_one_submission_only(lms: SiteHandle) -> None:
    """Graded by the cohort's evaluator (no Course Evaluator row for the course); late after the cohort's due date."""
    course = make_course("Reports")
    evaluator = make_evaluator("eve@example.com", [])
    learner = make_learner("bob@example.com", course)
    cohort = smooth.get_doc({"doctype": "LMS Batch", "title": "Autumn", "evaluator": evaluator,
                             "courses": [{"course": course}], "members": [{"member": learner}]}).insert().name
    task = make_assignment(course, answer_type="URL", max_mark=20, pass_mark=12, allow_resubmission=0,
                           due_dates=[{"batch": cohort, "due_date": smooth.now_datetime() - dt.timedelta(hours=1)}])
    with pytest.raises(smooth.ValidationError, match="starting with https://"):
        as_user(learner, submit_assignment, task.name, answer_url="javascript:alert(1)")
    sent = as_user(learner, submit_assignment, task.name, answer_url=" https://example.com/report ")
    smooth.db.commit()  # the refused grades below roll back to here
    assert sent["late"] == 1
    assert as_user(evaluator, smooth.get_list, "LMS Assignment Submission", pluck="name") == [sent["name"]]
    with pytest.raises(smooth.ValidationError, match="Mark must be between 0 and 20, not 21"):
        grade(evaluator, sent["name"], mark=21)
    smooth.db.rollback()
    with pytest.raises(smooth.ValidationError, match="Tell the learner what to change"):
        grade(evaluator, sent["name"], status="Resubmit")
    smooth.db.rollback()
    doc = grade(evaluator, sent["name"], mark=10, status="Pass", override_reason="Late marks regraded by the panel")
    assert (doc.status, doc.computed_outcome, doc.out_of) == ("Pass", "Fail", 20)
    smooth.db.commit()
    with pytest.raises(smooth.PermissionError, match="The grade Pass is recorded; only a Moderator can change it"):
        grade(evaluator, sent["name"], status="Fail", override_reason="")
    smooth.db.rollback()
    assert grade(make_user("mod@example.com", "Moderator"), sent["name"], status="Fail", override_reason="").status \
        == "Fail"
    sheet = as_user(evaluator, grade_sheet, cohort)  # the cohort's grade sheet has a column per assignment
    assert [(a["kind"], a["title"]) for a in sheet["assessments"]] == [("Assignment", "Essay"),
                                                                        ("Evaluation", "Reports")]
    assert [row["grades"] for row in sheet["rows"]] == [["Fail", ""]]
    with pytest.raises(smooth.ValidationError, match="Essay takes one submission only"):
        as_user(learner, submit_assignment, task.name, answer_url="https://example.com/v2")


def test_file_answers_are_checked_for_type_and_size(lms: SiteHandle) -> None:
    course = make_course("Design")
    task = make_assignment(course, answer_type="File", allowed_file_types=".PDF, png", max_file_size_mb=1)
    assert task.allowed_file_types == "pdf, png"
    upload = SimpleNamespace(filename="plan.exe", file=io.BytesIO(b"MZ"))
    with pytest.raises(smooth.ValidationError, match=r"Essay accepts \.pdf, \.png files, not \.exe \(plan\.exe\)"):
        assignments.store_upload(task, upload)
    big = SimpleNamespace(filename="plan.pdf", file=io.BytesIO(b"x" * (1024 * 1024 + 10)))
    with pytest.raises(smooth.ValidationError, match=r"plan\.pdf is 1\.0 MB; Essay accepts files up to 1\.0 MB"):
        assignments.store_upload(task, big)
    learner = make_learner("cy@example.com", course)
    smooth.set_user(learner)
    try:
        url = assignments.store_upload(task, SimpleNamespace(filename="plan.pdf", file=io.BytesIO(b"%PDF-1.4")))
        sent = submit_assignment(task.name, answer_file=url)
    finally:
        smooth.set_user("Administrator")
    attached = smooth.db.get_value("File", {"file_url": url}, ["attached_to_doctype", "attached_to_name"],
                                   as_dict=True)
    assert attached == {"attached_to_doctype": "LMS Assignment Submission", "attached_to_name": sent["name"]}
    other = make_learner("dee@example.com", course)
    with pytest.raises(smooth.ValidationError, match="Upload your file first"):
        as_user(other, submit_assignment, task.name, answer_file=url)  # someone else's upload


def test_mandatory_assignment_gates_the_certificate_request(lms: SiteHandle) -> None:
    course = make_course("Gated")
    evaluator = make_evaluator("eva@example.com", [course])
    learner = make_learner("dan@example.com", course)
    request = book(learner, course, next_weekday(0), "09:00")
    slot_started(request.name)
    make_assignment(course, title="Case Study", mandatory_for_certification=1)
    make_assignment(course, title="Optional Extra")
    smooth.db.commit()
    doc = smooth.get_doc("LMS Certificate Request", request.name)
    doc.status = "Completed"
    with pytest.raises(smooth.ValidationError, match="has not passed the mandatory assignment Case Study$"):
        as_user(evaluator, doc.save)


@pytest.mark.both_backends
def test_record_rule_learners_see_their_own_evaluators_their_courses(lms: SiteHandle) -> None:
    course, other_course = make_course("Mine"), make_course("Theirs")
    evaluator = make_evaluator("eva@example.com", [course])
    stranger = make_evaluator("sam@example.com", [other_course])
    moderator = make_user("mod@example.com", "Moderator")
    task = make_assignment(course)
    ann, bob = make_learner("ann@example.com", course), make_learner("bob@example.com", course)
    mine = as_user(ann, submit_assignment, task.name, answer="Ann's")["name"]
    theirs = as_user(bob, submit_assignment, task.name, answer="Bob's")["name"]

    def visible(user: str) -> set[str]:
        return set(as_user(user, smooth.get_list, "LMS Assignment Submission", pluck="name"))

    assert visible(ann) == {mine}
    assert visible(evaluator) == visible(moderator) == {mine, theirs}
    assert visible(stranger) == set()
    author = make_user("cc@example.com", "Course Creator")
    smooth.get_doc("LMS Course", course).append("instructors", {"instructor": author}).save()
    other_author = make_user("cd@example.com", "Course Creator")
    assert visible(author) == {mine, theirs} and visible(other_author) == set()
    with pytest.raises(smooth.PermissionError):
        as_user(other_author, lambda: smooth.get_doc("LMS Assignment", task.name).save())
    with pytest.raises(smooth.PermissionError):
        as_user(bob, lambda: smooth.get_doc("LMS Assignment Submission", mine).check_permission("read"))


def test_evaluation_rubric_outcome_override_and_certificate_grade(lms: SiteHandle) -> None:
    course = make_course("Practical", evaluation_rubric=make_rubric(pass_mark=7))
    evaluator = make_evaluator("eva@example.com", [course])
    learner = make_learner("fay@example.com", course)
    request = book(learner, course, next_weekday(0), "09:00")
    slot_started(request.name)
    smooth.db.commit()

    def record(status: str, points: list[float] | None, reason: str | None = None) -> Any:
        evaluation = smooth.get_doc({"doctype": "LMS Certificate Evaluation", "certificate_request": request.name,
                                     "status": status, "summary": "Solid practical work", "override_reason": reason})
        if points is not None:
            evaluation.set("rubric_marks", [{"criterion": c["criterion"], "points": p} for c, p in zip(CRITERIA, points,
                                                                                                   strict=True)])
        return as_user(evaluator, evaluation.insert)

    with pytest.raises(smooth.ValidationError, match="Give every criterion of the rubric its points before recording"):
        record("Pass", None)
    smooth.db.rollback()
    with pytest.raises(smooth.ValidationError, match="The marks give Fail; to record Pass instead"):
        record("Pass", [2, 4])
    smooth.db.rollback()
    done = record("Pass", [4, 4])
    assert (done.rubric, done.rubric_score, done.computed_outcome) == ("essay-rubric", "8 / 10 (80%)", "Pass")
    as_user(evaluator, issue_from_evaluation, done.name)
    assert smooth.db.get_value("LMS Certificate", {"member": learner, "course": course}, "grade") == "8 / 10 (80%)"
