"""Quizzes: scored by the server, attempts capped, progress counts them, the certification gate."""

from __future__ import annotations

import json
from typing import Any

import pytest

import smooth
from smooth_lms.learning import save_progress
from smooth_lms.patches.v0_1 import quiz_answers_policy
from smooth_lms.quizzes import submit_quiz
from tests.conftest import SiteHandle
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday, slot_started

QUESTIONS = [
    {"question": "2 + 2?", "type": "Single Choice", "options": "3\n4\n5", "correct_answers": "4", "marks": 2},
    {"question": "Primes?", "type": "Multiple Choice", "options": "2\n3\n4", "correct_answers": "2\n3", "marks": 1},
    {"question": "Capital of France?", "type": "Short Answer", "correct_answers": "Paris", "marks": 1},
]
ALL_RIGHT = {"1": ["4"], "2": ["2", "3"], "3": "  paris "}


def make_quiz(course: str, title: str = "Basics Quiz", **values: Any) -> str:
    return smooth.get_doc({"doctype": "LMS Quiz", "title": title, "course": course, "passing_percentage": 75,
                           "questions": QUESTIONS, **values}).insert().name


def submit(user: str, quiz: str, answers: dict[str, Any], submit_unanswered: Any = True) -> dict[str, Any]:
    smooth.set_user(user)
    try:
        return submit_quiz(quiz, answers, submit_unanswered)
    finally:
        smooth.set_user("Administrator")


def test_server_scores_and_ignores_a_sent_score(lms: SiteHandle) -> None:
    course = make_course("Maths")
    quiz = make_quiz(course)
    learner = make_learner("ann@example.com", course)
    result = submit(learner, quiz, ALL_RIGHT)
    assert (result["score"], result["score_out_of"], result["percentage"], result["passed"]) == (4, 4, 100, 1)
    half = submit(learner, quiz, {"1": ["4"], "2": ["2"], "3": "Lyon"})
    assert (half["score"], half["percentage"], half["passed"]) == (2, 50, 0)
    assert half["attempt"] == 2
    smooth.set_user(learner)
    try:
        tampered = smooth.get_doc({"doctype": "LMS Quiz Submission", "quiz": quiz, "member": learner,
                                   "answers": json.dumps({"1": ["3"]}), "score": 4, "percentage": 100, "passed": 1,
                                   "attempt": 1}).insert(ignore_permissions=True)
    finally:
        smooth.set_user("Administrator")
    assert (tampered.score, tampered.percentage, tampered.passed, tampered.attempt) == (0, 0, 0, 3)
    # an option that is not offered counts for nothing; single choice takes exactly one
    assert submit(learner, quiz, {"1": ["4", "5"], "2": ["2", "3", "x"]})["score"] == 1
    with pytest.raises(smooth.ValidationError, match="cannot be changed"):
        tampered.score = 4
        tampered.save(ignore_permissions=True)


def test_max_attempts(lms: SiteHandle) -> None:
    course = make_course("Limited")
    quiz = make_quiz(course, max_attempts=2)
    learner = make_learner("bob@example.com", course)
    submit(learner, quiz, {})
    submit(learner, quiz, {})
    with pytest.raises(smooth.ValidationError, match="You have used all 2 attempts at Basics Quiz"):
        submit(learner, quiz, ALL_RIGHT)
    assert smooth.db.count("LMS Quiz Submission", {"member": learner}) == 2


def test_the_api_asks_before_blanks_use_an_attempt(lms: SiteHandle) -> None:
    """As the portal's "submit anyway?" step: blanks are refused, naming them, until the caller confirms."""
    course = make_course("Careful")
    quiz = make_quiz(course, max_attempts=1)
    learner = make_learner("cara@example.com", course)
    with pytest.raises(smooth.ValidationError, match=r"Questions 2, 3 are unanswered\. .*submit_unanswered=1"):
        submit(learner, quiz, {"1": ["4"], "3": "  "}, submit_unanswered=False)
    with pytest.raises(smooth.ValidationError, match=r"Question 3 is unanswered"):
        submit(learner, quiz, {"1": ["4"], "2": ["2"]}, submit_unanswered="0")
    assert smooth.db.count("LMS Quiz Submission", {"member": learner}) == 0
    assert submit(learner, quiz, {"1": ["4"]}, submit_unanswered="1")["attempt"] == 1
    with pytest.raises(smooth.ValidationError, match="You have used all 1 attempt"):
        submit(learner, quiz, {}, submit_unanswered=False)


def test_quiz_checks(lms: SiteHandle) -> None:
    course = make_course("Checked")
    bad = [{"question": "Q", "type": "Single Choice", "options": "a\nb", "correct_answers": "c"}]
    with pytest.raises(smooth.ValidationError, match="'c' is not one of the options"):
        make_quiz(course, questions=bad)
    two = [{"question": "Q", "type": "Single Choice", "options": "a\nb", "correct_answers": "a\nb"}]
    with pytest.raises(smooth.ValidationError, match="exactly one correct answer"):
        make_quiz(course, questions=two)


def test_not_enrolled_cannot_submit(lms: SiteHandle) -> None:
    course = make_course("Closed")
    quiz = make_quiz(course)
    smooth.get_doc({"doctype": "User", "email": "eve@example.com", "first_name": "Eve"}).insert()
    with pytest.raises(smooth.ValidationError, match="Enrol in the course"):
        submit("eve@example.com", quiz, ALL_RIGHT)


def test_quiz_counts_towards_progress(lms: SiteHandle) -> None:
    course = make_course("With Lessons", evaluation_required=0)
    chapter = smooth.get_doc({"doctype": "Course Chapter", "title": "One", "course": course}).insert().name
    lesson = smooth.get_doc({"doctype": "Course Lesson", "title": "L1", "course": course, "chapter": chapter,
                             "body": "x"}).insert().name
    ch = smooth.get_doc("Course Chapter", chapter)
    if not ch.lessons:
        ch.append("lessons", {"lesson": lesson})
        ch.save()
    c = smooth.get_doc("LMS Course", course)
    c.append("chapters", {"chapter": chapter})
    c.save()
    learner = make_learner("cat@example.com", course, progress=0)
    quiz = make_quiz(course)
    smooth.set_user(learner)
    try:
        assert float(save_progress(lesson)["progress"]) == 50
    finally:
        smooth.set_user("Administrator")
    submit(learner, quiz, {})
    assert float(smooth.db.get_value("LMS Enrollment", {"member": learner}, "progress")) == 50
    submit(learner, quiz, ALL_RIGHT)
    assert float(smooth.db.get_value("LMS Enrollment", {"member": learner}, "progress")) == 100


def test_gate_refuses_completion_without_passing_mandatory_quiz(lms: SiteHandle) -> None:
    course = make_course("Gated")
    evaluator = make_evaluator("eva@example.com", [course])
    learner = make_learner("dan@example.com", course)
    request = book(learner, course, next_weekday(0), "09:00")
    slot_started(request.name)  # an evaluation happens once its slot has come
    quiz = make_quiz(course, title="Safety Quiz", mandatory_for_certification=1)
    make_quiz(course, title="Optional Quiz")
    submit(learner, quiz, {"1": ["4"]})
    smooth.db.commit()
    smooth.set_user(evaluator)
    try:
        doc = smooth.get_doc("LMS Certificate Request", request.name)
        doc.status = "Completed"
        with pytest.raises(smooth.ValidationError) as refused:
            doc.save()
        assert "Safety Quiz" in refused.value.message and "best score 50%" in refused.value.message
        assert "Optional Quiz" not in refused.value.message
        smooth.db.rollback()
    finally:
        smooth.set_user("Administrator")
    submit(learner, quiz, ALL_RIGHT)
    smooth.set_user(evaluator)
    try:
        doc = smooth.get_doc("LMS Certificate Request", request.name)
        doc.status = "Completed"
        doc.save()
    finally:
        smooth.set_user("Administrator")
    assert smooth.db.get_value("LMS Certificate Request", request.name, "status") == "Completed"


def test_the_answers_policy_patch_maps_the_old_check_and_strips_stored_answer_keys(lms: SiteHandle) -> None:
    """A site migrated from the Check: 1 (answers after every attempt) becomes the safe default, 0 Never."""
    course = make_course("Patched")
    shown, hidden = make_quiz(course, "Shown"), make_quiz(course, "Hidden")
    learner = make_learner("pat@example.com", course)
    name = submit(learner, shown, ALL_RIGHT)["name"]
    old = json.loads(smooth.db.get_value("LMS Quiz Submission", name, "result"))
    smooth.db.set_value("LMS Quiz Submission", name, "result",
                        json.dumps([{**m, "correct_answers": ["4"]} for m in old]), update_modified=False)
    smooth.db.set_value("LMS Quiz", shown, "show_answers", "1", update_modified=False)
    smooth.db.set_value("LMS Quiz", hidden, "show_answers", "0", update_modified=False)
    quiz_answers_policy.execute()
    assert smooth.db.get_value("LMS Quiz", shown, "show_answers") == "After last attempt or pass"
    assert smooth.db.get_value("LMS Quiz", hidden, "show_answers") == "Never"
    assert "correct_answers" not in smooth.db.get_value("LMS Quiz Submission", name, "result")
