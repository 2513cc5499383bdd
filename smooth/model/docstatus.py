"""Docstatus rules: which moves are allowed (0->0, 0->1, 1->1, 1->2) and what may change after submit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smooth.exceptions import DocstatusTransitionError, UpdateAfterSubmitError, ValidationError
from smooth.messages import _, _lazy
from smooth.model.validation import row_label

if TYPE_CHECKING:
    from smooth.model.document import Document

ACTIONS = {0: "save", 1: "submit", 2: "cancel"}
_NAMES = {0: _lazy("Draft"), 1: _lazy("Submitted"), 2: _lazy("Cancelled")}


def transition(before: Document, doc: Document) -> str:
    """The save action a docstatus change means: save, submit, update_after_submit or cancel."""
    old, new = int(before.docstatus or 0), int(doc.docstatus or 0)
    if old == 0 and new in (0, 1):
        if new == 1 and not doc.meta.is_submittable:
            raise DocstatusTransitionError(_("{0} is not submittable", _(doc.doctype)))
        return ACTIONS[new]
    if old == 1 and new == 1:
        return "update_after_submit"
    if old == 1 and new == 2:
        return "cancel"
    if old == 2:
        raise DocstatusTransitionError(_("Cannot edit cancelled {0} {1}", _(doc.doctype), doc.name))
    raise DocstatusTransitionError(
        _("Cannot change the status of {0} {1} from {2} to {3}", _(doc.doctype), doc.name, _NAMES[old], _NAMES[new]))


def check_update_after_submit(doc: Document, before: Document) -> None:
    """Only allow_on_submit fields may change; a table not marked so keeps its rows as they were."""
    for field in doc.meta.value_fields:
        if field.allow_on_submit or field.fieldname in (doc.flags.workflow_fields or ()):
            continue
        if _comparable(before.get(field.fieldname)) != _comparable(doc.get(field.fieldname)):
            raise UpdateAfterSubmitError(
                _("{0}Not allowed to change {1} after submission of {2} {3}",
                  row_label(doc), _(field.label), _((doc.parent_doc or doc).doctype), (doc.parent_doc or doc).name))
    for table_field in doc.meta.table_fields:
        old_rows = {row.name: row for row in before.get(table_field.fieldname) or []}
        for row in doc.get(table_field.fieldname) or []:
            previous = old_rows.pop(row.name, None)
            if previous is not None:
                check_update_after_submit(row, previous)
            elif not table_field.allow_on_submit:
                raise UpdateAfterSubmitError(
                    _("Not allowed to add rows to {0} after submission of {1} {2}",
                      _(table_field.label), _(doc.doctype), doc.name))
        if old_rows and not table_field.allow_on_submit:
            raise UpdateAfterSubmitError(
                _("Not allowed to remove rows from {0} after submission of {1} {2}",
                  _(table_field.label), _(doc.doctype), doc.name))


def check_set_only_once(doc: Document, before: Document) -> None:
    """A `set_only_once` field keeps the value it was first given (Frappe's "Set Only Once")."""
    for field in doc.meta.value_fields:
        if not field.set_only_once:
            continue
        old = _comparable(before.get(field.fieldname))
        if old is not None and old != _comparable(doc.get(field.fieldname)):
            raise ValidationError(_("{0}{1} cannot be changed once it is set", row_label(doc), _(field.label)))


def _comparable(value: Any) -> Any:
    return None if value == "" else value
