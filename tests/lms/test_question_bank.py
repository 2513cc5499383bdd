"""The question bank: questions reused across quizzes, the question types, draws from a tagged pool stored on
the submission, open answers graded by an evaluator, per-question statistics and the patch that banks the
inline questions of existing quizzes.

Rules run in Python over the document API (SQLite only), except the pool, the statistics and the patch,
which read the bank through LIKE filters and counts: those run on both backends."""

from __future__ import annotations

import json
from typing import Any

import pytest

import smooth
from smooth_lms import question_bank
from smooth_lms.open_answers import grade_open_answer
from smooth_lms.patches.v0_1 import bank_quiz_questions
from tests.conftest import SiteHandle, make_user
from tests.lms.conftest import make_course, make_learner
from tests.lms.test_quizzes import make_quiz, submit


def question(text: str, type: str = "Single Choice", **values: Any) -> str:
    return smooth.get_doc({"doctype": "LMS Question", "question": text, "type": type, **values}).insert().name


def bank_quiz(course: str, names: list[str], title: str = "Bank Quiz", **values: Any) -> str:
    return smooth.get_doc({"doctype": "LMS Quiz", "title": title, "course": course, "passing_percentage": 50,
                           "questions": [{"lms_question": n} for n in names], **values}).insert().name


def test_types_are_checked_and_scored(lms: SiteHandle) -> None:
    course = make_course("Types")
    with pytest.raises(smooth.ValidationError, match="True or False"):
        question("Water is wet", "True/False", correct_answers="Yes")
    truth = question("Water is wet", "True/False", correct_answers="true")
    assert smooth.db.get_value("LMS Question", truth, ["options", "correct_answers"]) == ("True\nFalse", "True")
    exact = question("Code word?", "Short Answer", correct_answers="OpenSesame", match="Exact")
    loose = question("Capital?", "Short Answer", correct_answers="Paris")
    glob = question("A ladder class?", "Short Answer", correct_answers="class [ab]*", match="Pattern")
    with pytest.raises(smooth.ValidationError, match="at most 200 characters"):
        question("Long", "Short Answer", correct_answers="*" * 201, match="Pattern")
    opened = question("Describe a hazard", "Open Answer", options="x", correct_answers="secret", marks=3)
    assert smooth.db.get_value("LMS Question", opened, ["options", "correct_answers"]) == (None, None)
    quiz = bank_quiz(course, [truth, exact, loose, glob])
    learner = make_learner("ty@example.com", course)
    right = submit(learner, quiz, {"1": ["True"], "2": " OpenSesame ", "3": "  PARIS", "4": "Class  B-2"})
    assert (right["score"], right["status"], right["passed"]) == (4, "Graded", 1)
    wrong = submit(learner, quiz, {"1": ["True", "False"], "2": "opensesame", "3": "Lyon",
                                   "4": "class " + "a" * 5000 + "!"})
    assert wrong["score"] == 0  # exact keeps case; an overlong answer never matches a pattern


def test_an_edited_bank_question_reads_the_same_in_every_quiz_and_a_submission_keeps_what_it_asked(
        lms: SiteHandle) -> None:
    course = make_course("Reuse")
    shared = question("2 + 2?", options="3\n4", correct_answers="4", marks=2)
    first, second = bank_quiz(course, [shared], "First"), bank_quiz(course, [shared], "Second")
    learner = make_learner("re@example.com", course)
    done = submit(learner, first, {"1": ["4"]})
    doc = smooth.get_doc("LMS Question", shared)
    doc.question, doc.options, doc.correct_answers = "2 + 3?", "4\n5", "5"
    doc.save()
    for quiz in (first, second):
        row = smooth.get_doc("LMS Quiz", quiz).questions[0]
        assert (row.question, row.correct_answers, row.lms_question) == ("2 + 3?", "5", shared)
    asked = json.loads(smooth.db.get_value("LMS Quiz Submission", done["name"], "result"))
    assert asked[0]["question"] == "2 + 2?" and asked[0]["lms_question"] == shared and asked[0]["earned"] == 2
    assert submit(learner, second, {"1": ["5"]})["score"] == 2  # scored by the bank as it reads now


def test_open_answers_await_an_evaluator_then_the_result_counts(lms: SiteHandle) -> None:
    course = make_course("Open")
    choice = question("Pick a", options="a\nb", correct_answers="a")
    essay = question("Explain lockout", "Open Answer", marks=4)
    quiz = bank_quiz(course, [choice, essay], passing_percentage=60)
    learner = make_learner("op@example.com", course)
    make_user("eva.grader@example.com", "Batch Evaluator")
    done = submit(learner, quiz, {"1": ["a"], "2": "Isolate, lock, tag, try."})
    assert (done["status"], done["score"], done["passed"]) == ("Awaiting Grading", 1, 0)
    printed = smooth.get_print("LMS Quiz Submission", done["name"], print_format="Quiz Submission Report")
    assert "<td>Awaiting grading</td>" in printed and "awaiting grading (out of 4)" in printed
    with smooth.in_language("de"):  # a German reader's report
        german = smooth.get_print("LMS Quiz Submission", done["name"], print_format="Quiz Submission Report")
    assert "<td>Wartet auf Bewertung</td>" in german and "wartet auf Bewertung (von 4)" in german
    assert "Bericht zur Quiz-Abgabe" in german and "richtig (1/1)" in german
    assert smooth.db.get_value("LMS Question", essay, ["awaiting_grading", "times_answered"]) == (1, 0)
    smooth.set_user(learner)
    try:
        with pytest.raises(smooth.PermissionError, match="Only an evaluator"):
            grade_open_answer(done["name"], 2, 4)
    finally:
        smooth.set_user("Administrator")
    smooth.set_user("eva.grader@example.com")
    try:
        with pytest.raises(smooth.ValidationError, match=r"not an open answer of this attempt \(open answers: 2\)"):
            grade_open_answer(done["name"], 1, 1)
        with pytest.raises(smooth.ValidationError, match="between 0 and 4"):
            grade_open_answer(done["name"], "2", "5")
        graded = grade_open_answer(done["name"], "2", "3", "Good; say who holds the key.")
    finally:
        smooth.set_user("Administrator")
    assert (graded["status"], graded["score"], graded["percentage"], graded["passed"]) == ("Graded", 4, 80, 1)
    stored = json.loads(smooth.db.get_value("LMS Quiz Submission", done["name"], "result"))[1]
    assert stored["comment"] == "Good; say who holds the key." and not stored["pending"] and not stored["correct"]
    assert smooth.db.get_value("LMS Question", essay, ["awaiting_grading", "times_answered", "times_correct"]) == \
        (0, 1, 0)
    blank = submit(learner, quiz, {"1": ["a"]})
    assert blank["status"] == "Graded"  # a blank open answer earns nothing at once: nothing to grade


@pytest.mark.both_backends
def test_a_pool_draw_is_stable_per_attempt_stored_and_counted(lms: SiteHandle) -> None:
    course = make_course("Pool")
    names = [question(f"Q{i}?", options="yes\nno", correct_answers="yes", tags=f"ladders, set{i % 2}")
             for i in range(6)]
    question("Untagged?", options="yes\nno", correct_answers="yes", tags="ladder")  # not "ladders"
    with pytest.raises(smooth.ValidationError, match="has 6 questions; an attempt draws 7"):
        bank_quiz(course, [], "Too Many", question_pool_tag="Ladders", questions_per_attempt=7)
    with pytest.raises(smooth.ValidationError, match="Add questions, or draw them"):
        bank_quiz(course, [], "Empty")
    quiz = smooth.get_doc("LMS Quiz", bank_quiz(course, [], question_pool_tag="Ladders", questions_per_attempt=3))
    learner = make_learner("po@example.com", course)
    shown = question_bank.asked(quiz, learner, 1)
    assert [a.lms_question for a in shown] == [a.lms_question for a in question_bank.asked(quiz, learner, 1)]
    assert len({a.lms_question for a in shown}) == 3 and {a.lms_question for a in shown} <= set(names)
    done = submit(learner, quiz.name, {"1": ["yes"], "2": ["no"], "3": ["yes"]})
    rows = smooth.get_all("LMS Quiz Submission Question", filters={"parent": done["name"]},
                          fields=["lms_question", "is_correct"], order_by="idx asc")
    assert [r["lms_question"] for r in rows] == [a.lms_question for a in shown] and done["score"] == 2
    assert [r["is_correct"] for r in rows] == [1, 0, 1]
    second = question_bank.asked(quiz, learner, 2)
    assert {a.lms_question for a in second} <= set(names)
    stats = {r["name"]: r for r in smooth.get_all("LMS Question", fields=["name", "times_answered", "times_correct",
                                                                         "percent_correct"])}
    assert stats[shown[1].lms_question]["times_answered"] == 1 and stats[shown[1].lms_question]["times_correct"] == 0
    assert float(stats[shown[0].lms_question]["percent_correct"]) == 100


@pytest.mark.both_backends
def test_the_patch_banks_inline_questions_and_quizzes_keep_working(lms: SiteHandle) -> None:
    course = make_course("Legacy")
    first, second = make_quiz(course, "Old One"), make_quiz(course, "Old Two")
    smooth.db.set_value("LMS Quiz Question", {"parenttype": "LMS Quiz"}, "lms_question", None)
    smooth.db.delete("LMS Question", {})
    learner = make_learner("le@example.com", course)
    before = submit(learner, first, {"1": ["4"], "2": ["2", "3"], "3": "paris"})  # a quiz not yet banked
    assert before["score"] == 4
    smooth.db.delete("LMS Quiz Submission Question", {})  # as a submission from before the bank
    bank_quiz_questions.execute()
    rows = smooth.get_all("LMS Quiz Question", fields=["parent", "idx", "lms_question"], order_by="parent, idx")
    assert all(r["lms_question"] for r in rows) and len(rows) == 6
    assert smooth.db.count("LMS Question") == 3  # the same three questions in both quizzes: banked once each
    assert smooth.db.get_value("LMS Question", rows[0]["lms_question"], "marks") == 2
    assert submit(learner, second, {"1": ["4"], "2": ["2", "3"], "3": " Paris"})["score"] == 4
    bank_quiz_questions.execute()  # run again: nothing left to bank, no submission counted twice
    assert smooth.db.count("LMS Question") == 3
    stats = smooth.get_all("LMS Question", fields=["times_answered", "times_correct"], order_by="name")
    assert [(s["times_answered"], s["times_correct"]) for s in stats] == [(2, 2), (2, 2), (2, 2)]


def test_an_author_changes_only_bank_questions_of_the_courses_they_teach(lms: SiteHandle) -> None:
    make_user("ann.bank@example.com", "Course Creator")
    make_user("ben.bank@example.com", "Course Creator")
    ann = make_course("Ann Bank", instructors=[{"instructor": "ann.bank@example.com"}])
    ben = make_course("Ben Bank", instructors=[{"instructor": "ben.bank@example.com"}])
    shared = question("Shared?", options="a\nb", correct_answers="a")
    bank_quiz(ann, [shared], "Ann's")
    smooth.set_user("ann.bank@example.com")
    try:
        doc = smooth.get_doc("LMS Question", shared)
        doc.explanation = "Ann's course only"
        doc.save()  # listed by Ann's quiz alone
        own = question("Ann's own?", options="a\nb", correct_answers="b")
    finally:
        smooth.set_user("Administrator")
    bank_quiz(ben, [shared], "Ben's")
    smooth.set_user("ann.bank@example.com")
    try:
        doc = smooth.get_doc("LMS Question", shared)
        doc.question = "Changed under Ben?"
        with pytest.raises(smooth.PermissionError):
            doc.save()  # Ben's quiz lists it too
        mine = smooth.get_doc("LMS Question", own)
        mine.explanation = "unused, and Ann made it"
        mine.save()
    finally:
        smooth.set_user("Administrator")
    smooth.set_user("ben.bank@example.com")
    try:
        with pytest.raises(smooth.PermissionError):
            smooth.get_doc("LMS Question", own).save()  # unused, made by Ann
    finally:
        smooth.set_user("Administrator")
