"""Cohort assessments: the cohort lists its quizzes and evaluations; its evaluators and Moderators see the grade
sheet (best quiz score, latest evaluation outcome) and export it as CSV with formula cells neutralised.

The best score is a grouped MAX the database computes: the sheet runs on both backends.
"""

from __future__ import annotations

import csv
import io

import pytest

import smooth
from tests.api.helpers import Api, add_user
from tests.lms.conftest import make_course, make_evaluator, make_learner
from tests.lms.test_evaluation_feedback import evaluated
from tests.lms.test_quizzes import ALL_RIGHT, make_quiz, submit
from tests.pages.served import served, served_site  # noqa: F401  (the LMS + HR site served, user by header)

EVA, OTHER_EVA, MOD = "eva@example.com", "otto@example.com", "mod@example.com"
ANN, BOB = "ann@example.com", "bob@example.com"


def _cohorts(api: Api) -> tuple[str, str, str]:
    with api.handle.context():
        course = make_course("Cranes")
        quiz = make_quiz(course, title="Crane Signals")
        make_evaluator(EVA, [course], [("Monday", "09:00", "12:00")])
        make_evaluator(OTTO := OTHER_EVA, [course], [("Sunday", "09:00", "10:00")])
        make_learner(ANN, course)
        smooth.db.set_value("User", ANN, "full_name", "=HYPERLINK(1)")  # a name a spreadsheet would run
        make_learner(BOB, course)
        cohort = smooth.get_doc({"doctype": "LMS Batch", "title": "Autumn", "evaluator": EVA,
                                 "courses": [{"course": course}],
                                 "members": [{"member": ANN}, {"member": BOB}]}).insert().name
        other = smooth.get_doc({"doctype": "LMS Batch", "title": "Winter", "evaluator": OTTO,
                                "courses": [{"course": course}], "members": [{"member": BOB}]}).insert().name
        submit(ANN, quiz, {"1": ["3"]})
        submit(ANN, quiz, ALL_RIGHT)
        submit(ANN, quiz, {})
        evaluated(ANN, course, EVA, 0, "Pass")
        evaluated(ANN, course, EVA, 1, "Fail")  # the latest outcome counts
        smooth.db.commit()
    add_user(api, MOD, "Moderator")
    return cohort, other, quiz


@pytest.mark.both_backends
def test_the_grade_sheet_for_the_cohorts_evaluator(served: Api) -> None:  # noqa: F811
    cohort, other, quiz = _cohorts(served)
    sheet = served.call("smooth_lms.cohort_assessments.grade_sheet", user=EVA, cohort=cohort).json()["message"]
    assert [(a["kind"], a["title"]) for a in sheet["assessments"]] == [("Quiz", "Crane Signals"),
                                                                       ("Evaluation", "Cranes")]
    assert [(r["member"], r["grades"]) for r in sheet["rows"]] == [(ANN, ["100%", "Fail"]), (BOB, ["", ""])]
    page = served.get(f"/app/cohort-grades?cohort={cohort}", user=MOD)
    assert page.status_code == 200 and 'id="grade-sheet"' in page.text and "100%" in page.text
    exported = served.get(f"/app/cohort-grades?cohort={cohort}&export=1", user=EVA)
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == ["Learner", "Name", "Quiz: Crane Signals", "Evaluation: Cranes"]
    assert rows[1][1].startswith("'=HYPERLINK") and rows[1][2:] == ["100%", "Fail"]


def test_learners_and_other_cohorts_evaluators_are_refused(served: Api) -> None:  # noqa: F811
    cohort, other, quiz = _cohorts(served)
    for user in (OTHER_EVA, ANN):
        assert served.call("smooth_lms.cohort_assessments.grade_sheet", user=user,
                           cohort=cohort).status_code == 403
        export = served.get(f"/app/cohort-grades?cohort={cohort}&export=1", user=user, follow_redirects=False)
        assert export.status_code == (403 if user == OTHER_EVA else 303)  # a learner is sent to /lms
    listing = served.get("/app/cohort-grades", user=OTHER_EVA).text
    assert f"cohort={other}" in listing and f"cohort={cohort}" not in listing
    # the learner's cohort page lists the assessments, without the sheet
    page = served.get(f"/lms/cohorts/{cohort}", user=ANN).text
    assert 'id="cohort-assessments"' in page and f"/quiz/{quiz}" in page and "grade-sheet-link" not in page
    assert "grade-sheet-link" in served.get(f"/lms/cohorts/{cohort}", user=MOD).text
