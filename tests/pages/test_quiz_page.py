"""The quiz page: questions without answers, a posted attempt scored by the server, attempts capped,
blank answers confirmed before an attempt is used, correct answers kept back while they would help."""

from __future__ import annotations

import re

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
    assert pages.get(f"/lms/courses/{course}", user=learner).text.count(url) == 1
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
