"""Personal Data Deletion Request (Frappe's doctype): a person asks for their data to be erased.

Pending Verification: the request mails the person a link with a one-time token (only its SHA-256 is kept);
opening it and pressing Confirm (a POST: a mail scanner's GET confirms nothing) moves it to Pending Approval.
An HR Manager or System Manager then approves (a job erases the person: smooth/core/personal_data/erasure.py,
and the steps are written below as the record of what was done: Deleted) or rejects it with a reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from markupsafe import escape

from smooth.context import now_datetime, session_user
from smooth.core.doctype.personal_data_download_request.personal_data_download_request import requester
from smooth.core.personal_data.erasure import erase
from smooth.email.queue import sendmail
from smooth.exceptions import DoesNotExistError, PermissionError, TooManyRequestsError, ValidationError
from smooth.i18n.language import override, user_language
from smooth.jobs.enqueue import enqueue
from smooth.messages import _
from smooth.model.database_api import document_db
from smooth.model.document import Document
from smooth.model.records import get_doc
from smooth.permissions import get_roles
from smooth.urls import get_url
from smooth.whitelist import whitelist

DOCTYPE = "Personal Data Deletion Request"
VERIFY, APPROVE, DELETED, REJECTED = "Pending Verification", "Pending Approval", "Deleted", "Rejected"
REVIEWERS = ("HR Manager", "System Manager")
CONFIRM_PAGE = "/personal-data/confirm"
LINK_VALID = dt.timedelta(days=3)  # an unconfirmed request older than this is void: its link expired


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PersonalDataDeletionRequest(Document):
    email: str | None

    def validate(self) -> None:
        if not self.is_new():
            return
        self.email, self.user_name = requester(self.email)
        self.status = VERIFY
        self.set("deletion_steps", [])
        self.anonymous_id = self.approved_by = self.approved_on = self.rejection_reason = None
        database = document_db()
        if database.exists(DOCTYPE, {"email": self.email, "status": APPROVE}) or database.exists(
                DOCTYPE, {"email": self.email, "status": VERIFY, "creation": [">", now_datetime() - LINK_VALID]}):
            raise TooManyRequestsError(_("A request to delete your data is already open: confirm it from the mail "
                                         "we sent, or wait for its review"))
        self.flags.token = secrets.token_urlsafe(32)
        self.verification_hash = _digest(self.flags.token)

    def after_insert(self) -> None:
        link = get_url(CONFIRM_PAGE + "?" + urlencode({"request": self.name, "token": self.flags.token}))
        with override(user_language(str(self.email))):  # in the person's language (theirs, else the site's)
            subject, asked = _("Confirm the deletion of your data"), _("You asked for your data to be deleted ({0}).",
                                                                      self.name)
            confirm_within = _("Confirm the request within {0} days with the link below. It then goes to review; once "
                               "approved, your account is closed and cannot be restored.", LINK_VALID.days)
            link_text = _("Confirm the request")
            ignore = _("If you did not ask for this, ignore this mail: nothing happens without the confirmation.")
        sendmail(str(self.email), subject=subject,
                 message=f"<p>{escape(asked)}</p><p>{escape(confirm_within)}</p>"
                         f'<p><a href="{link}">{escape(link_text)}</a></p><p>{escape(ignore)}</p>',
                 reference_doctype=DOCTYPE, reference_name=self.name, now=True)


def confirm(request: str, token: str) -> str:
    """The mailed link's POST: a Pending Verification request with a matching token, at most LINK_VALID old,
    moves to Pending Approval. A wrong, used or expired token is answered as an unknown request (nothing about
    the request is told); an expired request no longer blocks asking again."""
    if not isinstance(request, str) or not isinstance(token, str) or not request or not token:
        raise DoesNotExistError(_("This confirmation link is not valid"))
    row = document_db().get_value(DOCTYPE, {"name": request}, ["status", "verification_hash", "creation"],
                                  as_dict=True, order_by="")
    if row is None or row["status"] != VERIFY or not row["verification_hash"] \
            or not hmac.compare_digest(str(row["verification_hash"]), _digest(token)):
        raise DoesNotExistError(_("This confirmation link is not valid, or was already used"))
    if row["creation"] < now_datetime() - LINK_VALID:
        raise DoesNotExistError(_("This confirmation link has expired: ask again from My data"))
    document_db().set_value(DOCTYPE, request, {"status": APPROVE, "verification_hash": None})
    _tell_reviewers(request)
    return request


def _tell_reviewers(request: str) -> None:
    """A mail to each enabled HR and System Manager: a confirmed request waits for them. It names the request,
    not the person, so the reviewers' mail keeps nothing to erase later."""
    database = document_db()
    holders = set(database.get_all("Has Role", filters={"role": ["in", list(REVIEWERS)], "parenttype": "User"},
                                   pluck="parent", order_by=""))
    reviewers = database.get_all("User", filters={"name": ["in", sorted(holders) or [""]], "enabled": 1,
                                                  "user_type": "System User"}, pluck="name", order_by="name asc")
    link = get_url(f"/app/personal-data-deletion-request/{request}")
    for reviewer in reviewers:
        if reviewer != "Administrator":
            with override(user_language(reviewer)):
                subject = _("Deletion request {0} awaits your review", request)
                text = _("A person confirmed their request to delete their data: approve it to erase their data, "
                         "or reject it with a reason.")
                review = _("Review {0}", request)
            sendmail(reviewer, subject=subject, message=f'<p>{escape(text)} <a href="{link}">{escape(review)}</a></p>',
                     reference_doctype=DOCTYPE, reference_name=request)


def _reviewed(name: str) -> Document:
    if not set(REVIEWERS) & set(get_roles()):
        raise PermissionError(_("Not permitted: only an HR Manager or a System Manager reviews deletion requests"))
    if not isinstance(name, str) or not document_db().exists(DOCTYPE, name):
        raise DoesNotExistError(_("{0} {1} not found", _(DOCTYPE), name))
    doc = get_doc(DOCTYPE, name)
    doc.check_permission("write")
    if doc.status != APPROVE:
        raise ValidationError(_("{0} is {1}: only a confirmed request (Pending Approval) is reviewed",
                                name, doc.status))
    if doc.email == session_user():
        raise PermissionError(_("Not permitted: a reviewer cannot approve or reject their own deletion request"))
    return doc


@whitelist(methods=["POST"])
def approve(name: str) -> dict[str, str]:
    """Approve: the erasure runs as a job (in-process after the commit on the embedded default)."""
    doc = _reviewed(name)
    document_db().set_value(DOCTYPE, doc.name, {"approved_by": session_user(), "approved_on": now_datetime()})
    enqueue(run_erasure, queue="long", job_id=f"personal-data-deletion-{doc.name}", deduplicate=True,
            request=doc.name)
    return {"doctype": DOCTYPE, "name": doc.name}


@whitelist(methods=["POST"])
def reject(name: str, reason: str = "") -> dict[str, str]:
    doc = _reviewed(name)
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(_("Say why the request is rejected: the person is told"))
    document_db().set_value(DOCTYPE, doc.name, {"status": REJECTED, "rejection_reason": reason.strip()[:1000],
                                       "approved_by": session_user(), "approved_on": now_datetime()})
    with override(user_language(str(doc.email))):
        subject, text = _("Your request to delete your data was not approved"), _(
            "Your request {0} was not approved:", doc.name)
    sendmail(doc.email, subject=subject, message=f"<p>{escape(text)}</p><p>{escape(reason.strip())}</p>",
             reference_doctype=DOCTYPE, reference_name=doc.name)
    return {"doctype": DOCTYPE, "name": doc.name}


def run_erasure(request: str) -> None:
    """The job: erase the person and record each step on the request (one transaction: all or nothing)."""
    doc = get_doc(DOCTYPE, request)
    if doc.status != APPROVE or not doc.approved_by:
        return
    anonymous, steps = erase(doc.email)
    doc = get_doc(DOCTYPE, request)  # its `email` now names the anonymous user
    doc.status, doc.anonymous_id = DELETED, anonymous.label
    doc.user_name = anonymous.label
    doc.set("deletion_steps", [])
    for step in steps:
        doc.append("deletion_steps", step.as_row())
    doc.save(ignore_permissions=True)
