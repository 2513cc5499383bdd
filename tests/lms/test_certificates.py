"""Evaluations and certificates: outcome, issue once (also under a race), expiry, re-certification,
revocation, automatic certification, verification."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

import smooth
from smooth_lms import certificates
from smooth_lms.certificates import issue_from_evaluation, issue_from_request, record_evaluation
from tests.conftest import SiteHandle
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday, slot_started
from tests.lms.test_booking_concurrency import race
from tests.lms.test_quizzes import ALL_RIGHT, make_quiz, submit

pytestmark = pytest.mark.both_backends  # issuing once is also tested under a race

NUMBER = re.compile(r"^SMC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def as_user(user: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    smooth.set_user(user)
    try:
        return fn(*args, **kwargs)
    finally:
        smooth.set_user("Administrator")


def evaluated(course: str, learner: str, evaluator: str, outcome: str = "Pass") -> str:
    request = book(learner, course, next_weekday(0), "09:00")
    slot_started(request.name)  # an evaluation happens once its slot has come
    name = as_user(evaluator, record_evaluation, request.name)["name"]
    smooth.set_user(evaluator)
    try:
        doc = smooth.get_doc("LMS Certificate Evaluation", name)
        doc.status, doc.summary, doc.private_notes, doc.rating = outcome, "Well done", "nervous", 0.8
        doc.save()
    finally:
        smooth.set_user("Administrator")
    return name


def setup(validity: int = 12) -> tuple[str, str, str]:
    course = make_course("Forklift", certificate_validity_months=validity)
    evaluator = make_evaluator("eva@example.com", [course])
    learner = make_learner("lee@example.com", course)
    smooth.db.set_value("User", learner, "first_name", "Lee")
    return course, evaluator, learner


def test_pass_completes_the_request_and_issues_once(lms: SiteHandle) -> None:
    course, evaluator, learner = setup()
    evaluation = evaluated(course, learner, evaluator)
    request = smooth.db.get_value("LMS Certificate Evaluation", evaluation, "certificate_request")
    assert smooth.db.get_value("LMS Certificate Request", request, "status") == "Completed"
    first = as_user(evaluator, issue_from_evaluation, evaluation)
    again = as_user(evaluator, issue_from_request, request)
    assert first["name"] == again["name"] and NUMBER.match(first["certificate_number"])
    cert = smooth.get_doc("LMS Certificate", first["name"])
    assert cert.issue_date == smooth.today()
    assert cert.expiry_date == smooth.add_months(smooth.today(), 12)
    assert cert.member == learner and cert.evaluation == evaluation
    assert smooth.db.get_value("LMS Certificate Evaluation", evaluation, "certificate") == cert.name
    assert smooth.db.count("LMS Certificate", {"member": learner}) == 1
    assert smooth.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


def test_fail_lets_the_learner_book_again_and_issues_nothing(lms: SiteHandle) -> None:
    course, evaluator, learner = setup()
    evaluation = evaluated(course, learner, evaluator, "Fail")
    with pytest.raises(smooth.ValidationError, match="only a Pass earns a certificate"):
        as_user(evaluator, issue_from_evaluation, evaluation)
    smooth.db.commit()
    again = book(learner, course, next_weekday(2), "14:00")
    assert again.status == "Pending"


def test_pass_needs_the_mandatory_quiz(lms: SiteHandle) -> None:
    course, evaluator, learner = setup()
    request = book(learner, course, next_weekday(0), "09:00")
    slot_started(request.name)  # an evaluation happens once its slot has come
    make_quiz(course, title="Load Charts", mandatory_for_certification=1)
    smooth.db.commit()
    name = as_user(evaluator, record_evaluation, request.name)["name"]
    smooth.db.commit()
    smooth.set_user(evaluator)
    try:
        doc = smooth.get_doc("LMS Certificate Evaluation", name)
        doc.status = "Pass"
        with pytest.raises(smooth.ValidationError, match=r"Load Charts \(needs 75%, no attempt yet\)"):
            doc.save()
    finally:
        smooth.set_user("Administrator")


def test_only_the_evaluator_records_and_issues(lms: SiteHandle) -> None:
    course, evaluator, learner = setup()
    make_evaluator("other@example.com", [course])
    request = book(learner, course, next_weekday(0), "09:00")
    slot_started(request.name)  # an evaluation happens once its slot has come
    with pytest.raises(smooth.PermissionError):
        as_user("other@example.com", record_evaluation, request.name)
    with pytest.raises(smooth.PermissionError):
        as_user(learner, issue_from_request, request.name)


def test_twenty_concurrent_issues_make_one_certificate(lms: SiteHandle) -> None:
    course, evaluator, learner = setup()
    evaluation = evaluated(course, learner, evaluator)
    smooth.db.commit()

    def issue() -> Any:
        smooth.set_user(evaluator)
        return issue_from_evaluation(evaluation)["name"]

    outcomes = race(lms, [issue] * 20)
    names = {o for o in outcomes if isinstance(o, str)}
    assert len(names) == 1, outcomes
    assert smooth.db.count("LMS Certificate", {"member": learner, "course": course}) == 1


def test_expiry_recertification_and_revocation(lms: SiteHandle) -> None:
    course, evaluator, learner = setup(validity=6)
    evaluation = evaluated(course, learner, evaluator)
    old = as_user(evaluator, issue_from_evaluation, evaluation)["name"]
    assert certificates.verification(old)["state"] == "Valid"
    past = smooth.today() - dt.timedelta(days=400)
    smooth.db.set_value("LMS Certificate", old, {"issue_date": past, "expiry_date": past + dt.timedelta(days=180)})
    assert certificates.verification(old)["state"] == "Expired"
    new = certificates.issue_certificate(learner, course, evaluation)
    assert new.name != old and new.supersedes == old
    assert smooth.db.get_value("LMS Certificate", old, "superseded_by") == new.name
    assert certificates.verification(old)["state"] == "Superseded"
    assert certificates.current(learner, course) == new.name
    with pytest.raises(smooth.PermissionError):
        as_user(learner, certificates.revoke_certificate, new.name, "cheating")
    with pytest.raises(smooth.ValidationError, match="reason"):
        certificates.revoke_certificate(new.name, " ")
    certificates.revoke_certificate(new.name, "Exam irregularity")
    shown = certificates.verification(new.certificate_number.lower())
    assert shown["state"] == "Revoked" and shown["holder"]
    assert certificates.current(learner, course) is None
    assert certificates.verification("SMC-0000-0000-0000")["state"] == "Unknown"
    doc = smooth.get_doc("LMS Certificate", new.name)
    doc.revoked = 0
    with pytest.raises(smooth.ValidationError, match="stays revoked"):
        doc.save()


def test_course_without_evaluation_certifies_itself_once(lms: SiteHandle) -> None:
    course = make_course("Self Paced", evaluation_required=0)
    quiz = make_quiz(course, mandatory_for_certification=1)
    learner = make_learner("sam@example.com", course, progress=100)
    assert smooth.db.count("LMS Certificate", {"member": learner}) == 0  # the mandatory quiz is not passed yet
    submit(learner, quiz, ALL_RIGHT)
    assert smooth.db.count("LMS Certificate", {"member": learner}) == 1
    cert = smooth.db.get_value("LMS Certificate", {"member": learner}, "name")
    certificates.revoke_certificate(cert, "Issued by mistake")
    submit(learner, quiz, ALL_RIGHT)
    enrollment = smooth.db.get_value("LMS Enrollment", {"member": learner}, "name")
    smooth.get_doc("LMS Enrollment", enrollment).save()
    assert smooth.db.count("LMS Certificate", {"member": learner}) == 1
