"""The assignment page and the REST API: a learner hands in (text or a checked file), an evaluator grades through
REST with a rubric, the learner reads the grade and resubmits; submissions stay private; the evaluation page shows
the outcome, the marks and the summary.

SQLite only: the record rule's dialect behaviour is covered in tests/lms/test_assignments.py on both backends.
"""

from __future__ import annotations

import datetime as dt

import smooth
from tests.api.helpers import Api, add_user, insert
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday, slot_started
from tests.lms.content import add_lessons
from tests.pages.served import EVERY_DAY, page_text

RUBRIC = {"doctype": "Evaluation Rubric", "title": "Report Rubric", "pass_mark": 6,
          "criteria": [{"criterion": "Clarity", "levels": "4: Clear\n0: Unclear"},
                       {"criterion": "Evidence", "max_points": 6}]}


def _course(pages: Api, **assignment: object) -> tuple[str, str, str, str]:
    with pages.handle.context():
        course = make_course("Report Writing")
        evaluator = make_evaluator("eve@example.com", [course], EVERY_DAY)
        learner = make_learner("lea@example.com", course)
        smooth.db.commit()
    name = insert(pages, {"doctype": "LMS Assignment", "title": "Field Report", "course": course,
                          "instructions": "Describe **one** site visit.", "mandatory_for_certification": 1,
                          **assignment})
    return course, name, learner, evaluator


def test_hand_in_get_graded_by_rubric_over_rest_and_resubmit(pages: Api) -> None:
    rubric = insert(pages, RUBRIC)
    course, name, learner, evaluator = _course(pages, grading="Rubric", rubric=rubric)
    url = f"/lms/courses/{course}/assignment/{name}"
    assert url in pages.get(f"/lms/courses/{course}", user=learner).text
    page = pages.get(url, user=learner)
    assert page.status_code == 200 and "<strong>one</strong>" in page.text and 'name="answer"' in page.text
    sent = pages.post(url, user=learner, data={"answer": "Visited the depot.", "status": "Pass"},
                      follow_redirects=False)
    assert sent.status_code == 303, sent.text[:500]
    page = pages.get(sent.headers["location"], user=learner).text
    assert "Submitted: your evaluator grades it next" in page and "Not Graded" in page
    assert "Your attempt 1 is waiting to be graded." in page and 'name="answer"' not in page
    desk = page_text(pages.get("/app", user=evaluator).text)
    assert "Assignments to grade 1 to grade" in desk
    stranger = add_user(pages, "sam@example.com", "Batch Evaluator")
    assert "Assignments to grade 0 to grade" in page_text(pages.get("/app", user=stranger).text)
    other = add_user(pages, "peer@example.com", "LMS Student")
    own = pages.list("LMS Assignment Submission", user=learner, fields=["name", "status"]).json()["data"]
    assert [row["status"] for row in own] == ["Not Graded"]
    submission = own[0]["name"]
    assert pages.list("LMS Assignment Submission", user=other).json()["data"] == []
    assert pages.get(f"/api/resource/LMS Assignment Submission/{submission}", user=other).status_code == 403
    assert pages.put(f"/api/resource/LMS Assignment Submission/{submission}", user=learner,
                     json={"status": "Pass"}).status_code == 403

    doc = pages.get(f"/api/resource/LMS Assignment Submission/{submission}", user=evaluator).json()["data"]
    marks = [{**row, "points": points, "comment": note}
             for row, points, note in zip(doc["rubric_marks"], [4, 1], ["Well laid out", "Add photos"], strict=True)]
    refused = pages.put(f"/api/resource/LMS Assignment Submission/{submission}", user=evaluator,
                        json={"rubric_marks": marks, "status": "Pass"})
    assert refused.status_code == 417 and "The marks give Fail" in refused.text
    graded = pages.put(f"/api/resource/LMS Assignment Submission/{submission}", user=evaluator,
                       json={"rubric_marks": marks, "comments": "Good start; evidence is thin."})
    assert graded.status_code == 200, graded.text[:500]
    assert (graded.json()["data"]["status"], graded.json()["data"]["graded_by"]) == ("Fail", evaluator)
    page = pages.get(url, user=learner).text
    assert "Fail" in page and "5 / 10" in page and "Add photos" in page and "evidence is thin" in page
    assert "Submit again" in page
    again = pages.post(url, user=learner, data={"answer": "Visited the depot, with photos."}, follow_redirects=False)
    assert again.status_code == 303
    assert "Attempt 2" in pages.get(url, user=learner).text


def test_a_file_answer_is_checked_and_private(pages: Api) -> None:
    course, name, learner, evaluator = _course(pages, answer_type="File", allowed_file_types="pdf",
                                               max_file_size_mb=1)
    url = f"/lms/courses/{course}/assignment/{name}"
    assert 'accept=".pdf"' in pages.get(url, user=learner).text
    with pages.handle.context():
        [lesson] = add_lessons(course, {"Reporting": ["Photographing a site"]})
        smooth.db.set_value("LMS Assignment", name, "lesson", lesson)
        smooth.db.commit()
    lesson_page = pages.get(f"/lms/courses/{course}/learn/{lesson}", user=learner).text
    assert f'Assignment: <a href="{url}">Field Report</a>' in lesson_page
    wrong = pages.post(url, user=learner, files={"file": ("report.exe", b"MZ", "application/octet-stream")},
                       follow_redirects=False)
    assert wrong.status_code == 417
    assert "Field Report accepts .pdf files, not .exe (report.exe). The file was not kept: choose it again." \
        in page_text(wrong.text), page_text(wrong.text)[:1500]
    big = pages.post(url, user=learner, files={"file": ("report.pdf", b"x" * (1024 * 1024 + 1), "application/pdf")},
                     follow_redirects=False)
    assert big.status_code == 417 and "Field Report accepts files up to 1.0 MB" in big.text
    sent = pages.post(url, user=learner, files={"file": ("report.pdf", b"%PDF-1.4 report", "application/pdf")},
                      follow_redirects=False)
    assert sent.status_code == 303, sent.text[:500]
    with pages.handle.context():
        file_url, submitted = smooth.db.get_value("LMS Assignment Submission", {"member": learner},
                                                  ["answer_file", "submitted_on"])
        assert smooth.local.site.time_zone == "UTC"
        smooth.db.set_value("User", learner, "time_zone", "Asia/Kolkata")
        smooth.db.commit()
    page = pages.get(url, user=learner).text
    assert file_url.startswith("/private/files/") and file_url in page
    local = submitted + dt.timedelta(hours=5, minutes=30)
    assert f"{local:%Y-%m-%d %H:%M} (Asia/Kolkata)" in page  # on the learner's clock
    assert pages.get(file_url, user=evaluator).content == b"%PDF-1.4 report"
    other = add_user(pages, "peer@example.com", "LMS Student")
    assert pages.get(file_url, user=other).status_code == 403


def test_the_evaluation_page_shows_outcome_marks_and_summary(pages: Api) -> None:
    rubric = insert(pages, RUBRIC)
    with pages.handle.context():
        course = make_course("Rigging", evaluation_rubric=rubric)
        evaluator = make_evaluator("eve@example.com", [course], EVERY_DAY)
        learner = make_learner("lea@example.com", course)
        request = book(learner, course, next_weekday(0), "09:00").name
        slot_started(request)
        smooth.db.commit()
    url = f"/lms/evaluations/{request}"
    assert "evaluation-outcome" not in pages.get(url, user=learner).text
    evaluation = insert(pages, {"doctype": "LMS Certificate Evaluation", "certificate_request": request,
                                "status": "Fail", "summary": "Knots need practice.", "private_notes": "Nervous",
                                "override_reason": "Safety: one knot failed",
                                "rubric_marks": [{"criterion": "Clarity", "points": 4, "comment": "Calm"},
                                                 {"criterion": "Evidence", "points": 5}]}, user=evaluator)
    page = pages.get(url, user=learner).text
    assert 'id="evaluation-outcome"' in page and "Fail" in page and "9 / 10 (90%)" in page
    assert "Knots need practice." in page and "Calm" in page and "Nervous" not in page
    assert pages.get(f"/api/resource/LMS Certificate Evaluation/{evaluation}", user=learner).status_code == 403
