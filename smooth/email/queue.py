"""The Email Queue: `sendmail` queues, `send_queued` delivers one row, `flush` retries what is due.

Delivery of a row: claim it (an UPDATE from Not Sent to Sending that only one process can
win), send outside any transaction, record the outcome per recipient. A temporary failure
(server down, 4xx) puts the row back to Not Sent with `send_after` pushed out (1, 2, 4, 8...
minutes) until `email_retry_limit` attempts (default 5) are spent; a permanent refusal (5xx)
marks the recipient Error with the server's reason while the others are sent. A row left in
Sending by a crashed sender is picked up again by `flush` after STALE_SENDING, with the same
Message-ID, so the receiving side can recognise a duplicate.

A templated mail that cannot be rendered does not raise into its sender: it is kept as an Error
row naming the template, field and line, every System Manager gets a desk notice (and a mail
where SMTP is configured), and the user whose request sent it is told the mail was not sent.
So one broken template never stops the other mails of the same event.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import logging
import mimetypes
import re
import smtplib
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any

from sqlalchemy import update

from smooth.context import local, now_datetime, unit_of_work
from smooth.email import smtp
from smooth.email.alerts import notify_system_managers
from smooth.email.rendering import html_to_text, render_template
from smooth.exceptions import ValidationError
from smooth.i18n import language
from smooth.jobs.enqueue import enqueue
from smooth.jobs.execute import opens_units
from smooth.messages import _, msgprint
from smooth.model.database_api import document_db
from smooth.model.naming import make_hash
from smooth.model.records import get_doc

log = logging.getLogger("smooth.email")
QUEUE = "Email Queue"
DEFAULT_RETRY_LIMIT = 5
STALE_SENDING = dt.timedelta(minutes=15)
FLUSH_BATCH = 500
MANY_CHUNK = 100  # mails sendmail_many renders before it inserts them
INLINE_ATTACHMENT_BYTES = 64 * 1024  # up to this, an attachment is kept in the queue row rather than as a File
NOT_RENDERED = "Not rendered: "
FLUSH_SECONDS = 200.0  # under the 4 minutes between two runs of the `all` event
_ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def split_list(value: str | Iterable[str] | None) -> list[str]:
    """The items of a list or of a comma/semicolon/newline separated string, stripped, empty ones dropped."""
    items = re.split(r"[,;\n]", value) if isinstance(value, str) else list(value or [])
    return [item for item in (str(i).strip() for i in items) if item]


def is_address(value: str) -> bool:
    return bool(_ADDRESS.match(value))


def split_addresses(value: str | Iterable[str] | None) -> list[str]:
    """Addresses from a list or a comma/semicolon separated string, de-duplicated, checked."""
    seen: list[str] = []
    for item in split_list(value):
        if not _ADDRESS.match(item):
            raise ValidationError(_("{0!r} is not a valid email address", item))
        if item.lower() not in (s.lower() for s in seen):
            seen.append(item)
    return seen


def switched_off_templates() -> set[str]:
    """The Email Templates this site does not send: the apps' built-in mails, each switched off by its name."""
    value = document_db().get_single_value("System Settings", "disabled_email_templates")
    return {line.strip() for line in str(value or "").splitlines() if line.strip()}


@dataclass
class _Mail:
    """A mail ready to queue: its addresses checked and its body rendered."""
    to: list[str]
    copies: list[str]
    subject: str
    markup: str
    text: str
    reference_doctype: str | None
    reference_name: str | None
    sender: str | None


def sendmail(recipients: str | Iterable[str], subject: str | None = None, template: str | None = None,
             args: dict[str, Any] | None = None, message: str | None = None,
             attachments: Sequence[dict[str, Any]] | None = None, reference_doctype: str | None = None,
             reference_name: str | None = None, now: bool = False, sender: str | None = None,
             cc: str | Iterable[str] | None = None) -> str:
    """Queue a mail (in the current transaction) and send it after commit; returns the Email Queue name.

    Either `template` (an Email Template, rendered with `args`) or `message` (HTML) gives the
    body. `attachments`: dicts with `fname` and `fcontent` (bytes or text), or `file` (a File
    name). `now=True` sends in this process right after commit, even when a worker queue exists.
    """
    mail = _prepared(split_addresses(recipients), subject, template, args, message, reference_doctype,
                     reference_name, sender, cc, switched_off_templates(), None)
    if not isinstance(mail, _Mail):
        return mail
    stored = [_stored_attachment(item) for item in attachments or ()]  # named first: the row goes in whole
    name = make_hash()
    values = _queue_values(mail)
    if stored:
        values["attachments"] = json.dumps([entry for entry, _item in stored], ensure_ascii=False)
    _insert_rows([(name, values, mail.to)])
    for entry, item in stored:
        if item is not None:
            _attach(name, str(entry), item)
    if smtp.settings(local().site.config) is not None:  # else it waits until SMTP is configured (bench doctor says so)
        if now:
            document_db().after_commit.add(send_queued, name)
        else:
            enqueue(send_queued, queue="short", job_id=f"email:{name}", deduplicate=True, name=name)
    return name


def sendmail_many(mails: Sequence[Mapping[str, Any]]) -> list[str]:
    """Queue many mails at once, each given as `sendmail`'s keyword arguments (not `attachments` or `now`);
    their Email Queue names, in order ("" for a switched-off template).

    For jobs that mail thousands (reminders): the recipients' languages are read in one query, the rows go
    in with a multi-row INSERT per table, and one job sends them all after commit, where `sendmail` costs
    three statements and a job a mail. A template that does not render is kept as its Error row, as there.
    """
    extra = {key for mail in mails for key in mail} - _MANY_KEYS
    if extra:
        raise ValidationError(_("sendmail_many does not take {0}: send such a mail with sendmail",
                                ', '.join(sorted(extra))))
    addresses = [split_addresses(mail.get("recipients")) for mail in mails]
    languages = language.user_languages(to[0] for to, mail in zip(addresses, mails, strict=True)
                                        if len(to) == 1 and mail.get("template"))
    switched_off = switched_off_templates()
    names: list[str] = []
    queued: list[tuple[str, _Mail]] = []
    first = ""  # the first queued mail's name: the sending job's id
    for to, mail in zip(addresses, mails, strict=True):
        prepared = _prepared(to, mail.get("subject"), mail.get("template"), mail.get("args"), mail.get("message"),
                             mail.get("reference_doctype"), mail.get("reference_name"), mail.get("sender"),
                             mail.get("cc"), switched_off, languages)
        if isinstance(prepared, _Mail):
            queued.append((make_hash(), prepared))
            names.append(queued[-1][0])
            first = first or queued[-1][0]
        else:
            names.append(prepared)
        if len(queued) == MANY_CHUNK:  # rendered bodies are the bulk of it: memory stays a chunk's
            _insert_queued(queued)
            queued = []
    _insert_queued(queued)
    if first and smtp.settings(local().site.config) is not None:
        enqueue(flush, queue="short", job_id=f"email:batch:{first}", deduplicate=True)
    return names


def _insert_queued(queued: list[tuple[str, _Mail]]) -> None:
    _insert_rows([(name, _queue_values(mail), mail.to) for name, mail in queued])


def _insert_rows(rows: list[tuple[str, dict[str, Any], list[str]]]) -> None:
    """Queue rows (name, values, recipients; all with the same value keys) and their recipients: a multi-row
    INSERT each, as Frappe writes its queue rows (no controller, hooks or versions: the queue has none)."""
    if not rows:
        return
    database = document_db()
    database.bulk_insert(QUEUE, ["name", *rows[0][1]], ([name, *values.values()] for name, values, _to in rows))
    database.bulk_insert("Email Queue Recipient", ["parent", "parenttype", "parentfield", "idx", "recipient"],
                         ([name, QUEUE, "recipients", idx, address] for name, _values, to in rows
                          for idx, address in enumerate(to, start=1)))


_MANY_KEYS = {"recipients", "subject", "template", "args", "message", "reference_doctype", "reference_name", "sender",
              "cc"}


def _prepared(to: list[str], subject: str | None, template: str | None, args: dict[str, Any] | None,
              message: str | None, reference_doctype: str | None, reference_name: str | None, sender: str | None,
              cc: str | Iterable[str] | None, switched_off: set[str], languages: Mapping[str, str] | None
              ) -> _Mail | str:
    """The mail rendered in its reader's language; else "" (its template is switched off) or the name of the
    Error row kept for a template that did not render. `languages`: the recipients' languages, read ahead."""
    copies = split_addresses(cc)
    if not to:
        raise ValidationError(_("An email needs at least one recipient"))
    if template and template in switched_off:
        log.info("not sent: Email Template %r is switched off in System Settings", template)
        return ""
    if template:
        # one recipient reads it in their language (a User's, else the site's); several, in the sender's
        reader = None
        if len(to) == 1:
            reader = languages[to[0]] if languages is not None else language.user_language(to[0])
        try:
            with language.override(reader):
                rendered = render_template(template, args or {})
        except ValidationError as exc:
            return _not_rendered(to, copies, template, exc.message, reference_doctype, reference_name)
        subject, markup, text = subject or rendered.subject, rendered.html, rendered.text
    elif message is not None:
        markup, text = message, html_to_text(message)
    else:
        raise ValidationError(_("sendmail needs a template or a message"))
    if not subject:
        raise ValidationError(_("An email needs a subject"))
    return _Mail(to, copies, subject, markup, text, reference_doctype, reference_name, sender)


def _queue_values(mail: _Mail, error: str | None = None) -> dict[str, Any]:
    """An Email Queue row's values (its recipients apart)."""
    return {
        "status": "Error" if error else "Not Sent", "subject": mail.subject[:255], "last_error": error,
        "sender": mail.sender or smtp.default_sender(local().site.config), "message_html": mail.markup,
        "message_text": mail.text, "cc": ", ".join(mail.copies) or None,
        "reference_doctype": mail.reference_doctype, "reference_name": mail.reference_name,
        "message_id": make_msgid(domain=local().site.name.split(":")[0] or "smooth.localhost"),
    }


def _not_rendered(to: list[str], copies: list[str], template: str, reason: str, reference_doctype: str | None,
                  reference_name: str | None) -> str:
    """Keep the unsent mail as an Error row, alert the System Managers, tell the user of this request."""
    error = f"{NOT_RENDERED}{reason}"
    mail = _Mail(to, copies, f"Not sent: Email Template {template!r} could not be rendered", "", "",
                 reference_doctype, reference_name, None)
    row = get_doc({"doctype": QUEUE, **_queue_values(mail, error),
                   "recipients": [{"recipient": address, "status": "Error", "error": error} for address in to]}
                  ).insert(ignore_permissions=True)
    addressees = ", ".join(to)

    def subject() -> str:
        if reference_doctype and reference_name:
            return _("An email to {0} about {1} {2} was not sent: Email Template {3!r} could not be rendered",
                     addressees, _(reference_doctype), reference_name, template)
        return _("An email to {0} was not sent: Email Template {1!r} could not be rendered", addressees, template)

    def details() -> str:
        return _("{0}\n\nMend the template in the desk (Email Template {1}); the unsent mail is Email Queue {2}.",
                 reason, template, row.name)

    def alert(addresses: list[str], title: str, text: str) -> None:
        sendmail(addresses, subject=title[:255], message=f"<p>{html.escape(text)}</p>".replace("\n", "<br>"),
                 reference_doctype=QUEUE, reference_name=str(row.name))

    with language.override(language.DEFAULT):
        log.error("%s (%s)", subject(), reason)
    notify_system_managers(subject, details, (QUEUE, str(row.name)),
                           mail=alert if smtp.settings(local().site.config) is not None else None)
    msgprint(_("The email to {0} was not sent: {1}. The site's System Managers have been told.", addressees, reason),
             title=_("Email not sent"), indicator="orange")
    return str(row.name)


def _stored_attachment(item: dict[str, Any]) -> tuple[str | dict[str, str], dict[str, Any] | None]:
    """How the queue row keeps an attachment, and the attachment still to store as a File under that name.

    A small one (a booking's .ics) goes into the row itself, as text when it is text, so a mail costs no File
    and no disk write and reads plainly in the desk; a larger one becomes a private File named in the row;
    `file` names a File that exists already."""
    if item.get("file"):
        return str(item["file"]), None
    if not item.get("fname") or item.get("fcontent") is None:
        raise ValidationError(_("An attachment needs fname and fcontent, or file (a File name)"))
    content = item["fcontent"]
    data = content.encode() if isinstance(content, str) else bytes(content)
    if len(data) <= INLINE_ATTACHMENT_BYTES:
        try:
            return {"fname": str(item["fname"]), "text": data.decode("utf-8")}, None
        except UnicodeDecodeError:
            return {"fname": str(item["fname"]), "base64": base64.b64encode(data).decode("ascii")}, None
    return make_hash(), item


def _attach(queue_name: str, name: str, item: dict[str, Any]) -> None:
    content = item["fcontent"]
    file = get_doc({"doctype": "File", "file_name": item["fname"], "is_private": 1,
                    "attached_to_doctype": QUEUE, "attached_to_name": queue_name})
    file.content = content.encode() if isinstance(content, str) else bytes(content)
    file.insert(ignore_permissions=True, ignore_links=True, set_name=name)  # the row it names was just inserted


def _claim(name: str) -> bool:
    """Move the row from Not Sent (or a stale Sending) to Sending; False when another sender has it."""
    table = local().site.table(QUEUE)
    stale = now_datetime() - STALE_SENDING
    with unit_of_work():
        claimable = (table.c.status == "Not Sent") | ((table.c.status == "Sending") & (table.c.modified < stale))
        statement = (update(table).where(table.c.name == name).where(claimable)
                     .values(status="Sending", attempts=table.c.attempts + 1, modified=now_datetime()))
        result: Any = document_db().execute(statement, write=True)
        return bool(result.rowcount)


def _attachments(row: dict[str, Any]) -> list[smtp.Attachment]:
    found = []
    for entry in json.loads(row.get("attachments") or "[]"):
        if isinstance(entry, dict):  # kept in the row (_stored_attachment)
            filename = str(entry["fname"])
            content = entry["text"].encode() if "text" in entry else base64.b64decode(entry["base64"])
        else:
            file = get_doc("File", entry)
            filename, content = str(file.file_name or entry), file.get_content()
        mime_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        found.append(smtp.Attachment(filename, content, mime_type))
    return found


@opens_units
def send_queued(name: str) -> str:
    """Deliver one queued mail (the job `sendmail` enqueues); returns the row's status afterwards."""
    site = local().site
    settings = smtp.settings(site.config)
    if settings is None:
        return "Not Sent"
    if not _claim(name):
        return str(document_db().get_value(QUEUE, name, "status") or "")
    with unit_of_work():
        row = get_doc(QUEUE, name)
        values = row.as_dict()
        pending = [r.recipient for r in row.recipients if r.status != "Sent"]
        files = _attachments(values)
    message = smtp.build_message(sender=values["sender"], recipients=pending, cc=split_addresses(values.get("cc")),
                                 subject=values["subject"], html=values["message_html"] or "",
                                 text=values["message_text"] or "", message_id=values["message_id"], attachments=files)
    try:
        refused = smtp.deliver(settings, message, pending + split_addresses(values.get("cc")))
    except smtplib.SMTPRecipientsRefused as exc:
        refused = {address: f"{code} {reason.decode(errors='replace')}" for address, (code, reason)
                   in exc.recipients.items()}
    except (smtplib.SMTPException, OSError) as exc:
        return _retry_later(name, int(values["attempts"] or 0), f"{type(exc).__name__}: {exc}")
    return _record_outcome(name, refused)


def _retry_limit() -> int:
    return int(local().site.config.get("email_retry_limit") or DEFAULT_RETRY_LIMIT)


def _retry_later(name: str, attempts: int, error: str) -> str:
    give_up = attempts >= _retry_limit()
    status = "Error" if give_up else "Not Sent"
    wait = dt.timedelta(minutes=2 ** max(0, attempts - 1))
    with unit_of_work():
        document_db().set_value(QUEUE, name, {"status": status, "last_error": error[:1000],
                                              "send_after": None if give_up else now_datetime() + wait})
    log.warning("email %s not sent (attempt %s): %s", name, attempts, error)
    return status


def _record_outcome(name: str, refused: dict[str, str]) -> str:
    with unit_of_work():
        row = get_doc(QUEUE, name)
        for recipient in row.recipients:
            if recipient.status == "Sent":
                continue
            reason = refused.get(recipient.recipient)
            recipient.status, recipient.error = ("Error", reason) if reason else ("Sent", None)
        errors = [r for r in row.recipients if r.status == "Error"]
        row.status = "Sent" if not errors else "Error" if len(errors) == len(row.recipients) else "Partially Errored"
        row.last_error = "; ".join(f"{r.recipient}: {r.error}" for r in errors) or None
        row.save(ignore_permissions=True)
        return str(row.status)


def _due(now: dt.datetime) -> list[str]:
    with unit_of_work():
        due = document_db().get_all(QUEUE, filters={"status": "Not Sent"}, or_filters=[
            ["send_after", "is", "not set"], ["send_after", "<=", now]], pluck="name", order_by="creation asc",
            limit_page_length=FLUSH_BATCH)
        stuck = document_db().get_all(QUEUE, filters={"status": "Sending", "modified": ["<", now - STALE_SENDING]},
                                      pluck="name", order_by="creation asc", limit_page_length=FLUSH_BATCH)
    return [*due, *stuck]


@opens_units
def flush(max_seconds: float = FLUSH_SECONDS) -> int:
    """Send every due row (new, waiting out a backoff, or stuck in Sending), batch after batch until
    none is left or `max_seconds` passed (the next run goes on); returns how many were tried."""
    if smtp.settings(local().site.config) is None:
        return 0
    started, tried = time.monotonic(), 0
    while True:
        batch = _due(now_datetime())
        for name in batch:
            try:
                send_queued(name)
            except Exception:
                log.exception("email %s: sending failed", name)
        tried += len(batch)
        if len(batch) < FLUSH_BATCH or time.monotonic() - started > max_seconds:
            return tried
