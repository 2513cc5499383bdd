"""The buttons of a form's action bar, computed per document and viewer.

`form_actions` is the one place that decides them: the standard ones (save, submit, cancel,
duplicate, rename, delete) from the doctype's metadata and the viewer's rights, and the
transitions of the doctype's active workflow (`workflow_actions`), so the template never
needs to know where an action comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from smooth.meta.doctype import Meta
from smooth.model import workflow
from smooth.model.document import Document
from smooth.permissions import has_permission


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


def workflow_actions(meta: Meta, doc: Document) -> list[FormAction]:
    """The workflow transitions the viewer may take now, each a button posting `workflow:<action>`."""
    flow = workflow.get_workflow(meta.name)
    if flow is None or doc.is_new():
        return []
    actions: list[FormAction] = []
    for transition in workflow.get_transitions(doc, workflow=flow):
        key = f"workflow:{transition.action}"
        if any(a.key == key for a in actions):
            continue  # the same action offered by two rows (two roles) is one button
        actions.append(FormAction(key, transition.action, primary=not actions,
                                  confirm=f"{transition.action} {doc.name}? It moves to {transition.next_state}."))
    return actions


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
    if meta.issingle:
        return actions
    if has_permission(meta.name, "create"):
        copy_url = f"{new_url}?duplicate={quote(doc.name, safe='')}"
        actions.append(FormAction("duplicate", "Duplicate", method="get", href=copy_url))
    if meta.allow_rename and has_permission(meta.name, "write", doc=doc):
        actions.append(FormAction("rename", "Rename", method="get", href=f"{url}?action=rename"))
    if status != 1 and has_permission(meta.name, "delete", doc=doc):
        actions.append(FormAction("delete", "Delete", method="get", href=f"{url}?action=delete", danger=True))
    return actions
