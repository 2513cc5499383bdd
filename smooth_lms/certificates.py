"""Certificates: issuing (by hand, by workflow, automatically), re-certification, revocation, verification.

One current certificate per member and course is the database's rule, not only this module's:
`valid_key` (member|course) has a unique index and is emptied when a certificate is revoked or
superseded. Issuing locks the member's User row first, so two clicks or two workers take turns
and the second finds the first's certificate; should anything slip past the lock, the unique
index refuses the duplicate and the caller gets the certificate that won.

A certificate number reads like `SMC-7KQ4-M9XD-2HPT`: 60 random bits in Crockford's base 32 (no
I, L, O or U to misread), so numbers cannot be guessed or walked through.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import smooth
from smooth import _
from smooth.exceptions import DuplicateEntryError
from smooth_lms import assignments, quizzes
from smooth_lms.permissions import is_staff

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ISSUERS = ("Batch Evaluator", "Moderator", "System Manager")
VALID, EXPIRED, REVOKED, SUPERSEDED = "Valid", "Expired", "Revoked", "Superseded"


def certificate_number() -> str:
    groups = ["".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3)]
    return "SMC-" + "-".join(groups)


def valid_key(member: str, course: str) -> str:
    return f"{member}|{course}"


def state(cert: Any, today: dt.date | None = None) -> str:
    """Valid, Expired, Revoked or Superseded (a re-certified one), as the verification page says it."""
    today = today or smooth.today()
    if cert.get("revoked"):
        return REVOKED
    if cert.get("superseded_by"):
        return SUPERSEDED
    expiry = cert.get("expiry_date")
    if expiry and (dt.date.fromisoformat(str(expiry)[:10]) if not isinstance(expiry, dt.date) else expiry) < today:
        return EXPIRED
    return VALID


def current(member: str, course: str) -> str | None:
    return smooth.db.get_value("LMS Certificate", {"valid_key": valid_key(member, course)}, "name")


def verification_number(name: str) -> str:
    return str(smooth.db.get_value("LMS Certificate", name, "certificate_number"))


def _valid_current(member: str, course: str, today: dt.date) -> dict[str, Any] | None:
    name = current(member, course)
    cert = smooth.db.get_value("LMS Certificate", name, ["certificate_number", "expiry_date", "revoked",
                                                         "superseded_by"], as_dict=True) if name else None
    return cert if cert and state(cert, today) == VALID else None


def why_no_booking(member: str, course: str, today: dt.date | None = None) -> str | None:
    """Why `member` may not book an evaluation of `course` while certified, or None when they may.

    A valid certificate that never expires leaves nothing to book; one that expires opens
    re-certification `recertification_window_days` (LMS Course) before its expiry date. The
    certification page shows this sentence and the request's controller refuses with it.
    """
    today = today or smooth.today()
    cert = _valid_current(member, course, today)
    if cert is None:
        return None
    if not cert["expiry_date"]:
        return smooth._("You hold a valid certificate for this course ({0}); it does not expire, so there is no "
                        "evaluation to book", cert["certificate_number"])
    expiry = smooth.getdate(cert["expiry_date"])
    window = smooth.db.get_value("LMS Course", course, "recertification_window_days")
    opens = expiry - dt.timedelta(days=int(30 if window is None else window))
    if today >= opens:
        return None
    return smooth._("You hold a valid certificate until {0} ({1}); re-certification opens on {2}",
                    smooth.strftime(expiry, "%d %B %Y"), cert["certificate_number"], smooth.strftime(opens, "%d %B %Y"))


def renewal_note(member: str, course: str, today: dt.date | None = None) -> str | None:
    """Inside the renewal window, what the booking is for: `Your certificate SMC-... expires on D ...`."""
    today = today or smooth.today()
    cert = _valid_current(member, course, today)
    if cert is None or not cert["expiry_date"] or why_no_booking(member, course, today):
        return None
    return smooth._("Your certificate {0} expires on {1}: book your re-certification evaluation before then",
                    cert["certificate_number"], smooth.strftime(smooth.getdate(cert["expiry_date"]), "%d %B %Y"))


def issue_certificate(member: str, course: str, evaluation: str | None = None, batch: str | None = None) -> Any:
    """The member's current certificate of `course`, issuing it first if needed (idempotent).

    A current certificate from the same evaluation (or any, when none is given) is returned as
    it is; an expired one, or a new passing evaluation, re-certifies: the new certificate links
    back (`supersedes`) and the old one forward (`superseded_by`), and stays as history.
    """
    quizzes.check_mandatory_quizzes(member, course)
    assignments.check_mandatory_assignments(member, course)
    smooth.db.get_value("User", member, "name", for_update=True)  # concurrent issues for a member take turns
    existing_name = current(member, course)
    existing = smooth.get_doc("LMS Certificate", existing_name) if existing_name else None
    if existing is not None and state(existing) == VALID and (not evaluation or existing.evaluation == evaluation):
        return existing
    settings = smooth.db.get_value("LMS Course", course, ["certificate_validity_months", "certificate_template"],
                                   as_dict=True) or {}
    today = smooth.today()
    months = int(settings.get("certificate_validity_months") or 0)
    if existing is not None:
        existing.valid_key = None
        existing.flags.superseding = True
        existing.save(ignore_permissions=True)
    cert = smooth.get_doc({
        "doctype": "LMS Certificate", "member": member, "course": course, "batch_name": batch,
        "evaluation": evaluation, "issue_date": today,
        "grade": smooth.db.get_value("LMS Certificate Evaluation", evaluation, "rubric_score") if evaluation else None,
        "expiry_date": smooth.add_months(today, months) if months else None,
        "template": settings.get("certificate_template"), "published": 1,
        "supersedes": existing.name if existing is not None else None})
    try:
        cert.insert(ignore_permissions=True)
    except DuplicateEntryError:
        winner = current(member, course)
        if winner:
            return smooth.get_doc("LMS Certificate", winner)
        raise
    if existing is not None:
        smooth.db.set_value("LMS Certificate", existing.name, "superseded_by", cert.name)
    if evaluation:
        smooth.db.set_value("LMS Certificate Evaluation", evaluation, "certificate", cert.name)
    return cert


def _require_issuer() -> None:
    user = smooth.session.user
    if not (is_staff(user) or "Batch Evaluator" in smooth.get_roles(user)):
        raise smooth.PermissionError(_("Only evaluators and Moderators can issue certificates"))


@smooth.whitelist(methods=["POST"])
def issue_from_evaluation(name: str) -> dict[str, Any]:
    """Issue (or return) the certificate a Pass evaluation earns."""
    _require_issuer()
    evaluation = smooth.get_doc("LMS Certificate Evaluation", name)
    evaluation.check_permission("read")
    if evaluation.status != "Pass":
        raise smooth.ValidationError(_("Evaluation {0} is {1}: only a Pass earns a certificate",
                                       name, _(evaluation.status)))
    if not is_staff(smooth.session.user) and evaluation.evaluator != smooth.session.user:
        raise smooth.PermissionError(_("Only the evaluator who passed the learner or a Moderator can issue this"))
    before = current(evaluation.member, evaluation.course)
    cert = issue_certificate(evaluation.member, evaluation.course, evaluation.name, evaluation.batch_name)
    request = evaluation.certificate_request
    if request and not smooth.db.get_value("LMS Certificate Request", request, "certificate"):
        smooth.db.set_value("LMS Certificate Request", request, "certificate", cert.name)  # its Issue goes away
    announce(cert, before)
    return {"doctype": "LMS Certificate", "name": cert.name, "certificate_number": cert.certificate_number}


@smooth.whitelist(methods=["POST"])
def issue_from_request(name: str) -> dict[str, Any]:
    """Issue the certificate of a Completed request (the REST door; the desk takes the workflow action)."""
    _require_issuer()
    request = smooth.get_doc("LMS Certificate Request", name)
    request.check_permission("read")
    if not is_staff(smooth.session.user) and request.evaluator != smooth.session.user:
        raise smooth.PermissionError(_("Only the request's evaluator or a Moderator can issue this certificate"))
    cert = certify_request(request)
    return {"doctype": "LMS Certificate", "name": cert.name, "certificate_number": cert.certificate_number}


def certify_request(request: Any) -> Any:
    """The certificate a Completed request earns (through its Pass evaluation when there is one), linked back
    on the request. Who may do this is the caller's business: the workflow's transition or issue_from_request."""
    if request.status != "Completed":
        raise smooth.ValidationError(_("Request {0} is {1}: complete it before issuing", request.name,
                                       _(request.status)))
    evaluation = smooth.db.get_value("LMS Certificate Evaluation", {"certificate_request": request.name},
                                     ["name", "status"], as_dict=True)
    if evaluation and evaluation["status"] != "Pass":
        raise smooth.ValidationError(_("The evaluation of {0} is {1}: only a Pass earns a certificate",
                                       request.name, _(evaluation['status'])))
    before = current(request.member, request.course)
    cert = issue_certificate(request.member, request.course, evaluation["name"] if evaluation else None,
                             request.batch_name)
    if request.certificate != cert.name:
        request.db_set("certificate", cert.name)
    announce(cert, before)
    return cert


def announce(cert: Any, before: str | None) -> None:
    """Tell the issuer what happened, with a link to the certificate (a second press finds the first)."""
    link = smooth.get_link_to_form("LMS Certificate", cert.name, cert.certificate_number or cert.name)
    smooth.msgprint(_("Certificate {0} issued", link) if cert.name != before else
                    _("Certificate {0} was already issued", link))


@smooth.whitelist(methods=["POST"])
def record_evaluation(name: str) -> dict[str, Any]:
    """The evaluation of request `name` (created on first use), for its evaluator to fill in."""
    found = smooth.db.get_value("LMS Certificate Evaluation", {"certificate_request": name}, "name")
    if found:
        return {"doctype": "LMS Certificate Evaluation", "name": found}
    doc = smooth.get_doc({"doctype": "LMS Certificate Evaluation", "certificate_request": name}).insert()
    return {"doctype": "LMS Certificate Evaluation", "name": doc.name}


@smooth.whitelist(methods=["POST"])
def revoke_certificate(name: str, reason: str | None = None) -> dict[str, Any]:
    if not is_staff(smooth.session.user):
        raise smooth.PermissionError(_("Only Moderators can revoke certificates"))
    reason = (reason or "").strip()
    if not reason:
        raise smooth.ValidationError(_("Give the reason for revoking the certificate"))
    cert = smooth.get_doc("LMS Certificate", name)
    cert.revoked, cert.revoked_on, cert.revoked_reason, cert.valid_key = 1, smooth.today(), reason, None
    cert.flags.revoking = True
    cert.save(ignore_permissions=True)
    smooth.msgprint(_("Certificate {0} revoked: its verification page says so", cert.certificate_number or cert.name))
    return {"doctype": "LMS Certificate", "name": cert.name}


def auto_issue(member: str, course: str) -> Any | None:
    """A course without evaluation certifies on its own: at 100% with mandatory quizzes passed, once ever.

    Not while records are imported: a migration carries the certificates the source issued.
    """
    if smooth.flags.in_import:
        return None
    settings = smooth.db.get_value("LMS Course", course, ["evaluation_required"], as_dict=True)
    if not settings or settings["evaluation_required"]:
        return None
    enrollment = smooth.db.get_value("LMS Enrollment", {"member": member, "course": course},
                                     ["progress", "batch"], as_dict=True) or {}
    if float(enrollment.get("progress") or 0) < 100:
        return None
    if enrollment.get("batch") and smooth.db.get_value("LMS Batch", enrollment["batch"], "evaluation_required"):
        return None
    if quizzes.missing_mandatory(member, course) or assignments.missing_mandatory(member, course):
        return None
    smooth.db.get_value("User", member, "name", for_update=True)
    if smooth.db.exists("LMS Certificate", {"member": member, "course": course}):
        return None  # once: a revoked or expired certificate is not re-issued by itself
    return issue_certificate(member, course, batch=enrollment.get("batch"))


def verification(number: str) -> dict[str, Any]:
    """What /verify/<number> shows: the state and, for a known number, holder, course and dates."""
    row = smooth.db.get_value("LMS Certificate", {"certificate_number": (number or "").strip().upper()[:32]},
                              ["name", "certificate_number", "member_name", "member", "course", "course_title",
                               "issue_date", "expiry_date", "revoked", "revoked_on", "superseded_by", "published"],
                              as_dict=True)
    if not row or not row["published"]:
        return {"state": "Unknown", "number": number}
    return {**row, "state": state(row), "holder": row["member_name"] or row["member"]}


def my_certificates(member: str) -> list[dict[str, Any]]:
    rows = smooth.get_all("LMS Certificate", filters={"member": member},
                          fields=["name", "certificate_number", "course", "course_title", "issue_date", "expiry_date",
                                  "revoked", "superseded_by", "published"], order_by="issue_date desc, creation desc")
    return [{**r, "state": state(r)} for r in rows]
