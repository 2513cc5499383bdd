"""Workflow: states and transitions an admin configures for a doctype (Frappe's Workflow).

Checked when saved, so a broken workflow never reaches a document: the state field exists on
the doctype, every transition joins two of the workflow's states, each condition parses in
the safe Python grammar (the error names its position), an update_field is a field of the
doctype. Saving an active workflow deactivates the doctype's other active one, and every save
forgets the workflows read in this unit, so the next request works with the new rules.
"""

from __future__ import annotations

from smooth.context import db, local
from smooth.exceptions import ValidationError
from smooth.expressions import ExpressionError
from smooth.messages import _, msgprint
from smooth.model.database_api import document_db
from smooth.model.document import Document, get_controller
from smooth.model.workflow import clear_cache, transition_method
from smooth.python_expressions import check as check_condition


class Workflow(Document):
    def validate(self) -> None:
        registry = local().site.registry
        if self.document_type not in registry:
            raise ValidationError(_("{0!r} is not a DocType", self.document_type))
        meta = local().site.get_meta(self.document_type)
        if meta.istable or meta.issingle:
            raise ValidationError(_("{0} is a child table or a single and cannot have a workflow",
                                    _(self.document_type)))
        field = (self.workflow_state_field or "").strip()
        if not meta.has_field(field):
            raise ValidationError(_("Workflow State Field: {0} has no field {1!r}; add the field to the doctype "
                                    "first", _(self.document_type), field))
        if not self.states:
            raise ValidationError(_("A workflow needs at least one state"))
        states = [row.state for row in self.states]
        duplicates = sorted({s for s in states if states.count(s) > 1})
        if duplicates:
            raise ValidationError(_("Document States: {0} listed more than once", ", ".join(duplicates)))
        for row in self.states:
            if row.update_field and not meta.has_field(row.update_field):
                raise ValidationError(_("Document States row {0}: {1} has no field {2!r} to update",
                                        row.idx, _(self.document_type), row.update_field))
            if str(row.doc_status or "0") not in ("0", "1", "2"):
                raise ValidationError(_("Document States row {0}: Doc Status must be 0, 1 or 2", row.idx))
            if str(row.doc_status or "0") != "0" and not meta.is_submittable:
                raise ValidationError(_("Document States row {0}: {1} is not submittable, so every state's Doc "
                                        "Status must be 0", row.idx, _(self.document_type)))
        for row in self.transitions:
            for label, value in (("State", row.state), ("Next State", row.next_state)):
                if value not in states:
                    raise ValidationError(_("Transition Rules row {0}: {1} {2} is not one of the workflow's "
                                            "Document States", row.idx, _(label), value))
            if (row.method or "").strip():
                try:
                    transition_method(get_controller(local().site, self.document_type), row.method.strip())
                except ValidationError as exc:
                    raise ValidationError(_("Transition Rules row {0} ({1}): {2}", row.idx, row.action, exc)) from None
            if (row.condition or "").strip():
                try:
                    check_condition(row.condition)
                except ExpressionError as exc:
                    raise ValidationError(_("Transition Rules row {0} ({1}): {2}", row.idx, row.action, exc)) from None

    def on_update(self) -> None:
        if int(self.is_active or 0):
            others = db().get_all("Workflow", filters={"document_type": self.document_type, "is_active": 1,
                                                       "name": ["!=", self.name]}, pluck="name")
            for other in others:
                document_db().set_value("Workflow", other, {"is_active": 0}, update_modified=False)
                msgprint(_("Workflow {0} was deactivated: {1} has one active workflow, now {2}",
                           other, _(self.document_type), self.name))
        clear_cache()

    def on_trash(self) -> None:
        clear_cache()
