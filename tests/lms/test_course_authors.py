"""Course authors own their content: two Course Creators, each editing only the courses they teach.

Through REST (create, list, get, save, delete; chapters, lessons, quizzes; quiz submissions) and
the desk (list and form). The record rules are filters on `in` lists the database answers, so the
listing test runs on both backends; the rest on SQLite.
"""

from __future__ import annotations

import re

import pytest

import smooth
from tests.api.helpers import Api, add_user, insert
from tests.pages.served import served, served_site  # noqa: F401  (the LMS + HR site served, user by header)

ANN, BEN, MOD, LEARNER = "ann@example.com", "ben@example.com", "mod@example.com", "lea@example.com"
QUESTION = {"question": "2 + 2?", "type": "Single Choice", "options": "3\n4", "correct_answers": "4", "marks": 1}


def _course(api: Api, user: str, title: str) -> str:
    response = api.post("/api/resource/LMS Course", user=user, json={"title": title, "published": 1})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["name"])


def _setup(api: Api) -> dict[str, str]:
    add_user(api, ANN, "Course Creator", "Employee")  # Smooth HR's Employee role reads quiz submissions too
    add_user(api, BEN, "Course Creator")
    add_user(api, MOD, "Moderator")
    add_user(api, LEARNER, "LMS Student")
    made = {"ann": _course(api, ANN, "Ann's Course"), "ben": _course(api, BEN, "Ben's Course")}
    for who, user in (("ann", ANN), ("ben", BEN)):
        course = made[who]
        response = api.post("/api/resource/Course Chapter", user=user, json={"title": "Intro", "course": course})
        assert response.status_code == 200, response.text
        made[f"{who}_chapter"] = response.json()["data"]["name"]
        response = api.post("/api/resource/LMS Quiz", user=user,
                            json={"title": f"{who} quiz", "course": course, "questions": [QUESTION]})
        assert response.status_code == 200, response.text
        made[f"{who}_quiz"] = response.json()["data"]["name"]
        made[f"{who}_submission"] = insert(api, {"doctype": "LMS Quiz Submission", "quiz": made[f"{who}_quiz"],
                                                 "member": LEARNER, "answers": "{}"}, user=LEARNER)
    return made


def _names(api: Api, doctype: str, user: str) -> set[str]:
    response = api.list(doctype, user=user, fields=["name"], limit_page_length=100)
    assert response.status_code == 200, response.text
    return {row["name"] for row in response.json()["data"]}


@pytest.mark.both_backends
def test_creators_become_instructors_and_read_only_their_submissions(served: Api) -> None:  # noqa: F811
    made = _setup(served)
    with served.handle.context():
        assert smooth.get_all("Course Instructor", filters={"parent": made["ann"]}, pluck="instructor") == [ANN]
    assert _names(served, "LMS Quiz Submission", ANN) == {made["ann_submission"]}
    assert _names(served, "LMS Quiz Submission", BEN) == {made["ben_submission"]}
    assert _names(served, "LMS Quiz Submission", MOD) == {made["ann_submission"], made["ben_submission"]}
    assert _names(served, "LMS Quiz", ANN) == {made["ann_quiz"]}
    assert _names(served, "LMS Quiz", MOD) == {made["ann_quiz"], made["ben_quiz"]}
    # the catalogue stays readable: courses of others are listed, not editable
    assert _names(served, "LMS Course", ANN) == {made["ann"], made["ben"]}
    count = served.call("frappe.client.get_count", user=ANN, doctype="LMS Quiz Submission")
    assert count.json() == {"message": 1}


def test_a_creator_edits_only_the_courses_they_teach(served: Api) -> None:  # noqa: F811
    made = _setup(served)
    base = "/api/resource"
    assert served.get(f"{base}/LMS Quiz Submission/{made['ben_submission']}", user=ANN).status_code == 403
    assert served.get(f"{base}/LMS Quiz/{made['ben_quiz']}", user=ANN).status_code == 403
    assert served.get(f"{base}/LMS Course/{made['ben']}", user=ANN).status_code == 200
    refused = [
        served.put(f"{base}/LMS Course/{made['ben']}", user=ANN, json={"title": "Taken"}),
        served.put(f"{base}/Course Chapter/{made['ben_chapter']}", user=ANN, json={"title": "Taken"}),
        served.put(f"{base}/LMS Quiz/{made['ben_quiz']}", user=ANN, json={"title": "Taken"}),
        # moving another's chapter into one's own course is judged on the stored record too
        served.put(f"{base}/Course Chapter/{made['ben_chapter']}", user=ANN, json={"course": made["ann"]}),
        served.post(f"{base}/Course Chapter", user=ANN, json={"title": "Mine?", "course": made["ben"]}),
        served.post(f"{base}/Course Lesson", user=ANN,
                    json={"title": "Mine?", "course": made["ben"], "chapter": made["ben_chapter"]}),
        served.delete(f"{base}/Course Chapter/{made['ben_chapter']}", user=ANN),
        served.delete(f"{base}/LMS Quiz/{made['ben_quiz']}", user=ANN),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused), [r.text[:300] for r in refused]
    with served.handle.context():
        assert smooth.db.get_value("Course Chapter", made["ben_chapter"], ["title", "course"]) == ("Intro", made["ben"])
    lesson = served.post(f"{base}/Course Lesson", user=ANN,
                         json={"title": "Mine", "course": made["ann"], "chapter": made["ann_chapter"]})
    assert lesson.status_code == 200, lesson.text
    assert served.put(f"{base}/LMS Course/{made['ann']}", user=ANN, json={"title": "Ann's"}).status_code == 200
    assert served.delete(f"{base}/Course Lesson/{lesson.json()['data']['name']}", user=ANN).status_code == 202
    # a moderator edits every course; adding Ann as an instructor of Ben's course lets her edit it
    moderated = served.put(f"{base}/LMS Course/{made['ben']}", user=MOD,
                           json={"instructors": [{"instructor": BEN}, {"instructor": ANN}]})
    assert moderated.status_code == 200, moderated.text
    assert served.put(f"{base}/LMS Quiz/{made['ben_quiz']}", user=ANN, json={"title": "Shared"}).status_code == 200


def test_the_desk_shows_others_content_read_only(served: Api) -> None:  # noqa: F811
    made = _setup(served)
    listing = served.get("/app/lms-quiz-submission", user=ANN)
    assert listing.status_code == 200
    assert made["ann_submission"] in listing.text and made["ben_submission"] not in listing.text
    assert served.get(f"/app/lms-quiz-submission/{made['ben_submission']}", user=ANN).status_code in (403, 404)
    own = served.get(f"/app/lms-course/{made['ann']}", user=ANN)
    other = served.get(f"/app/lms-course/{made['ben']}", user=ANN)
    assert own.status_code == other.status_code == 200
    saves = re.compile(r'name="action" value="save"')
    assert saves.search(own.text) and not saves.search(other.text)
