"""The quiz page: questions without answers, a posted attempt scored by the server, attempts capped,
blank answers confirmed before an attempt is used, correct answers kept back while they would help; a quiz
drawing from the question bank asks its drawn questions and an evaluator grades an open answer (REST and desk)."""

from __future__ import annotations

import re

import smooth
from smooth_lms import question_bank
from tests.api.helpers import Api, add_user, insert

QUESTIONS = [
    {"question": "2 + 2?", "type": "Single Choice", "options": "3\n4", "correct_answers": "4"},
    {"question": "Primes?", "type": "Multiple Choice", "options": "2\n3\n4", "correct_answers": "2\n3"},
    {"question": "Capital of France?", "type": "Short Answer", "correct_answers": "Paris"},
]


def test_take_a_quiz(pages: Api) -> None:
    course = insert(pages, {"doctype": "LMS Course", "title": "Quiz Course", "published": 1})
    quiz = insert(pages, {"doctype": "LMS Quiz", "title": "First Quiz", "course": course, "passing_percentage": 60,
                          "max_attempts": 2, "questions": QUESTIONS})
    learner = add_user(pages, "quizzer@example.com", "LMS Student")
    insert(pages, {"doctype": "LMS Enrollment", "member": learner, "course": course})
    url = f"/lms/courses/{course}/quiz/{quiz}"
    page = pages.get(url, user=learner)
    assert page.status_code == 200, page.text[:500]
    assert "Capital of France?" in page.text and "Paris" not in page.text
    outline = pages.get(f"/lms/courses/{course}", user=learner).text
    assert outline.count(url) == 2  # listed once among the quizzes, and the course's first step ("Start: First Quiz")
    assert f'id="continue" href="{url}"' in outline
    sent = pages.post(url, user=learner, data={"q-1": "1", "q-2-0": "1", "q-2-1": "1", "q-3": "paris",
                                               "score": "0", "percentage": "0"}, follow_redirects=False)
    assert sent.status_code == 303, sent.text[:500]
    result = pages.get(sent.headers["location"], user=learner)
    assert "3 / 3 (100%)" in result.text and "Passed" in result.text
    wrong = pages.post(url, user=learner, data={"q-1": "0", "score": "3", "confirm": "1"}, follow_redirects=False)
    result = pages.get(wrong.headers["location"], user=learner)
    assert "0 / 3 (0%)" in result.text and "Correct: 4" in result.text
    assert "used all 2 attempts" in result.text
    refused = pages.post(url, user=learner, data={"q-1": "1"}, follow_redirects=False)
    assert refused.status_code == 417 and "You have used all 2 attempts at First Quiz" in refused.text
    other = add_user(pages, "peeker@example.com", "LMS Student")
    insert(pages, {"doctype": "LMS Enrollment", "member": other, "course": course})
    name = re.search(r"submission=([^&\"]+)", sent.headers["location"])
    assert name
    assert pages.get(f"{url}?submission={name.group(1)}", user=other).status_code == 404


def test_blank_answers_ask_first_and_a_failed_attempt_keeps_the_answers_back(pages: Api) -> None:
    course = insert(pages, {"doctype": "LMS Course", "title": "Honest Course", "published": 1})
    quiz = insert(pages, {"doctype": "LMS Quiz", "title": "Honest Quiz", "course": course, "passing_percentage": 60,
                          "max_attempts": 3, "questions": QUESTIONS})
    learner = add_user(pages, "honest@example.com", "LMS Student")
    insert(pages, {"doctype": "LMS Enrollment", "member": learner, "course": course})
    url = f"/lms/courses/{course}/quiz/{quiz}"
    empty = pages.post(url, user=learner, data={}, follow_redirects=False)
    assert empty.status_code == 200 and "You left 3 questions unanswered: submit anyway?" in empty.text
    partial = pages.post(url, user=learner, data={"q-1": "0", "q-3": "Lyon"}, follow_redirects=False)
    assert "You left 1 question unanswered: submit anyway?" in partial.text
    assert 'value="Lyon"' in partial.text and 'value="0" checked' in partial.text  # the answers are kept
    assert "0 of 3 attempts used" in pages.get(url, user=learner).text  # no attempt used until confirmed
    failed = pages.post(url, user=learner, data={"q-1": "0", "q-3": "Lyon", "confirm": "1"},
                        follow_redirects=False)
    assert failed.status_code == 303, failed.text[:500]
    result = pages.get(failed.headers["location"], user=learner).text
    assert "1 of 3 attempts used" in result and "Not passed" in result
    assert "Correct:" not in result and "Paris" not in result and "once you pass" in result
    name = failed.headers["location"].split("submission=")[1]
    own = pages.get(f"/api/resource/LMS Quiz Submission/{name}", user=learner)
    assert own.status_code == 200 and "Paris" not in own.text  # the stored result holds no answer key
    passed = pages.post(url, user=learner, data={"q-1": "1", "q-2-0": "1", "q-2-1": "1", "q-3": "Lyon"},
                        follow_redirects=False)
    assert passed.status_code == 303  # nothing blank: no question asked
    assert "Correct: Paris" in pages.get(passed.headers["location"], user=learner).text  # passed: shown now
    never = insert(pages, {"doctype": "LMS Quiz", "title": "Secret Quiz", "course": course, "passing_percentage": 60,
                           "max_attempts": 1, "show_answers": "Never", "questions": QUESTIONS})
    last = pages.post(f"/lms/courses/{course}/quiz/{never}", user=learner,
                      data={"q-1": "0", "q-2-2": "1", "q-3": "Lyon"}, follow_redirects=False)
    assert "Correct:" not in pages.get(last.headers["location"], user=learner).text


def test_a_drawn_quiz_asks_what_it_grades_and_an_evaluator_grades_the_open_answer(pages: Api) -> None:
    course = insert(pages, {"doctype": "LMS Course", "title": "Bank Course", "published": 1})
    for text, kind, values in (("The sky is green", "True/False", {"correct_answers": "False"}),
                               ("Describe a near miss", "Open Answer", {"marks": 2}),
                               ("Lock colour?", "Short Answer", {"correct_answers": "r*d", "match": "Pattern",
                                                                 "explanation": "Red marks a personal lock."})):
        insert(pages, {"doctype": "LMS Question", "question": text, "type": kind, "tags": "bank-page", **values})
    quiz = insert(pages, {"doctype": "LMS Quiz", "title": "Drawn Quiz", "course": course, "passing_percentage": 75,
                          "question_pool_tag": "bank-page", "questions_per_attempt": 3, "show_answers": "Always"})
    learner = add_user(pages, "drawn@example.com", "LMS Student")
    evaluator = add_user(pages, "grader@example.com", "Batch Evaluator")
    insert(pages, {"doctype": "LMS Enrollment", "member": learner, "course": course})
    with pages.handle.context():
        drawn = question_bank.asked(smooth.get_doc("LMS Quiz", quiz), learner, 1)
    number = {a.type: a.idx for a in drawn}
    url = f"/lms/courses/{course}/quiz/{quiz}"
    page = pages.get(url, user=learner).text
    assert [m for m in re.findall(r"<legend>\d+\. ([^<]+)", page)] == [a.question for a in drawn]
    assert f'<textarea id="q-{number["Open Answer"]}"' in page and ">False</label>" not in page  # radios
    assert f'name="q-{number["True/False"]}" value="1"' in page and "r*d" not in page
    listed = pages.get("/api/method/smooth_lms.quizzes.get_quiz_questions", params={"quiz": quiz}, user=learner)
    assert [q["question"] for q in listed.json()["message"]["questions"]] == [a.question for a in drawn]
    assert "r*d" not in listed.text and "correct" not in listed.text
    key = pages.get(f"/api/resource/LMS Question/{drawn[0].lms_question}", user=learner)
    assert key.status_code == 403  # the bank holds the answer key: learners never read it
    created = pages.post("/api/resource/LMS Question", user="Administrator",
                         json={"question": "Rungs?", "type": "Multiple Choice", "options": "a\nb",
                               "correct_answers": "c"})
    assert created.status_code == 417 and "'c' is not one of the options" in created.text
    inline = pages.post("/api/resource/LMS Quiz", user="Administrator", json={
        "title": "Typed In", "course": course, "questions": [{"question": "Rungs?", "options": "a\nb",
                                                              "correct_answers": "a"}]})
    assert inline.status_code == 200, inline.text[:300]  # typed in as before the bank: banked on save
    row = inline.json()["data"]["questions"][0]
    assert row["lms_question"].startswith("LMS-Q-") and row["type"] == "Single Choice"
    shown = re.search(r'name="drawn" value="([^"]+)"', page)
    assert shown and shown.group(1) == ",".join(a.lms_question for a in drawn)
    stale = pages.post(url, user=learner, follow_redirects=False, data={"drawn": "LMS-Q-0,LMS-Q-1", "confirm": "1"})
    assert stale.status_code == 417 and "changed while you answered" in stale.text  # no attempt used
    sent = pages.post(url, user=learner, follow_redirects=False, data={
        "drawn": shown.group(1), f"q-{number['True/False']}": "1", f"q-{number['Short Answer']}": "Red",
        f"q-{number['Open Answer']}": "A ladder slipped; nobody was hurt."})
    result = pages.get(sent.headers["location"], user=learner).text
    assert "Awaiting grading: an evaluator marks your open answers" in result and "2 / 4 (50%)" in result
    assert "awaiting grading</strong> (out of 2)" in result and "Why: Red marks a personal lock." in result
    name = sent.headers["location"].split("submission=")[1]
    form = pages.get(f"/app/lms-quiz-submission/{name}", user=evaluator).text
    assert "Grade Open Answer…" in form and "Awaiting Grading" in form  # the button, asking for its values
    assert f"Question {number['Open Answer']} (out of 2): Describe a near miss" in form
    assert "A ladder slipped; nobody was hurt." in form
    grade = "/api/method/smooth_lms.open_answers.grade_open_answer"
    refused = pages.post(grade, user=learner, json={"name": name, "question": number["Open Answer"], "marks": 2})
    assert refused.status_code == 403, refused.text[:300]
    done = pages.post(grade, user=evaluator, json={"name": name, "question": number["Open Answer"], "marks": 2,
                                                   "comment": "Clear and complete."})
    assert done.status_code == 200 and done.json()["message"]["passed"] == 1, done.text[:300]
    result = pages.get(sent.headers["location"], user=learner).text
    assert "4 / 4 (100%)" in result and "Evaluator: Clear and complete." in result and "Passed" in result
    assert "Grade Open Answer…" not in pages.get(f"/app/lms-quiz-submission/{name}", user=evaluator).text
    stats = pages.get("/app/lms-question?tags=bank-page", user="Administrator").text
    assert "Answered Right (%)" in stats
