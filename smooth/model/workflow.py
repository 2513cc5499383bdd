"""Workflows: the states a document moves through, and who may move it (Frappe's model.workflow).

A doctype has at most one active Workflow. Its state lives in `workflow_state_field`; each
Workflow Transition names a state, an action, the next state, the role allowed to take it, an
optional Python condition (`smooth.python_expressions`) and whether the document's creator may
take it (`allow_self_approval`). Every save of a document under a workflow passes
`validate_workflow` (a core `doc_events` hook): a state change must be a transition this user
may take, and otherwise the user needs the state's `allow_edit` role to change anything.
`apply_workflow` takes an action: the stored row is locked first, so of two users acting at
once one wins and the other is told the document moved on. The Version of that save names
the action (`workflow`: action, from, to).

The active workflow of a doctype, with its states and transitions, is kept by the site cache
(`smooth.site_cache`) until a Workflow is saved in any process, so an admin's edit applies from
the next transaction on everywhere and a booking reads no workflow table. The loaded Workflow is
shared: code reads it and never changes it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from smooth.context import db, local, now_datetime, session_user
from smooth.exceptions import (
    DocstatusTransitionError,
    PermissionError,
    TimestampMismatchError,
    ValidationError,
    WorkflowPermissionError,
    WorkflowTransitionError,
)
from smooth.expressions import ExpressionError
from smooth.hooks import watching
from smooth.messages import _, _lazy
from smooth.meta.coerce import to_datetime
from smooth.model.database_api import document_db
from smooth.model.document import Document, load_document
from smooth.model.listing import get_list
from smooth.permissions import get_roles, has_permission
from smooth.python_expressions import default_functions, frappe_functions
from smooth.python_expressions import evaluate as evaluate_condition
from smooth.whitelist import is_whitelisted, whitelist

ADMINISTRATOR = "Administrator"
_CACHE = "workflows"
# framework records that never run under a workflow (and are written while one is being applied)
UNMANAGED = frozenset({"Workflow", "Workflow State", "Workflow Action Master", "Workflow Action", "Version",
                       "Comment", "Email Queue", "Error Log", "Scheduled Job Log", "Job Outbox", "Patch Log",
                       "DocType"})


def condition_functions(now: Any = now_datetime) -> dict[str, Any]:
    """What a transition condition may call: Smooth's helpers, and Frappe's `frappe.utils.*` and read-only
    `frappe.db.get_value` / `get_list` (get_value reads past permissions, get_list respects them, as in Frappe)."""
    return {**default_functions(now), **frappe_functions(now),
            "frappe.db.get_value": _get_value, "frappe.db.get_list": _get_list}


def _get_value(doctype: str, filters: Any = None, fieldname: Any = "name", as_dict: bool = False,
               order_by: str | None = None) -> Any:
    return document_db().get_value(doctype, filters, fieldname, as_dict=as_dict, order_by=order_by)


def _get_list(doctype: str, filters: Any = None, fields: Any = None, order_by: str | None = None,
              limit: int = 20, pluck: str | None = None) -> list[Any]:
    return get_list(doctype, filters=filters, fields=fields, order_by=order_by, limit_page_length=min(int(limit), 100),
                    pluck=pluck)


END_OF_TIME = dt.datetime(9999, 12, 31)


def clear_cache(*_args: Any) -> None:
    """Forget the workflows read in this unit (a Workflow was saved or deleted)."""
    local().flags.__dict__.pop(_CACHE, None)


def get_workflow(doctype: str) -> Document | None:
    """The active Workflow of `doctype`, or None (none while installing; read once per unit of work)."""
    return None if local().flags.in_install else _stored_workflow(doctype)


def _stored_workflow(doctype: str) -> Document | None:
    cache: dict[str, Document | None] = local().flags.__dict__.setdefault(_CACHE, {})
    if doctype not in cache:
        cache[doctype] = None if doctype in UNMANAGED else db().cached(("workflow", doctype),
                                                                       lambda: _active_workflow(doctype))
    return cache[doctype]


def has_workflow(doctype: str) -> bool:
    """Whether `doctype` has an active Workflow: the workflow handlers below do nothing without one."""
    return _stored_workflow(doctype) is not None


def _active_workflow(doctype: str) -> Document | None:
    found = db().get_value("Workflow", {"document_type": doctype, "is_active": 1}, "name")
    return load_document("Workflow", found) if found else None


def state_of(doc: Document, workflow: Document) -> str:
    return doc.get(workflow.workflow_state_field) or workflow.states[0].state


def state_row(workflow: Document, state: str) -> Document:
    for row in workflow.states:
        if row.state == state:
            return row
    raise WorkflowTransitionError(_("{0} is not a state of the workflow {1}; update the workflow or the document",
                                    state, workflow.name))


def optional_states(workflow: Document) -> set[str]:
    """States nobody is required to move a document to (Cancelled, Rejected): no to-dos lead there."""
    return {row.state for row in workflow.states if int(row.is_optional_state or 0)}


def shows_state(workflow: Document, state: str | None = None) -> bool:
    """Whether lists and forms show the workflow state as the indicator: not with the workflow's "Don't Override
    Status", nor for a `state` whose row has its own ("avoid_status_override")."""
    if int(workflow.override_status or 0):
        return False
    return state is None or not any(row.state == state and int(row.avoid_status_override or 0)
                                    for row in workflow.states)


def _condition_holds(transition: Document, doc: Document, user: str, roles: list[str],
                     functions: dict[str, Any] | None = None, values: dict[str, Any] | None = None) -> bool:
    if not (transition.condition or "").strip():
        return True
    try:
        return evaluate_condition(transition.condition, doc.as_dict() if values is None else values,
                                  {"user": user, "roles": roles, "frappe.session.user": user},
                                  functions or condition_functions())
    except ExpressionError as exc:
        raise ValidationError(_("The condition of {0} in the workflow cannot be evaluated: {1}",
                                transition.action, exc)) \
            from None


def is_self_approval(doc: Document, transition: Document, user: str) -> bool:
    return not int(transition.allow_self_approval or 0) and doc.owner == user and user != ADMINISTRATOR


def get_transitions(doc: Document, user: str | None = None, workflow: Document | None = None) -> list[Document]:
    """The transitions `user` may take from the document's current state (role, condition, self-approval)."""
    workflow = workflow or get_workflow(doc.doctype)
    if workflow is None:
        return []
    user = user or session_user()
    roles = get_roles(user)
    current = state_of(doc, workflow)
    state_row(workflow, current)
    candidates = [t for t in workflow.transitions
                  if t.state == current and t.allowed in roles and not is_self_approval(doc, t, user)]
    values = doc.as_dict() if any((t.condition or "").strip() for t in candidates) else None
    return [t for t in candidates if _condition_holds(t, doc, user, roles, values=values)]


def owes_action(doc: Document, user: str, workflow: Document, values: dict[str, Any] | None = None) -> bool:
    """Whether `user` has a required transition (not into an optional state) from the current state, now or
    once time has passed: a to-do for an evaluation whose slot has not started yet is still their to-do.
    `values`: the document's `as_dict()`, when the caller asks this of many users."""
    roles = get_roles(user)
    current, optional = state_of(doc, workflow), optional_states(workflow)
    later = condition_functions(lambda: END_OF_TIME)
    values = doc.as_dict() if values is None else values
    return any(t.state == current and t.allowed in roles and t.next_state not in optional
               and not is_self_approval(doc, t, user)
               and (_condition_holds(t, doc, user, roles, values=values)
                    or _condition_holds(t, doc, user, roles, later, values))
               for t in workflow.transitions)


def may_edit(doc: Document, workflow: Document, user: str | None = None) -> bool:
    """Whether `user` holds the allow_edit role of the document's current state."""
    user = user or session_user()
    row = state_row(workflow, state_of(doc, workflow))
    return user == ADMINISTRATOR or not row.allow_edit or row.allow_edit in get_roles(user)


def state_styles(workflow: Document) -> dict[str, str]:
    """Each state's Workflow State style (Success, Danger, ...), for indicators."""
    states = tuple(row.state for row in workflow.states)
    rows = db().cached(("workflow state styles", states), lambda: tuple(db().get_all(
        "Workflow State", fields=["name", "style"], filters={"name": ["in", list(states)]}, as_list=True)))
    return {name: style or "" for name, style in rows}


def _refusal(doc: Document, workflow: Document, action: str | None, next_state: str | None, user: str) -> Exception:
    """Why `user` may not take `action` (or move to `next_state`) from the current state, as worded as possible."""
    current = state_of(doc, workflow)
    roles = get_roles(user)
    candidates = [t for t in workflow.transitions if t.state == current
                  and (t.action == action if action else t.next_state == next_state)]
    what = f"{action!r}" if action else f"a change of {workflow.workflow_state_field} from {current} to {next_state}"
    if not candidates:
        offered = ", ".join(sorted({t.action for t in workflow.transitions if t.state == current})) or "none"
        return WorkflowTransitionError(_("{0} is not a workflow action from {1} for {2} {3} (actions from {1}: {4})",
                                         what, current, _(doc.doctype), doc.name, offered))
    if not any(t.allowed in roles for t in candidates):
        needed = " or ".join(sorted({t.allowed for t in candidates}))
        return WorkflowPermissionError(_("Not permitted: {0} on {1} needs the role {2}", what, doc.name, needed))
    if all(is_self_approval(doc, t, user) for t in candidates if t.allowed in roles):
        return WorkflowPermissionError(_("Self approval is not allowed: {0} created {1}, so someone else must take "
                                         "{2}", user, doc.name, what))
    return WorkflowPermissionError(_("Not permitted: the condition of {0} does not hold for {1}", what, doc.name))


def find_transition(doc: Document, action: str, user: str, workflow: Document) -> Document:
    for transition in get_transitions(doc, user, workflow):
        if transition.action == action:
            return transition
    raise _refusal(doc, workflow, action, None, user)


# -- the save hook ---------------------------------------------------------------------------


@watching(has_workflow)
def validate_workflow(doc: Document, method: str | None = None) -> None:
    """doc_events "*" before_save/before_submit/...: state changes only by transitions; allow_edit per state."""
    if doc.meta.istable or doc.meta.issingle or doc.flags.ignore_workflow:
        return
    doc.flags.workflow_transition = None
    workflow = get_workflow(doc.doctype)
    if workflow is None:
        return
    field = workflow.workflow_state_field
    doc.flags.workflow_state_field = field
    doc.flags.workflow_fields = {field}  # a submitted document still moves through states (allow on submit)
    doc.flags.workflow_states = {row.state for row in workflow.states}
    user = session_user()
    before = doc.get_doc_before_save()
    first = workflow.states[0].state
    if not doc.get(field):
        doc.set(field, before.get(field) if before is not None and before.get(field) else first)
    current = before.get(field) if before is not None and before.get(field) else first
    target = doc.get(field)
    applied = doc.flags.workflow_action_taken
    if doc.is_new() or before is None:
        if target != first and applied is None:
            raise WorkflowTransitionError(_("A new {0} starts in the workflow state {1}, not {2}; take a workflow "
                                            "action after saving it", _(doc.doctype), first, target))
        return
    row = state_row(workflow, current)
    if target == current:
        if applied is not None and applied.state == current == applied.next_state:
            doc.flags.workflow_transition = applied  # an action that stays in its state (e.g. Issue Certificate)
            return
        if applied is None and not doc.flags.ignore_permissions and not may_edit(before, workflow, user):
            raise WorkflowPermissionError(_("Not permitted: in the state {0}, only {1} may edit {2} {3}",
                                            current, row.allow_edit, _(doc.doctype), doc.name))
        return
    if applied is not None and applied.state == current and applied.next_state == target:
        doc.flags.workflow_transition = applied
        update_field = state_row(workflow, target).update_field
        if update_field:
            doc.flags.workflow_fields = {field, update_field}
        return
    for transition in get_transitions(before, user, workflow):
        if transition.next_state == target:
            doc.flags.workflow_transition = transition
            _enter_state(doc, workflow, target)
            return
    raise _refusal(before, workflow, None, target, user)


def _enter_state(doc: Document, workflow: Document, state: str) -> None:
    row = state_row(workflow, state)
    if row.update_field:
        doc.flags.workflow_fields = {workflow.workflow_state_field, row.update_field}
        if not doc.meta.has_field(row.update_field):
            raise ValidationError(_("The workflow state {0} updates {1}, which is not a field of {2}",
                                    state, row.update_field, _(doc.doctype)))
        doc.set(row.update_field, row.update_value)


@watching(has_workflow)
def run_transition_method(doc: Document, method: str | None = None) -> None:
    """doc_events "*" on_update/on_submit/on_cancel: the transition's `method`, once it is saved."""
    transition = doc.flags.workflow_transition
    name = (transition.get("method") or "").strip() if transition is not None else ""
    if not name:
        return
    doc.flags.workflow_transition = None  # the method may save the document again
    try:
        transition_method(type(doc), name)(doc)
    finally:
        doc.flags.workflow_transition = transition


def transition_method(controller: type, name: str) -> Any:
    """The whitelisted controller method a transition runs; refused by name when it is not one."""
    found = getattr(controller, name, None) if name.isidentifier() and not name.startswith("_") else None
    if found is None or not callable(found) or not is_whitelisted(found):
        raise ValidationError(_("Run Method {0!r}: {1} has no whitelisted method of that name (a controller method "
                                "marked @smooth.whitelist())", name, controller.__name__))
    return found


# -- taking an action --------------------------------------------------------------------------


def apply_workflow(doc: Document, action: str) -> Document:
    """Take `action` on `doc` and save it. The save locks the stored row and refuses it when it is no
    longer the version `doc` was read at, so of two users acting at once one wins."""
    workflow = get_workflow(doc.doctype)
    if workflow is None:
        raise WorkflowTransitionError(_("{0} has no active workflow", _(doc.doctype)))
    user = session_user()
    if not has_permission(doc.doctype, "read", doc=doc):
        raise PermissionError(_("Not permitted: {0} may not read {1} {2}", user, _(doc.doctype), doc.name))
    if doc.get("modified") and not isinstance(doc.modified, dt.datetime):
        doc.__dict__["modified"] = to_datetime(doc.modified)
    doc._original_modified = doc.modified
    transition = find_transition(doc, action, user, workflow)
    next_row = state_row(workflow, transition.next_state)
    doc.set(workflow.workflow_state_field, transition.next_state)
    _enter_state(doc, workflow, transition.next_state)
    doc.flags.workflow_action_taken = transition
    old, new = int(doc.docstatus or 0), int(next_row.doc_status or 0)
    try:
        if (old, new) in ((0, 0), (1, 1)):
            doc.save()
        elif (old, new) == (0, 1):
            doc.submit()
        elif (old, new) == (1, 2):
            doc.cancel()
        else:
            raise DocstatusTransitionError(
                _("The workflow state {0} is {1}, which a {2} {3} cannot become",
                  next_row.state, _DOCSTATUS[new], _DOCSTATUS[old], _(doc.doctype)))
    except TimestampMismatchError:
        raise _conflict(doc.doctype, doc.name, action) from None
    finally:
        doc.flags.workflow_action_taken = None
    return doc


def _conflict(doctype: str, name: str, action: str) -> TimestampMismatchError:
    workflow = get_workflow(doctype)
    field = workflow.workflow_state_field if workflow is not None else "docstatus"
    now = db().get_value(doctype, name, [field, "modified_by", "modified"], as_dict=True) or {}
    return TimestampMismatchError(
        _("{0} {1} was changed by {2} at {3} (it is now {4}) while you were looking at it; reload it and check "
          "whether {5!r} is still needed",
          _(doctype), name, now.get('modified_by'), _stamp(now.get('modified')), now.get(field), action))


_DOCSTATUS = {0: _lazy("Draft"), 1: _lazy("Submitted"), 2: _lazy("Cancelled")}


def _stamp(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    return str(value or "")


# -- REST (frappe.model.workflow.*) ------------------------------------------------------------------


def _document_from(doc: Any, action: str = "") -> Document:
    data = json.loads(doc) if isinstance(doc, str) else doc
    if not isinstance(data, dict) or not data.get("doctype") or not data.get("name"):
        raise ValidationError(_("doc must be a document with its doctype and name"))
    loaded = load_document(str(data["doctype"]), str(data["name"]))
    if not has_permission(loaded.doctype, "read", doc=loaded):
        raise PermissionError(_("Not permitted: {0} may not read {1} {2}",
                                session_user(), _(loaded.doctype), loaded.name))
    if action and data.get("modified") and _stamp(to_datetime(data["modified"])) != _stamp(loaded.modified):
        raise _conflict(loaded.doctype, loaded.name, action)
    return loaded


@whitelist(methods=("GET", "POST"))
def get_transitions_api(doc: Any, workflow: Any = None, raise_exception: Any = None) -> list[dict[str, Any]]:
    """REST: the transitions the session user may take on the stored document."""
    loaded = _document_from(doc)
    return [{k: t.get(k) for k in ("state", "action", "next_state", "allowed", "allow_self_approval", "condition",
                                   "method")}
            for t in get_transitions(loaded)]


@whitelist(methods=("POST",))
def apply_workflow_api(doc: Any, action: str) -> dict[str, Any]:
    """REST: take `action`; `doc.modified`, when sent, must still be the stored one."""
    if not action:
        raise ValidationError(_("action is required"))
    return apply_workflow(_document_from(doc, str(action)), str(action)).as_dict(convert_dates_to_str=True)
