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
from smooth.messages import msgprint
from smooth.model.database_api import document_db
from smooth.model.document import Document, get_controller
from smooth.model.workflow import clear_cache, transition_method
from smooth.python_expressions import check as check_condition


class Workflow(Document):
    def validate(self) -> None:
        registry = local().site.registry
        if self.document_type not in registry:
            raise ValidationError(f"{self.document_type!r} is not a DocType")
        meta = local().site.get_meta(self.document_type)
        if meta.istable or meta.issingle:
            raise ValidationError(f"{self.document_type} is a child table or a single and cannot have a workflow")
        field = (self.workflow_state_field or "").strip()
        if not meta.has_field(field):
            raise ValidationError(f"Workflow State Field: {self.document_type} has no field {field!r}; "
                                  "add the field to the doctype first")
        if not self.states:
            raise ValidationError("A workflow needs at least one state")
        states = [row.state for row in self.states]
        duplicates = sorted({s for s in states if states.count(s) > 1})
        if duplicates:
            raise ValidationError(f"Document States: {', '.join(duplicates)} listed more than once")
        for row in self.states:
            if row.update_field and not meta.has_field(row.update_field):
                raise ValidationError(f"Document States row {row.idx}: {self.document_type} has no field "
                                      f"{row.update_field!r} to update")
            if str(row.doc_status or "0") not in ("0", "1", "2"):
                raise ValidationError(f"Document States row {row.idx}: Doc Status must be 0, 1 or 2")
            if str(row.doc_status or "0") != "0" and not meta.is_submittable:
                raise ValidationError(f"Document States row {row.idx}: {self.document_type} is not submittable, "
                                      "so every state's Doc Status must be 0")
        for row in self.transitions:
            for label, value in (("State", row.state), ("Next State", row.next_state)):
                if value not in states:
                    raise ValidationError(f"Transition Rules row {row.idx}: {label} {value} is not one of the "
                                          "workflow's Document States")
            if (row.method or "").strip():
                try:
                    transition_method(get_controller(local().site, self.document_type), row.method.strip())
                except ValidationError as exc:
                    raise ValidationError(f"Transition Rules row {row.idx} ({row.action}): {exc}") from None
            if (row.condition or "").strip():
                try:
                    check_condition(row.condition)
                except ExpressionError as exc:
                    raise ValidationError(f"Transition Rules row {row.idx} ({row.action}): {exc}") from None

    def on_update(self) -> None:
        if int(self.is_active or 0):
            others = db().get_all("Workflow", filters={"document_type": self.document_type, "is_active": 1,
                                                       "name": ["!=", self.name]}, pluck="name")
            for other in others:
                document_db().set_value("Workflow", other, {"is_active": 0}, update_modified=False)
                msgprint(f"Workflow {other} was deactivated: {self.document_type} has one active workflow, "
                         f"now {self.name}")
        clear_cache()

    def on_trash(self) -> None:
        clear_cache()
