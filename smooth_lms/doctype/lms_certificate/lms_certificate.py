"""LMS Certificate: numbered, dated, revocable; `valid_key` lets the database keep one current per member+course."""

from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_lms import training_assignments
from smooth_lms.certificates import certificate_number, valid_key

FIXED = ("member", "course", "certificate_number", "issue_date", "evaluation")


class LMSCertificate(Document):
    certificate_number: str | None

    def autoname(self) -> None:
        self.certificate_number = self.certificate_number or certificate_number()
        self.name = self.certificate_number

    def before_insert(self) -> None:
        self.owner = self.member  # learners read their own certificates (if_owner)

    def after_insert(self) -> None:
        training_assignments.complete_assignments(self.member, self.course)  # a certificate is the course done

    def validate(self) -> None:
        if self.expiry_date and self.issue_date and str(self.expiry_date) < str(self.issue_date):
            raise smooth.ValidationError(_("Expiry Date cannot be before Issue Date"))
        before = self.get_doc_before_save()
        if before is not None:
            for field in FIXED:
                if str(self.get(field) or "") != str(before.get(field) or ""):
                    raise smooth.ValidationError(_("{0} of an issued certificate cannot change",
                                                   _(self.meta.get_label(field))))
            if before.revoked and not self.revoked:
                raise smooth.ValidationError(_("A revoked certificate stays revoked; issue a new one instead"))
            if self.revoked and not before.revoked and not self.flags.revoking:
                raise smooth.ValidationError(_("Revoke a certificate with its reason "
                                               "(smooth_lms.certificates.revoke_certificate)"))
        current = not (self.revoked or self.superseded_by or self.flags.superseding)
        self.valid_key = valid_key(self.member, self.course) if current else None
