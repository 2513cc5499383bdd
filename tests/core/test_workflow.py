"""Workflows on a submittable test doctype (Test Expense): transitions per role, condition and
self-approval, state jumps refused, allow_edit, update_field, doc_status, Version rows,
Workflow Actions, the one-active rule, and the unsafe-condition corpus refused at save."""

from __future__ import annotations

import json
from typing import Any

import pytest

import smooth
from smooth.model.save_plan import live_handlers, plan_of
from smooth.model.workflow import apply_workflow, get_transitions
from tests.conftest import make_user

CLERK, BOSS, OTHER_BOSS = "clerk@example.com", "boss@example.com", "boss2@example.com"
DOCTYPE = "Test Expense"


def make_workflow(name: str = "Expense Approval", *, active: int = 1, condition: str = "doc.amount < 1000",
                  self_approval: int = 0, extra_transitions: list[dict[str, Any]] | None = None) -> Any:
    for state, style in (("Draft", ""), ("Approved", "Success"), ("Rejected", "Danger"), ("Paid", "Info")):
        if not smooth.db.exists("Workflow State", state):
            smooth.get_doc({"doctype": "Workflow State", "workflow_state_name": state, "style": style}).insert()
    for action in ("Approve", "Reject", "Pay", "Reopen"):
        if not smooth.db.exists("Workflow Action Master", action):
            smooth.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": action}).insert()
    transitions = [
        {"state": "Draft", "action": "Approve", "next_state": "Approved", "allowed": "Test Evaluator",
         "allow_self_approval": self_approval, "condition": condition},
        {"state": "Draft", "action": "Reject", "next_state": "Rejected", "allowed": "Test Evaluator",
         "allow_self_approval": 1},
        {"state": "Approved", "action": "Pay", "next_state": "Paid", "allowed": "Test Evaluator",
         "allow_self_approval": 1},
        *(extra_transitions or []),
    ]
    return smooth.get_doc({
        "doctype": "Workflow", "workflow_name": name, "document_type": DOCTYPE, "is_active": active,
        "workflow_state_field": "workflow_state",
        "states": [
            {"state": "Draft", "doc_status": "0", "allow_edit": "Test Creator"},
            {"state": "Approved", "doc_status": "1", "allow_edit": "Test Evaluator",
             "update_field": "approval_status", "update_value": "approved"},
            {"state": "Rejected", "doc_status": "0", "allow_edit": "Test Evaluator"},
            {"state": "Paid", "doc_status": "1", "allow_edit": "Test Evaluator"},
        ],
        "transitions": transitions,
    }).insert()


@pytest.fixture
def people(ctx: Any) -> Any:
    make_user(CLERK, "Test Creator")
    make_user(BOSS, "Test Evaluator")
    make_user(OTHER_BOSS, "Test Evaluator", "Test Creator")
    make_workflow()
    smooth.db.commit()
    return ctx


def new_expense(user: str, amount: int = 100, title: str = "Taxi") -> Any:
    smooth.set_user(user)
    doc = smooth.get_doc({"doctype": DOCTYPE, "title": title, "amount": amount}).insert()
    smooth.set_user("Administrator")
    return doc


def actions_of(doc: Any, user: str) -> list[str]:
    smooth.set_user(user)
    try:
        return [t.action for t in get_transitions(smooth.get_doc(DOCTYPE, doc.name))]
    finally:
        smooth.set_user("Administrator")


def test_new_document_starts_in_the_first_state(people: Any) -> None:
    doc = new_expense(CLERK)
    assert doc.workflow_state == "Draft"
    with pytest.raises(smooth.ValidationError, match="starts in the workflow state Draft, not Approved"):
        smooth.get_doc({"doctype": DOCTYPE, "title": "Sneaky", "workflow_state": "Approved"}).insert()


def test_transitions_per_role_and_condition(people: Any) -> None:
    doc = new_expense(CLERK, amount=100)
    big = new_expense(CLERK, amount=5000)
    assert actions_of(doc, CLERK) == []
    assert actions_of(doc, BOSS) == ["Approve", "Reject"]
    assert actions_of(big, BOSS) == ["Reject"]  # the condition doc.amount < 1000 fails
    smooth.set_user(CLERK)
    with pytest.raises(smooth.PermissionError, match="needs the role Test Evaluator"):
        apply_workflow(smooth.get_doc(DOCTYPE, doc.name), "Approve")
    smooth.set_user(BOSS)
    with pytest.raises(smooth.PermissionError, match="condition of 'Approve' does not hold"):
        apply_workflow(smooth.get_doc(DOCTYPE, big.name), "Approve")
    with pytest.raises(smooth.ValidationError, match="'Pay' is not a workflow action from Draft"):
        apply_workflow(smooth.get_doc(DOCTYPE, doc.name), "Pay")
    approved = apply_workflow(smooth.get_doc(DOCTYPE, doc.name), "Approve")
    assert approved.workflow_state == "Approved"
    assert approved.docstatus == 1  # the Approved state is Submitted
    assert approved.approval_status == "approved"  # update_field / update_value on entering the state
    paid = apply_workflow(smooth.get_doc(DOCTYPE, doc.name), "Pay")
    assert (paid.workflow_state, paid.docstatus) == ("Paid", 1)


def test_self_approval(people: Any) -> None:
    own = new_expense(OTHER_BOSS)
    assert actions_of(own, OTHER_BOSS) == ["Reject"]  # Approve does not allow self approval
    assert actions_of(own, BOSS) == ["Approve", "Reject"]
    smooth.set_user(OTHER_BOSS)
    with pytest.raises(smooth.PermissionError, match="Self approval is not allowed"):
        apply_workflow(smooth.get_doc(DOCTYPE, own.name), "Approve")


def test_state_jump_by_save_refused_and_transition_by_save_allowed(people: Any) -> None:
    doc = new_expense(CLERK)
    smooth.set_user(CLERK)
    mine = smooth.get_doc(DOCTYPE, doc.name)
    mine.workflow_state = "Paid"
    with pytest.raises(smooth.ValidationError, match="from Draft to Paid is not a workflow action from Draft"):
        mine.save()
    smooth.set_user(BOSS)
    theirs = smooth.get_doc(DOCTYPE, doc.name)
    theirs.workflow_state = "Rejected"
    theirs.save()  # a save that is exactly a transition the user may take is that transition (as in Frappe)
    assert smooth.db.get_value(DOCTYPE, doc.name, "workflow_state") == "Rejected"


def test_allow_edit_per_state(people: Any) -> None:
    doc = new_expense(CLERK)
    smooth.set_user(BOSS)
    theirs = smooth.get_doc(DOCTYPE, doc.name)
    theirs.note = "edited by the boss"
    with pytest.raises(smooth.PermissionError, match="in the state Draft, only Test Creator may edit"):
        theirs.save()
    smooth.set_user(CLERK)
    mine = smooth.get_doc(DOCTYPE, doc.name)
    mine.note = "edited by the clerk"
    mine.save()


def test_version_rows_and_workflow_actions(people: Any) -> None:
    doc = new_expense(CLERK)
    open_actions = smooth.get_all("Workflow Action", filters={"reference_name": doc.name, "status": "Open"},
                                  pluck="user")
    assert set(open_actions) == {BOSS, OTHER_BOSS}
    smooth.set_user(BOSS)
    apply_workflow(smooth.get_doc(DOCTYPE, doc.name), "Approve")
    smooth.set_user("Administrator")
    versions = [json.loads(v) for v in smooth.get_all("Version", filters={"docname": doc.name}, pluck="data")]
    steps = [v["workflow"] for v in versions if "workflow" in v]
    assert steps == [{"action": "Approve", "from": "Draft", "to": "Approved", "user": BOSS}]
    rows = smooth.get_all("Workflow Action", filters={"reference_name": doc.name},
                          fields=["user", "status", "completed_by", "workflow_state"], order_by="creation asc")
    assert {(r["user"], r["status"], r["completed_by"]) for r in rows if r["workflow_state"] == "Draft"} == {
        (BOSS, "Completed", BOSS), (OTHER_BOSS, "Completed", BOSS)}
    assert {r["user"] for r in rows if r["status"] == "Open"} == {BOSS, OTHER_BOSS}  # Pay from Approved
    smooth.set_user(BOSS)
    assert set(smooth.get_list("Workflow Action", filters={"status": "Open"}, pluck="user")) == {BOSS}


def test_stale_document_conflict(people: Any) -> None:
    doc = new_expense(CLERK)
    smooth.set_user(BOSS)
    first = smooth.get_doc(DOCTYPE, doc.name)
    second = smooth.get_doc(DOCTYPE, doc.name)
    apply_workflow(first, "Approve")
    smooth.set_user(OTHER_BOSS)
    with pytest.raises(smooth.TimestampMismatchError, match="it is now Approved"):
        apply_workflow(second, "Reject")


def test_one_active_workflow_per_doctype(people: Any) -> None:
    second = make_workflow("Expense Approval 2")
    assert smooth.db.get_value("Workflow", "Expense Approval", "is_active") == 0
    assert second.is_active == 1
    assert any("Expense Approval was deactivated" in m["message"] for m in smooth.local.message_log)


def test_edited_workflow_applies_to_the_next_document(people: Any) -> None:
    doc = new_expense(CLERK, amount=5000)
    assert actions_of(doc, BOSS) == ["Reject"]
    workflow = smooth.get_doc("Workflow", "Expense Approval")
    workflow.transitions[0].condition = "doc.amount < 10000"
    workflow.save()
    assert actions_of(doc, BOSS) == ["Approve", "Reject"]


UNSAFE = [
    ("doc.__class__", "private"),
    ("doc._meta", "private"),
    ("doc['__dict__']", "private"),
    ("().__class__.__bases__[0].__subclasses__()", "may be called"),
    ("doc.title.__class__", "Only fields of doc"),
    ("__import__('os').system('true')", "may be called"),
    ("open('/etc/passwd')", "may be called"),
    ("[x for x in range(10**9)]", "not allowed"),
    ("(lambda: 1)()", "may be called"),
    ("user.__class__", "Only fields of doc"),
    ("roles.append('System Manager')", "may be called"),
    ("doc.title +", "not valid Python at position"),
    ("(" * 30 + "1" + ")" * 30, "nested too deeply"),
    ("not " * 40 + "True", "nested too deeply"),
    ("x" * 600, "at most 500 characters"),
    ("eval('1')", "may be called"),
    ("9 ** 9 ** 9 > doc.amount", "exponent must be a number up to 64"),
    ("2 ** doc.amount > 1", "exponent must be a number up to 64"),
    ("getattr(doc, 'x')", "may be called"),
    ("doc.amount if True else exec('1')", "may be called"),
]


@pytest.mark.parametrize(("condition", "why"), UNSAFE)
def test_unsafe_conditions_refused_at_save(people: Any, condition: str, why: str) -> None:
    workflow = smooth.get_doc("Workflow", "Expense Approval")
    workflow.transitions[0].condition = condition
    with pytest.raises(smooth.ValidationError, match=why):
        workflow.save()


def test_huge_exponentiation_refused_at_evaluation(people: Any) -> None:
    workflow = smooth.get_doc("Workflow", "Expense Approval")
    workflow.transitions[0].condition = "doc.amount * 10 ** 18 * 10 ** 18 > 1"
    workflow.save()  # it parses; evaluating it is refused, never computed
    doc = new_expense(CLERK)
    smooth.set_user(BOSS)
    with pytest.raises(smooth.ValidationError, match="The number is too large"):
        get_transitions(smooth.get_doc(DOCTYPE, doc.name))


def test_condition_names_user_roles_and_dates(people: Any) -> None:
    workflow = smooth.get_doc("Workflow", "Expense Approval")
    workflow.transitions[0].condition = (
        "(doc.approver == user or 'System Manager' in roles) and add_days(today(), 1) > today() "
        "and get_datetime(doc.creation) <= now_datetime()")
    workflow.save()
    doc = new_expense(CLERK)
    smooth.db.set_value(DOCTYPE, doc.name, "approver", OTHER_BOSS)
    assert actions_of(doc, BOSS) == ["Reject"]
    assert actions_of(doc, OTHER_BOSS) == ["Approve", "Reject"]


def test_email_alert_queues_a_mail_to_who_can_act(people: Any) -> None:
    workflow = smooth.get_doc("Workflow", "Expense Approval")
    workflow.send_email_alert = 1
    workflow.save()
    doc = new_expense(CLERK)
    mails = smooth.get_all("Email Queue", filters={"reference_doctype": DOCTYPE, "reference_name": doc.name},
                           fields=["name", "subject"])
    assert len(mails) == 1 and mails[0]["subject"] == f"{DOCTYPE} {doc.name} is Draft: your action is needed"
    recipients = smooth.get_doc("Email Queue", mails[0]["name"]).recipients
    assert {r.recipient for r in recipients} == {BOSS, OTHER_BOSS}


GERMAN = pytest.mark.parametrize("test_site", ["sqlite"], indirect=True)  # no dialect in a translation


@GERMAN
def test_the_action_mail_goes_out_in_each_recipient_s_language(people: Any) -> None:
    """One mail per language: the German approver reads German, the English one English."""
    smooth.db.set_value("User", BOSS, "language", "de")
    workflow = smooth.get_doc("Workflow", "Expense Approval")
    workflow.send_email_alert = 1
    workflow.save()
    doc = new_expense(CLERK)
    mails = {}
    for name in smooth.get_all("Email Queue", filters={"reference_name": doc.name}, pluck="name"):
        mail = smooth.get_doc("Email Queue", name)
        mails[tuple(r.recipient for r in mail.recipients)] = mail
    assert set(mails) == {(BOSS,), (OTHER_BOSS,)}
    # the state's name is the site's data; "Draft" is also the core's docstatus name, which German translates
    assert mails[BOSS,].subject == f"{DOCTYPE} {doc.name} ist Entwurf: Ihre Aktion ist erforderlich"
    assert "<b>Entwurf</b>. Sie können ausführen: Approve, Reject." in mails[BOSS,].message_html
    assert mails[OTHER_BOSS,].subject == f"{DOCTYPE} {doc.name} is Draft: your action is needed"
    assert "<b>Draft</b>. You can take: Approve, Reject." in mails[OTHER_BOSS,].message_html


@GERMAN
def test_a_german_administrator_is_refused_in_german(people: Any) -> None:
    make_user("verwalter@example.com", "System Manager")
    smooth.db.set_value("User", "verwalter@example.com", "language", "de")
    smooth.set_user("verwalter@example.com")
    workflow = smooth.get_doc("Workflow", "Expense Approval")
    workflow.states[0].doc_status = "7"
    with pytest.raises(smooth.ValidationError,
                       match="^Dokumentzustände, Zeile 1: Der Dokumentstatus muss 0, 1 oder 2 sein$"):
        workflow.save()
    workflow.states = []
    with pytest.raises(smooth.ValidationError, match="^Ein Workflow braucht mindestens einen Zustand$"):
        workflow.save()


def test_a_save_skips_the_workflow_and_notification_handlers_of_a_doctype_without_them(ctx: Any) -> None:
    """The core's "*" handlers for workflows and notifications are `watching` (smooth.hooks): a save of a doctype
    with no active Workflow and no enabled Notification does not call them, and one created in the same
    transaction is seen at the next save, the handlers still in their hooks.py order."""
    def names(handlers: tuple[Any, ...]) -> list[str]:
        return [h.__name__ for h in handlers]

    plan = plan_of(smooth.get_doc({"doctype": DOCTYPE}))
    _defined, handlers, watched = plan.event("on_update")
    assert watched is not None
    assert names(handlers) == ["run_transition_method", "update_actions", "run_notifications"]
    assert live_handlers(watched) == ()
    for flag in ("in_install", "in_patch", "in_import"):  # then each handler decides for itself, as before
        setattr(smooth.flags, flag, True)
        try:
            assert live_handlers(watched) == handlers
        finally:
            setattr(smooth.flags, flag, False)
    smooth.get_doc({"doctype": "Notification", "name": "Watched Expenses", "document_type": DOCTYPE,
                    "event": "Save", "subject": "Saved", "recipients": [{"receiver_by_role": "System Manager"}]}
                   ).insert()
    assert names(live_handlers(watched)) == ["run_notifications"]
    make_workflow()
    assert names(live_handlers(watched)) == names(handlers)
    _defined, on_trash, unwatched = plan.event("on_trash")
    assert unwatched is None and "delete_attachments" in names(on_trash)  # not watching: always run
