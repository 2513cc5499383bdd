"""Feedback on evaluations: the learner rates once on /lms; the evaluator never learns who wrote what.

Through the portal page, REST and the desk (list, report, form, the summary page). The records are
read by plain filters with no dialect differences, so SQLite only.
"""

from __future__ import annotations

import datetime as dt

import smooth
from smooth_lms.certificates import record_evaluation
from tests.api.helpers import Api, add_user
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday, slot_started
from tests.pages.served import served, served_site  # noqa: F401  (the LMS + HR site served, user by header)

EVA, MOD = "eva@example.com", "mod@example.com"
LEARNERS = ("lea@example.com", "leo@example.com", "lia@example.com")
NAMES = ("Quentin", "Rosalind", "Sigmund")
FEEDBACK = "LMS Evaluation Feedback"


def evaluated(learner: str, course: str, evaluator: str, slot: int = 0, outcome: str = "Pass") -> str:
    """A request of `learner` booked in the evaluator's `slot`-th half hour of Monday 09:00, evaluated: its name."""
    start = (dt.datetime(2000, 1, 1, 9) + dt.timedelta(minutes=30 * slot)).strftime("%H:%M")
    request = book(learner, course, next_weekday(0), start)
    slot_started(request.name)
    smooth.set_user(evaluator)
    try:
        evaluation = smooth.get_doc("LMS Certificate Evaluation", record_evaluation(request.name)["name"])
        evaluation.status = outcome
        evaluation.save()
    finally:
        smooth.set_user("Administrator")
    return str(request.name)


def _evaluated(api: Api) -> list[str]:
    """Three learners, each with a completed request evaluated by EVA (committed): their request names."""
    requests = []
    with api.handle.context():
        course = make_course("Rigging")
        make_evaluator(EVA, [course], [("Monday", "09:00", "12:00")])
        for n, learner in enumerate(LEARNERS):
            make_learner(learner, course)
            smooth.db.set_value("User", learner, "full_name", NAMES[n])
            requests.append(evaluated(learner, course, EVA, n))
        smooth.db.commit()
    add_user(api, MOD, "Moderator")
    return requests


def _rate(api: Api, user: str, request: str, rating: object, comment: str = "") -> int:
    return api.call("smooth_lms.feedback.give_feedback", http="POST", user=user, request=request, rating=rating,
                    comment=comment).status_code


def test_learner_rates_once_and_the_evaluator_sees_it_anonymously(served: Api) -> None:  # noqa: F811
    requests = _evaluated(served)
    first, lea = requests[0], LEARNERS[0]
    page = served.get(f"/lms/evaluations/{first}", user=lea).text
    assert 'id="feedback-form"' in page
    assert f'href="/lms/evaluations/{first}#feedback"' in served.get("/lms/evaluations", user=lea).text
    assert 'id="feedback-form"' not in served.get(f"/lms/evaluations/{first}", user=EVA).text
    posted = served.post(f"/lms/evaluations/{first}", user=lea, follow_redirects=False,
                         data={"action": "feedback", "rating": "4", "comment": "Clear and fair"})
    assert posted.status_code == 303, posted.text
    page = served.get(f"/lms/evaluations/{first}", user=lea).text
    assert "4 out of 5" in page and 'id="feedback-form"' not in page
    assert "Rate this evaluation" not in served.get("/lms/evaluations", user=lea).text
    assert _rate(served, lea, first, 5) == 417  # once
    assert _rate(served, LEARNERS[1], first, 5) == 403  # not their evaluation
    assert _rate(served, LEARNERS[1], requests[1], 9) == 417
    # one rating: the evaluator's summary shows nothing yet (its average would be that learner's rating)
    summary = served.get("/app/evaluator-feedback", user=EVA).text
    assert 'data-hidden="1"' in summary and "Clear and fair" not in summary
    assert _rate(served, LEARNERS[1], requests[1], 2, "Rushed") == 200
    assert _rate(served, LEARNERS[2], requests[2], 3) == 200
    summary = served.get("/app/evaluator-feedback", user=EVA).text
    assert "3.0 / 5" in summary and "Clear and fair" in summary and "Rushed" in summary
    assert not any(name in summary for name in (*NAMES, *LEARNERS))
    moderated = served.get("/app/evaluator-feedback", user=MOD).text
    assert NAMES[0] in moderated and "Clear and fair" in moderated
    data = served.call("smooth_lms.feedback.evaluator_feedback", user=EVA).json()["message"]
    assert data[0]["count"] == 3 and all(set(c) == {"comment"} for c in data[0]["comments"])
    assert served.call("smooth_lms.feedback.evaluator_feedback", user=EVA, evaluator=MOD).status_code == 403


def test_no_door_shows_the_evaluator_who_wrote_what(served: Api) -> None:  # noqa: F811
    requests = _evaluated(served)
    assert _rate(served, LEARNERS[0], requests[0], 5, "Great") == 200
    with served.handle.context():
        name = smooth.get_all(FEEDBACK, pluck="name")[0]
    doors = [
        served.list(FEEDBACK, user=EVA, fields=["member", "comment"]),
        served.get(f"/api/resource/{FEEDBACK}/{name}", user=EVA),
        served.call("frappe.client.get_list", user=EVA, doctype=FEEDBACK, fields=["member"]),
        served.call("frappe.client.get_value", user=EVA, doctype=FEEDBACK, fieldname="member",
                    filters={"name": name}),
        served.call("frappe.client.get_count", user=EVA, doctype=FEEDBACK),
        served.get("/app/lms-evaluation-feedback", user=EVA),
        served.get("/app/lms-evaluation-feedback/view/report", user=EVA),
        served.get(f"/app/lms-evaluation-feedback/{name}", user=EVA),
    ]
    assert all(r.status_code == 403 for r in doors), [(r.request.url, r.status_code) for r in doors]
    assert all(LEARNERS[0] not in r.text for r in doors)
    moderated = served.list(FEEDBACK, user=MOD, fields=["member", "evaluator", "comment"]).json()["data"]
    assert moderated == [{"member": LEARNERS[0], "evaluator": EVA, "comment": "Great"}]
