"""The shipped LMS Certificate Request workflow: who may complete or cancel, when, and the
shipped No Show an evaluator marks once the slot has started. Workflow rules run in Python over the document
API: SQLite only (the core's workflow tests run on both)."""

from __future__ import annotations

import json

import pytest

import smooth
from smooth.exceptions import PermissionError, ValidationError
from smooth.model.workflow import apply_workflow, get_transitions
from tests.conftest import make_user
from tests.lms.conftest import (
    book,
    make_course,
    make_evaluator,
    make_learner,
    next_weekday,
    slot_started,
)

REQUEST = "LMS Certificate Request"
LEA, EVA, OTTO, MOD = "lea@example.com", "eva@example.com", "otto@example.com", "mod@example.com"


@pytest.fixture
def setup(lms):
    course = make_course()
    make_evaluator(EVA, [course])
    make_evaluator(OTTO, [], [("Monday", "09:00", "12:00")])  # an evaluator, not this request's
    make_learner(LEA, course)
    make_user(MOD, "Moderator")
    return course


def actions(name: str, user: str) -> list[str]:
    smooth.set_user(user)
    try:
        return [t.action for t in get_transitions(smooth.get_doc(REQUEST, name))]
    finally:
        smooth.set_user("Administrator")


def act(name: str, user: str, action: str):
    smooth.set_user(user)
    try:
        return apply_workflow(smooth.get_doc(REQUEST, name), action)
    finally:
        smooth.set_user("Administrator")


def test_shipped_workflow_is_active(setup):
    workflow = smooth.get_doc("Workflow", REQUEST)
    assert workflow.is_active == 1 and workflow.workflow_state_field == "status"
    assert [s.state for s in workflow.states] == ["Pending", "Completed", "Cancelled", "No Show"]


def test_who_may_complete_and_cancel(setup):
    request = book(LEA, setup, next_weekday(0), "09:00")
    assert actions(request.name, LEA) == ["Cancel"]
    assert actions(request.name, EVA) == ["Cancel"]  # Complete waits for the slot to start
    assert actions(request.name, OTTO) == []
    assert sorted(set(actions(request.name, MOD))) == ["Cancel"]
    with pytest.raises(PermissionError, match="'Complete' on .* needs the role Batch Evaluator or Moderator"):
        act(request.name, LEA, "Complete")
    with pytest.raises(PermissionError, match="the condition of 'Complete' does not hold"):
        act(request.name, EVA, "Complete")
    slot_started(request.name)
    smooth.db.commit()
    assert actions(request.name, EVA) == ["Complete", "Cancel", "Mark No Show"]
    assert actions(request.name, LEA) == ["Cancel"]
    with pytest.raises(PermissionError, match=f"{OTTO} may not read"):
        act(request.name, OTTO, "Complete")  # not the assigned evaluator: not even visible
    done = act(request.name, EVA, "Complete")
    assert done.status == "Completed" and done.active_key is None
    assert actions(request.name, EVA) == ["Issue Certificate"] and actions(request.name, MOD) == ["Issue Certificate"]
    assert actions(request.name, OTTO) == [] and actions(request.name, LEA) == []
    versions = [json.loads(v) for v in smooth.get_all("Version", filters={"docname": request.name}, pluck="data")]
    assert [v["workflow"] for v in versions if "workflow" in v] == [
        {"action": "Complete", "from": "Pending", "to": "Completed", "user": EVA}]


def test_learner_cancels_through_the_workflow_and_the_cutoff_still_holds(setup):
    smooth.db.set_single_value("LMS Settings", "cancellation_cutoff_hours", 24 * 30)
    request = book(LEA, setup, next_weekday(0), "09:00")
    smooth.db.commit()
    with pytest.raises(ValidationError, match="within 720 hours of the slot"):
        act(request.name, LEA, "Cancel")
    smooth.db.rollback()
    smooth.db.set_single_value("LMS Settings", "cancellation_cutoff_hours", 0)
    smooth.db.commit()
    assert act(request.name, LEA, "Cancel").status == "Cancelled"


def test_workflow_actions_list_the_evaluator(setup):
    request = book(LEA, setup, next_weekday(0), "09:00")
    todo = smooth.get_all("Workflow Action", filters={"reference_name": request.name, "status": "Open"},
                          pluck="user")
    # Cancelled is an optional state: the learner could cancel, but nobody has to, so it is no to-do
    assert EVA in todo and OTTO not in todo and LEA not in todo


def _record(request: str, outcome: str) -> None:
    smooth.get_doc({"doctype": "LMS Certificate Evaluation", "certificate_request": request, "status": outcome,
                    "summary": "Observed on the floor"}).insert()


def test_issue_certificate_is_a_workflow_action(setup):
    request = book(LEA, setup, next_weekday(0), "09:00")
    slot_started(request.name)
    act(request.name, EVA, "Complete")
    todo = smooth.get_all("Workflow Action", filters={"reference_name": request.name, "status": "Open"},
                          pluck="user")
    assert EVA in todo  # the evaluator's to-do now: issue the certificate
    _record(request.name, "Pass")
    issued = act(request.name, EVA, "Issue Certificate")
    assert issued.status == "Completed" and issued.certificate
    cert = smooth.get_doc("LMS Certificate", issued.certificate)
    assert cert.member == LEA and cert.course == setup
    assert smooth.db.get_value(REQUEST, request.name, "certificate") == cert.name
    assert actions(request.name, EVA) == [] and actions(request.name, MOD) == []  # issued once
    assert not smooth.get_all("Workflow Action", filters={"reference_name": request.name, "status": "Open"})
    versions = [json.loads(v) for v in smooth.get_all("Version", filters={"docname": request.name}, pluck="data")]
    assert {"action": "Issue Certificate", "from": "Completed", "to": "Completed", "user": EVA} in [
        v["workflow"] for v in versions if "workflow" in v]


def test_a_failed_evaluation_issues_nothing(setup):
    request = book(LEA, setup, next_weekday(0), "09:00")
    slot_started(request.name)
    act(request.name, EVA, "Complete")
    _record(request.name, "Fail")
    smooth.db.commit()
    with pytest.raises(ValidationError, match="is Fail: only a Pass earns a certificate"):
        act(request.name, EVA, "Issue Certificate")
    smooth.db.rollback()
    assert not smooth.db.get_value(REQUEST, request.name, "certificate")
    assert smooth.db.count("LMS Certificate", {"member": LEA}) == 0


def test_a_transition_method_must_be_a_whitelisted_controller_method(setup):
    workflow = smooth.get_doc("Workflow", REQUEST)
    workflow.transitions[-1].method = "validate"
    with pytest.raises(ValidationError, match="Run Method 'validate': LMSCertificateRequest has no whitelisted"):
        workflow.save()
    workflow.transitions[-1].method = "__class__"
    with pytest.raises(ValidationError, match="Run Method '__class__'"):
        workflow.save()


def test_evaluator_marks_a_no_show_once_the_slot_has_started(setup):
    first = book(LEA, setup, next_weekday(0), "09:00")
    assert "Mark No Show" not in actions(first.name, EVA)  # not before the slot
    slot_started(first.name)
    smooth.db.commit()
    assert actions(first.name, EVA) == ["Complete", "Cancel", "Mark No Show"]
    assert actions(first.name, LEA) == ["Cancel"] and "Mark No Show" not in actions(first.name, OTTO)
    missed = act(first.name, EVA, "Mark No Show")
    assert missed.status == "No Show" and missed.active_key is None  # the learner may book again
    again = book(LEA, setup, next_weekday(0, at_least_days=10), "09:00")
    assert again.status == "Pending"
