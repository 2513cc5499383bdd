"""Workflow Action: one user's to-do on a document waiting in a workflow state (Frappe's Workflow Action).

When a document enters a state (it is created, or a transition is taken), the open actions
of its previous state are closed (`Completed`, with who acted) and an `Open` one is made for
each user who may take a transition from the new state: the transition's role, read access to
the document, its condition and the self-approval rule. With the workflow's
`send_email_alert`, those users also get a mail through the email queue. Users see only their
own actions (a record rule), so the Workflow Action list is a personal to-do list. A state's
`send_email` (default on) and `next_action_email_template`, and a transition's
`send_email_to_creator`, shape that mail as in Frappe.
"""

from __future__ import annotations

import functools
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import Table, bindparam, select

from smooth.context import db, local, session_user
from smooth.email.queue import sendmail
from smooth.exceptions import ValidationError
from smooth.hooks import watching
from smooth.i18n import language
from smooth.messages import _
from smooth.model.document import Document, get_controller
from smooth.model.workflow import get_workflow, has_workflow, optional_states, owes_action, state_of
from smooth.permissions import get_roles, has_permission, remember_roles

SEE_ALL = "System Manager"


class WorkflowAction(Document):
    pass


def own_actions(user: str) -> Any:
    """permission_query_conditions: a user's own actions; System Managers see all."""
    if user == "Administrator" or SEE_ALL in get_roles(user):
        return None
    return {"user": user}


def users_with_roles(roles: set[str]) -> list[str]:
    """Enabled users holding one of `roles`; all their roles come in the same query, for the checks that follow.
    Kept by the site cache until a User or a role changes."""
    wanted = tuple(sorted(roles))
    found: dict[str, list[str]] = db().cached(("role holders", wanted), lambda: _holders(wanted))
    remember_roles(found)
    return sorted(found)


def _holders(roles: tuple[str, ...]) -> dict[str, list[str]]:
    rows = db().execute(_holders_with_roles(db().table("Has Role"), db().table("User")), {"roles": list(roles)})
    found: dict[str, list[str]] = {}
    for row in rows:
        if row.parent not in ("Administrator", "Guest"):
            found.setdefault(row.parent, []).append(row.role)
    return found


@functools.lru_cache(maxsize=16)
def _holders_with_roles(has_role: Table, user_table: Table) -> Any:
    """Built once per site's tables (the roles are bound), as every new document in a workflow asks."""
    holders = select(has_role.c.parent).where(has_role.c.parenttype == "User",
                                              has_role.c.role.in_(bindparam("roles", expanding=True)))
    return select(has_role.c.parent, has_role.c.role).join(user_table, user_table.c.name == has_role.c.parent).where(
        has_role.c.parenttype == "User", has_role.c.parent.in_(holders), user_table.c.enabled == 1)


def _can_act(doc: Document, user: str, workflow: Document, values: dict[str, Any]) -> bool:
    """A condition that fails to evaluate gives no to-do (taking the action reports the error)."""
    try:
        return owes_action(doc, user, workflow, values)
    except ValidationError:
        return False


@watching(has_workflow)
def update_actions(doc: Document, method: str | None = None) -> None:
    """doc_events "*" on_update/on_submit/on_cancel: refresh the to-dos when the document entered a state."""
    if doc.meta.istable or doc.meta.issingle or not (doc.flags.is_new or doc.flags.workflow_transition):
        return
    workflow = get_workflow(doc.doctype)
    if workflow is None:
        return
    if not doc.flags.is_new:  # a new document has no to-dos to close yet
        stored = db().table("Workflow Action")
        db().execute(stored.update().where(
            stored.c.reference_doctype == doc.doctype, stored.c.reference_name == doc.name,
            stored.c.status == "Open").values(status="Completed", completed_by=session_user()), write=True)
    state = state_of(doc, workflow)
    optional = optional_states(workflow)
    onward = [t for t in workflow.transitions if t.state == state and t.next_state not in optional]
    roles = {t.allowed for t in onward}
    values = doc.as_dict()  # once: every candidate is checked against the same values
    users = [u for u in users_with_roles(roles) if has_permission(doc.doctype, "read", doc=doc, user=u, values=values)
             and _can_act(doc, u, workflow, values)] if roles else []
    for user in users:
        action = get_controller(local().site, "Workflow Action")(
            {"doctype": "Workflow Action", "status": "Open", "reference_doctype": doc.doctype,
             "reference_name": doc.name, "workflow_state": state, "user": user})
        action.flags.ignore_permissions = True
        action.flags.ignore_links = True
        action.insert()
    _mail_next_actors(doc, workflow, state, onward, users)


def _mail_next_actors(doc: Document, workflow: Document, state: str, onward: list[Document],
                      users: list[str]) -> None:
    """Frappe's workflow mail: with `send_email_alert`, unless the state's `send_email` is off, the users who can
    act next (and the creator, for a transition with `send_email_to_creator`) get the state's
    `next_action_email_template`, or a standard mail."""
    row = next((r for r in workflow.states if r.state == state), None)
    if not int(workflow.send_email_alert or 0) or (row is not None and row.send_email is not None
                                                   and not int(row.send_email)):
        return
    recipients = list(users)
    if any(int(t.send_email_to_creator or 0) for t in onward) and doc.owner not in recipients \
            and doc.owner not in ("Administrator", "Guest"):
        recipients.append(doc.owner)
    if not recipients:
        return
    template = row.next_action_email_template if row is not None else None
    if template:
        sendmail(recipients, template=template, args={**doc.as_dict(), "doc": doc},
                 reference_doctype=doc.doctype, reference_name=str(doc.name))
        return
    for lang, group in language.group_by_language(recipients):  # one mail per language: each reads it in theirs
        with language.override(lang):
            actions = ", ".join(sorted({_(t.action) for t in onward}))
            sendmail(group, subject=_("{0} {1} is {2}: your action is needed", _(doc.doctype), doc.name, _(state)),
                     message=Markup("<p>{}</p>").format(escape(_("{0} {1} is now {2}. You can take: {3}.")).format(
                         _(doc.doctype), Markup("<b>{}</b>").format(doc.name), Markup("<b>{}</b>").format(_(state)),
                         actions)),
                     reference_doctype=doc.doctype, reference_name=str(doc.name))
