"""Employee Document: the file cabinet. A document is never overwritten; a renewal supersedes it."""

from __future__ import annotations

import datetime as dt

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_hr.doctype.employee_document_type.employee_document_type import file_types

FIXED = ("employee", "document_type", "file", "issue_date", "reference_doctype", "reference_name", "supersedes")


class EmployeeDocument(Document):
    expiry_date: dt.date | None
    title: str | None

    def validate(self) -> None:
        if not self.document_type:
            return  # the mandatory check names the missing Document Type
        doc_type = smooth.get_doc("Employee Document Type", self.document_type)
        if not self.expiry_date and doc_type.default_validity_months and self.issue_date:
            self.expiry_date = smooth.add_months(self.issue_date, doc_type.default_validity_months)
        if self.expiry_date and self.issue_date and smooth.getdate(self.expiry_date) < smooth.getdate(self.issue_date):
            raise smooth.ValidationError(_("Expiry Date cannot be before Issue Date"))
        allowed = file_types(doc_type.allowed_file_types)
        extension = (self.file or "").rsplit("/", 1)[-1].rpartition(".")[2].lower()
        if allowed and self.file and extension not in allowed:
            raise smooth.ValidationError(_("{0} accepts {1} files, not '.{2}'",
                                           self.document_type, ', '.join(allowed), extension or _("(none)")))
        who = self.employee_name or smooth.db.get_value("Employee", self.employee, "employee_name") or self.employee
        self.title = self.title or f"{self.document_type}: {who}"
        before = self.get_doc_before_save()
        if before is not None:
            for field in FIXED:
                if str(self.get(field) or "") != str(before.get(field) or ""):
                    raise smooth.ValidationError(
                        _("{0} of a filed document cannot change: file a new document that supersedes this one, so "
                          "the history is kept", _(self.meta.get_label(field))))
        elif self.supersedes:
            self.validate_supersedes()

    def validate_supersedes(self) -> None:
        old = smooth.db.get_value("Employee Document", self.supersedes, ["employee", "superseded_by"], as_dict=True)
        if old is None:
            raise smooth.DoesNotExistError(_("Employee Document {0} not found", self.supersedes))
        if old["employee"] != self.employee:
            raise smooth.ValidationError(_("Employee Document {0} belongs to another employee", self.supersedes))
        if old["superseded_by"]:
            raise smooth.ValidationError(_("Employee Document {0} is already superseded by {1}",
                                           self.supersedes, old['superseded_by']))

    def after_insert(self) -> None:
        if self.supersedes:
            smooth.db.set_value("Employee Document", self.supersedes, "superseded_by", self.name)
