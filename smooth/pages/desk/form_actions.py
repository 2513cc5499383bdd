"""The buttons of a form's action bar, computed per document and viewer.

`form_actions` is the one place that decides them: the standard ones (save, submit, cancel,
duplicate, rename, delete) from the doctype's metadata and the viewer's rights, the transitions
of the doctype's active workflow (`workflow_actions`), and buttons a doctype contributes in
`<snake_name>_form.json` beside its JSON, so the template never needs to know where an action
comes from:

    lms_certificate_request_form.json
    {"buttons": [{"label": "Issue Certificate", "method": "smooth_lms.certificates.issue_from_request",
                  "condition": "eval:doc.status=='Completed'", "roles": ["Moderator", "Batch Evaluator"],
                  "primary": 1, "confirm": "Issue the certificate?"}]}

A button may ask for values first: `"args": [{"fieldname": "reason", "label": "Reason", "reqd": 1}]`
draws a text box per argument beside it (a button asking for more than one opens them in a small
panel), and the method receives them by name. An argument with
`"fieldtype": "Link", "options": "<DocType>"` is a choice among the records the viewer may read
(a select; past `LINK_CHOICES` records a text box suggesting the first ones), one with
`"fieldtype": "Check"` a checkbox (the method receives "1" when ticked, "" when not).

A button posts `action=button:<position>` to the form; the form view checks again that the
button is offered (condition, roles, read right), then calls the whitelisted `method` with the
document's `name`. A returned `{"redirect_to": url}` sends the browser there (a consent screen);
otherwise the answer is the form of the returned `{"doctype": ..., "name": ...}` (when the viewer may
read it), else of this document, saying what the button did: the method's own messages (msgprint,
with links from `smooth.get_link_to_form`), or a line naming the button and linking the record it
returned. A workflow action's answer names the state it moved the document to.
Conditions use the one expression grammar (`smooth.expressions`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from smooth.exceptions import PermissionError
from smooth.expressions import evaluate
from smooth.messages import _
from smooth.meta.doctype import Meta
from smooth.model import workflow
from smooth.model.document import Document
from smooth.model.listing import get_list
from smooth.pages.desk.cells import workflow_styles
from smooth.pages.desk.settings import view_settings
from smooth.permissions import get_roles, has_permission

BUTTON_PREFIX = "button:"
LINK_CHOICES = 200


@dataclass(frozen=True)
class ActionInput:
    """One value a button asks for: a text box, a choice among a Link's records, or a checkbox."""

    fieldname: str
    label: str
    required: bool = False
    fieldtype: str = "Data"
    choices: tuple[str, ...] = ()
    more: bool = False  # more records than choices: typed, with the choices suggested


@dataclass(frozen=True)
class FormAction:
    """One button. `method` "post" submits the action to the form's URL; "get" opens `href`."""

    key: str
    label: str
    method: str = "post"
    href: str = ""
    primary: bool = False
    danger: bool = False
    confirm: str = ""
    inputs: tuple[ActionInput, ...] = ()  # what the button asks for before it runs


def workflow_actions(meta: Meta, doc: Document) -> list[FormAction]:
    """The workflow transitions the viewer may take now, each a button posting `workflow:<action>`."""
    flow = workflow.get_workflow(meta.name)
    if flow is None or doc.is_new():
        return []
    actions: list[FormAction] = []
    styles = workflow_styles(flow)
    cancelling = {row.state for row in flow.states if str(row.doc_status or "0") == "2"}
    for transition in workflow.get_transitions(doc, workflow=flow):
        key = f"workflow:{transition.action}"
        if any(a.key == key for a in actions):
            continue  # the same action offered by two rows (two roles) is one button
        danger = styles.get(transition.next_state) == "Danger" or transition.next_state in cancelling
        actions.append(FormAction(key, transition.action, primary=not danger and not any(a.primary for a in actions),
                                  danger=danger,
                                  confirm=f"{transition.action} {doc.name}? It moves to {transition.next_state}."))
    return actions


def _confirmed_first(action: FormAction, url: str) -> FormAction:
    """A destructive action that asks nothing opens its confirmation on the form (scripts or not) instead of posting."""
    if not action.danger or action.method != "post" or action.inputs:
        return action
    return replace(action, method="get", href=f"{url}?action={quote(action.key, safe='')}")


def _button_offered(meta: Meta, doc: Document, button: dict[str, Any]) -> bool:
    return has_permission(meta.name, "read", doc=doc) and _offered_to(button, set(get_roles()), doc.as_dict())


def _offered_to(button: dict[str, Any], roles: set[str], values: dict[str, Any]) -> bool:
    """Whether the viewer (with `roles`, who may read the document) is offered `button` on a document of `values`."""
    wanted = button.get("roles")
    if wanted and not set(wanted) & roles:
        return False
    condition = str(button.get("condition") or "")
    return not condition or evaluate(condition, values)


def doctype_buttons(meta: Meta) -> list[dict[str, Any]]:
    """The buttons `<snake_name>_form.json` declares (each with label and method)."""
    return list(view_settings(meta, "form").get("buttons") or [])


def action_input(arg: dict[str, Any]) -> ActionInput:
    fieldname, fieldtype = str(arg["fieldname"]), str(arg.get("fieldtype") or "Data")
    label, required = str(arg.get("label") or fieldname), bool(arg.get("reqd"))
    if fieldtype != "Link" or not arg.get("options"):
        return ActionInput(fieldname, label, required, "Check" if fieldtype == "Check" else "Data")
    try:
        names = get_list(str(arg["options"]), pluck="name", order_by="name asc", limit_page_length=LINK_CHOICES + 1)
    except PermissionError:
        names = []
    return ActionInput(fieldname, label, required, "Link", tuple(str(n) for n in names[:LINK_CHOICES]),
                       more=len(names) > LINK_CHOICES)


def button_actions(meta: Meta, doc: Document) -> list[FormAction]:
    """The doctype's own buttons whose condition holds for `doc` and whose roles the viewer has (the read
    right and the document's values asked once for all of them)."""
    buttons = doctype_buttons(meta)
    if not buttons or not has_permission(meta.name, "read", doc=doc):
        return []
    roles, values = set(get_roles()), doc.as_dict()
    return [FormAction(f"{BUTTON_PREFIX}{i}", str(b["label"]), primary=bool(b.get("primary")),
                       danger=bool(b.get("danger")), confirm=str(b.get("confirm") or ""),
                       inputs=tuple(action_input(a) for a in b.get("args") or []))
            for i, b in enumerate(buttons) if _offered_to(b, roles, values)]


def offered_button(meta: Meta, doc: Document, key: str) -> dict[str, Any]:
    """The button posted as `key`, refused unless it is offered on `doc` to this viewer right now."""
    position = key.removeprefix(BUTTON_PREFIX)
    buttons = doctype_buttons(meta)
    if not position.isdigit() or int(position) >= len(buttons) or not _button_offered(meta, doc,
                                                                                         buttons[int(position)]):
        raise PermissionError(_("Not permitted: this action is not available on this document"))
    return buttons[int(position)]


def form_actions(meta: Meta, doc: Document, url: str, new_url: str) -> list[FormAction]:
    """The actions offered on `doc`'s form (a new document has none but save)."""
    if doc.is_new():
        return []
    actions: list[FormAction] = []
    status = int(doc.docstatus or 0)
    managed = workflow.get_workflow(meta.name) is not None  # its states submit and cancel
    if meta.is_submittable and not managed and status == 0 and has_permission(meta.name, "submit", doc=doc):
        actions.append(FormAction("submit", "Submit", primary=True,
                                  confirm=f"Submit {doc.name}? A submitted document can no longer be edited."))
    if meta.is_submittable and not managed and status == 1 and has_permission(meta.name, "cancel", doc=doc):
        actions.append(FormAction("cancel", "Cancel", danger=True, confirm=f"Cancel {doc.name}?"))
    actions += workflow_actions(meta, doc)
    actions += button_actions(meta, doc)
    if meta.issingle:
        return [_confirmed_first(a, url) for a in actions]
    if has_permission(meta.name, "create"):
        copy_url = f"{new_url}?duplicate={quote(str(doc.name), safe='')}"
        actions.append(FormAction("duplicate", "Duplicate", method="get", href=copy_url))
    if meta.allow_rename and has_permission(meta.name, "write", doc=doc):
        actions.append(FormAction("rename", "Rename", method="get", href=f"{url}?action=rename"))
    if status != 1 and has_permission(meta.name, "delete", doc=doc):
        actions.append(FormAction("delete", "Delete", method="get", href=f"{url}?action=delete", danger=True))
    return [_confirmed_first(a, url) for a in actions]
