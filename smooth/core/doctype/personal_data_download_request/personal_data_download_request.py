"""Personal Data Download Request (Frappe's doctype): a person asks for a copy of their data.

Inserting one queues `prepare` (smooth.enqueue: a worker, or in-process after the commit on the embedded
default), which zips what the apps' `user_data_fields` find (smooth/core/personal_data/archive.py), stores it
as a private File owned by the person and attached here, and mails them a link to the page that serves it.
The File's rights are the request's: the person (its owner) and System Managers; each download is in the
Access Log (`track_views`). One request at a time is being prepared per person.
"""

from __future__ import annotations

from markupsafe import escape

from smooth.context import session_user
from smooth.core.personal_data.archive import build_zip
from smooth.email.queue import sendmail
from smooth.exceptions import PermissionError, TooManyRequestsError, ValidationError
from smooth.i18n.language import override, user_language
from smooth.jobs.enqueue import enqueue
from smooth.messages import _
from smooth.model.database_api import document_db
from smooth.model.document import Document
from smooth.model.records import get_doc
from smooth.permissions import get_roles
from smooth.urls import get_url

DOCTYPE = "Personal Data Download Request"
PENDING, READY, FAILED = "Pending", "Ready", "Failed"
PAGE = "/personal-data"
NOT_A_PERSON = ("Administrator", "Guest")


def requested_for(user: str | None) -> str:
    """Whose data a request may name: the caller's own; another user's only for a System Manager."""
    me = session_user()
    if user is not None and not isinstance(user, str):
        raise ValidationError(_("The user of a personal data request is a user name (their email)"))
    user = (user or "").strip()
    if not user:
        if me in NOT_A_PERSON:
            return ""  # nobody to default to: the mandatory check asks for the user
        user = me
    if me in NOT_A_PERSON and user == me:
        raise ValidationError(_("{0} is not a person whose data can be requested; log in as the person", me))
    if user != me and "System Manager" not in get_roles(me):
        raise PermissionError(_("Not permitted: you may only request your own data"))
    if user in NOT_A_PERSON:
        raise ValidationError(_("{0} is not a person whose data can be requested", user))
    return user


def requester(user: str | None) -> tuple[str, str]:
    """`requested_for(user)` and that user's full name (a request's `user_name`)."""
    user = requested_for(user)
    if not user:
        return "", ""
    return user, str(document_db().get_value("User", user, "full_name") or user)


class PersonalDataDownloadRequest(Document):
    user: str | None

    def validate(self) -> None:
        if not self.is_new():
            return
        self.user, self.user_name = requester(self.user)
        self.status = PENDING
        self.data_file = None
        if document_db().exists(DOCTYPE, {"user": self.user, "status": PENDING}):
            raise TooManyRequestsError(_("A copy of your data is already being prepared: wait for its mail before "
                                         "asking again"))

    def after_insert(self) -> None:
        enqueue(prepare, queue="long", job_id=f"personal-data-download-{self.name}", deduplicate=True,
                request=self.name)


def prepare(request: str) -> None:
    """The job: the zip, stored and attached, and the mail. A failure is kept on the request (status Failed)
    so the person can ask again."""
    doc = get_doc(DOCTYPE, request)
    if doc.status != PENDING:
        return
    try:
        with document_db().savepoint():
            content = build_zip(doc.user)
            stored = get_doc({"doctype": "File", "file_name": f"personal-data-{doc.name}.zip", "is_private": 1,
                              "attached_to_doctype": DOCTYPE, "attached_to_name": doc.name,
                              "attached_to_field": "data_file"})
            stored.content = content
            stored.flags.ignore_file_size = True  # the site's upload limit does not cap what a person is owed
            stored.insert(ignore_permissions=True)
            document_db().set_value("File", stored.name, "owner", doc.user, update_modified=False)
    except Exception as exc:  # any failure (a PDF that would not render, storage out of reach) is kept on the request
        document_db().set_value(DOCTYPE, doc.name, {"status": FAILED, "error": str(exc)[:1000]})
        return
    document_db().set_value(DOCTYPE, doc.name, {"status": READY, "data_file": stored.file_url, "error": None})
    link = get_url(PAGE)
    with override(user_language(str(doc.user))):  # in the person's language
        subject, ready = _("Your data is ready to download"), _("The copy of your data you asked for ({0}) is ready.",
                                                                doc.name)
        download = _("Download it from your account (you will be asked to log in):")
    sendmail(doc.user, subject=subject,
             message=f'<p>{escape(ready)}</p><p>{escape(download)} <a href="{link}">{escape(link)}</a></p>',
             reference_doctype=DOCTYPE, reference_name=doc.name)
