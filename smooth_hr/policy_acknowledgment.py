"""Policy acknowledgments: a typed-name e-signature, recorded and rendered into a PDF kept on the employee file.

The signature is the new hire's full name typed as HR has it (case and spacing aside), with the time, the
IP address it came from and the SHA-256 of exactly what was signed: the policy file's bytes when the
policy is a file, else its text (UTF-8). The PDF goes through the Print Format "Policy Acknowledgment"
(HR may restyle it in the desk) and wkhtmltopdf like every other print, and is filed as a private
Employee Document of the type "Policy Acknowledgment", so the record survives any later edit of the policy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import asdict, dataclass
from typing import Any

from markupsafe import Markup

import smooth
from smooth import _

PRINT_FORMAT = "Policy Acknowledgment"
DOCUMENT_TYPE = "Policy Acknowledgment"


@dataclass(frozen=True)
class Signature:
    """What the PDF and the activity row record about one signature."""

    policy: str
    signed_name: str
    signed_on: dt.datetime
    signed_ip: str
    policy_hash: str
    hashed: str  # what the hash covers, said in words


def same_name(typed: str, full_name: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(str(text or "").split()).casefold()
    return bool(norm(typed)) and norm(typed) == norm(full_name)


def policy_bytes(row: Any) -> tuple[bytes, str]:
    """The signed bytes and a phrase naming them: the policy file's content, else the policy text."""
    if row.policy_file:
        content = smooth.read_file(str(row.policy_file))
        if content is None:
            raise smooth.ValidationError(_("The policy file of {0} is not stored on this site: ask "
                                           "HR to attach it again", row.activity_name))
        return content, f"the policy file {str(row.policy_file).rsplit('/', 1)[-1]}"
    return (row.policy_text or "").encode("utf-8"), "the policy text (UTF-8)"


def policy_hash(row: Any) -> str:
    return hashlib.sha256(policy_bytes(row)[0]).hexdigest()


def check_signature(row: Any, employee_name: str, typed: str, agreed: bool) -> None:
    if int(row.completed or 0):
        raise smooth.ValidationError(_("You already signed {0} on {1}", row.activity_name, row.signed_on))
    if not agreed:
        raise smooth.ValidationError(_("Tick “I have read this policy and agree to it” to sign it"))
    if not (typed or "").strip():
        raise smooth.ValidationError(_("Type your full name to sign"))
    if not same_name(typed, employee_name):
        raise smooth.ValidationError(_("The signature must be your full name as on your employee record "
                                       "({0}); you typed “{1}”", employee_name, typed.strip()))


def sign(row: Any, employee_name: str, typed: str, ip: str) -> Signature:
    content, hashed = policy_bytes(row)
    return Signature(row.activity_name, " ".join(typed.split()), smooth.now_datetime().replace(microsecond=0),
                     ip or "unknown", hashlib.sha256(content).hexdigest(), hashed)


def policy_html(row: Any) -> Markup | None:
    """The policy text as safe markup (stored sanitised; cleaned again, as it is shown as markup)."""
    if not (row.policy_text or "").strip() or row.policy_file:
        return None
    return Markup(smooth.sanitize_html(row.policy_text))


def render_pdf(onboarding: Any, row: Any, signature: Signature) -> bytes:
    """The signed acknowledgment as a PDF, through the Print Format (the policy text is printed in it)."""
    ack = {**asdict(signature), "signed_on": signature.signed_on.strftime("%Y-%m-%d %H:%M:%S"),
           "policy_html": policy_html(row), "policy_file": re.sub(r"^.*/", "", str(row.policy_file or "")),
           "description": row.description}
    return smooth.get_print(doc=onboarding, print_format=PRINT_FORMAT, as_pdf=True, context={"ack": ack})


def ensure_document_type() -> str:
    """The Employee Document Type acknowledgments are filed as (made on first use: PDFs, no expiry)."""
    if not smooth.db.exists("Employee Document Type", DOCUMENT_TYPE):
        smooth.get_doc({"doctype": "Employee Document Type", "document_type": DOCUMENT_TYPE,
                        "default_validity_months": 0, "allowed_file_types": "pdf",
                        "description": "Signed policy acknowledgments from the onboarding portal"}).insert(
            ignore_permissions=True)
    return DOCUMENT_TYPE
