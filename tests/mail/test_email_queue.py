"""Email through the queue and a real SMTP server: delivered once, never lost."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading

import pytest
from sqlalchemy import event

import smooth
from smooth.email.queue import flush, send_queued
from tests.api.helpers import set_site_config
from tests.conftest import SiteHandle, make_user
from tests.jobs.conftest import empty_logs
from tests.mail.conftest import SmtpServer

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Smooth//Test//EN\r\nEND:VCALENDAR\r\n"


def _template() -> None:
    smooth.get_doc({"doctype": "Email Template", "name": "Test Booking",
                    "subject": "Booked: {{ course }} on {{ when }}",
                    "response_html": "<p>Hello {{ name }},</p><p>your evaluation of {{ course }} is booked.</p>"
                    }).insert()


def _queue_rows(handle: SiteHandle) -> list[dict]:
    with handle.context():
        return smooth.get_all("Email Queue", fields=["name", "status", "attempts", "last_error", "message_id"],
                              order_by="creation asc")


def test_a_templated_mail_is_queued_then_delivered_after_commit(mail_site: SiteHandle,
                                                                smtp_server: SmtpServer) -> None:
    with mail_site.context(), smooth.unit_of_work():
        _template()
        smooth.sendmail(["ada@example.com", "bob@example.com"], template="Test Booking",
                        args={"name": "Ada <b>", "course": "Safety & Health", "when": "Wed 3 Dec"},
                        attachments=[{"fname": "evaluation.ics", "fcontent": ICS}],
                        reference_doctype="Test Category", reference_name="x")
        assert smtp_server.sink.received == []  # nothing leaves before the commit
    (mail,) = smtp_server.sink.received
    assert mail.recipients == ["ada@example.com", "bob@example.com"]
    assert mail.message["Subject"] == "Booked: Safety & Health on Wed 3 Dec"
    assert mail.message["From"] == "noreply@smooth.test"
    html = mail.message.get_body(("html",)).get_content()
    assert "Hello Ada &lt;b&gt;," in html and "Safety &amp; Health" in html
    assert "Hello Ada <b>," in mail.message.get_body(("plain",)).get_content()
    (attachment,) = list(mail.message.iter_attachments())
    assert attachment.get_filename() == "evaluation.ics"
    assert attachment.get_content_type() == "text/calendar"
    (row,) = _queue_rows(mail_site)
    assert row["status"] == "Sent" and row["attempts"] == 1
    assert mail.message["Message-ID"] == row["message_id"]


def test_a_small_attachment_stays_in_the_row_and_a_large_one_becomes_a_private_file(
        mail_site: SiteHandle, smtp_server: SmtpServer) -> None:
    """A booking's .ics costs no File (the row keeps it, readable); a large or binary one is a private File."""
    large = bytes(range(256)) * 400  # 100 KiB of binary
    with mail_site.context(), smooth.unit_of_work():
        name = smooth.sendmail("ada@example.com", subject="Your evaluation", message="<p>booked</p>",
                               attachments=[{"fname": "evaluation.ics", "fcontent": ICS},
                                            {"fname": "logo.png", "fcontent": b"\x89PNG\r\n\x1a\n\x00"},
                                            {"fname": "report.pdf", "fcontent": large}])
    with mail_site.context():
        kept = json.loads(smooth.db.get_value("Email Queue", name, "attachments"))
        files = smooth.get_all("File", filters={"attached_to_doctype": "Email Queue", "attached_to_name": name},
                               fields=["name", "file_name", "is_private"])
    assert kept[0] == {"fname": "evaluation.ics", "text": ICS}
    assert kept[1]["fname"] == "logo.png" and base64.b64decode(kept[1]["base64"]) == b"\x89PNG\r\n\x1a\n\x00"
    assert [(f["name"], f["file_name"], f["is_private"]) for f in files] == [(kept[2], "report.pdf", 1)]
    (mail,) = smtp_server.sink.received
    delivered = {part.get_filename(): part.get_content() for part in mail.message.iter_attachments()}
    assert delivered["evaluation.ics"].replace("\r\n", "\n") == ICS.replace("\r\n", "\n")
    assert delivered["logo.png"] == b"\x89PNG\r\n\x1a\n\x00"
    assert delivered["report.pdf"] == large


def test_a_rolled_back_mail_is_never_queued_nor_sent(mail_site: SiteHandle, smtp_server: SmtpServer) -> None:
    with mail_site.context():
        with pytest.raises(smooth.ValidationError), smooth.unit_of_work():
            smooth.sendmail("ada@example.com", subject="Hi", message="<p>hi</p>")
            raise smooth.ValidationError("the booking failed")
    assert _queue_rows(mail_site) == [] and smtp_server.sink.received == []


def test_without_smtp_mails_wait_in_the_queue(site: SiteHandle) -> None:
    set_site_config(site, redis_queue=None, mail_server=None)
    empty_logs(site)
    with site.context(), smooth.unit_of_work():
        smooth.sendmail("ada@example.com", subject="Hi", message="<p>hi</p>")
    assert [r["status"] for r in _queue_rows(site)] == ["Not Sent"]
    empty_logs(site)


def test_a_mail_sent_while_smtp_is_down_arrives_once_after_it_is_back(mail_site: SiteHandle,
                                                                      smtp_server: SmtpServer) -> None:
    smtp_server.stop()
    with mail_site.context(), smooth.unit_of_work():
        smooth.sendmail("ada@example.com", subject="Your evaluation", message="<p>booked</p>")
    (row,) = _queue_rows(mail_site)
    assert row["status"] == "Not Sent" and row["attempts"] == 1
    assert "Connection refused" in row["last_error"] or "ConnectionRefusedError" in row["last_error"]
    with mail_site.context():
        assert flush() == 0  # waiting out its backoff: not due yet
        smooth.db.set_value("Email Queue", row["name"], "send_after", smooth.now_datetime() - dt.timedelta(seconds=1))
        smooth.db.commit()
    smtp_server.start()
    with mail_site.context():
        assert flush() == 1
        assert flush() == 0
    assert len(smtp_server.sink.received) == 1
    assert [r["status"] for r in _queue_rows(mail_site)] == ["Sent"]


def test_a_refused_recipient_is_an_error_with_the_reason_and_the_others_get_the_mail(
        mail_site: SiteHandle, smtp_server: SmtpServer) -> None:
    smtp_server.sink.refuse = {"gone@example.com"}
    with mail_site.context(), smooth.unit_of_work():
        name = smooth.sendmail(["ada@example.com", "gone@example.com"], subject="Hi", message="<p>hi</p>")
    (mail,) = smtp_server.sink.received
    assert mail.recipients == ["ada@example.com"]
    with mail_site.context():
        row = smooth.get_doc("Email Queue", name)
        assert row.status == "Partially Errored"
        states = {r.recipient: (r.status, r.error or "") for r in row.recipients}
    assert states["ada@example.com"] == ("Sent", "")
    assert states["gone@example.com"][0] == "Error" and "550" in states["gone@example.com"][1]
    assert "mailbox unavailable" in states["gone@example.com"][1]


def test_two_senders_racing_for_one_mail_deliver_it_once(mail_site: SiteHandle, smtp_server: SmtpServer) -> None:
    set_site_config(mail_site, mail_server=None)  # queue it without sending
    with mail_site.context(), smooth.unit_of_work():
        name = smooth.sendmail("ada@example.com", subject="Once", message="<p>once</p>")
    set_site_config(mail_site, mail_server="127.0.0.1")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        with mail_site.context():
            barrier.wait()
            outcomes.append(send_queued(name))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(smtp_server.sink.received) == 1
    assert "Sent" in outcomes


def test_template_errors_and_sandbox_escapes_are_refused(mail_site: SiteHandle) -> None:
    with mail_site.context():
        smooth.get_doc({"doctype": "Email Template", "name": "Sneaky", "subject": "x",
                        "response_html": "{{ ''.__class__.__mro__[1].__subclasses__() }}"}).insert()
        name = smooth.sendmail("ada@example.com", template="Sneaky")  # kept, not raised: other mails go on
        row = smooth.get_doc("Email Queue", name)
        assert row.status == "Error" and row.recipients[0].status == "Error"
        assert row.last_error.startswith("Not rendered: Email Template 'Sneaky', Response (HTML), line 1: ")
        assert "__class__" in row.last_error
        missing = smooth.get_doc("Email Queue", smooth.sendmail("ada@example.com", template="Missing"))
        assert "Email Template 'Missing' does not exist" in missing.last_error
        with pytest.raises(smooth.ValidationError, match="not a valid email address"):
            smooth.sendmail("not-an-address", subject="x", message="x")
        smooth.db.rollback()


def test_a_template_that_does_not_compile_is_refused_on_save_naming_field_and_line(mail_site: SiteHandle) -> None:
    with mail_site.context():
        with pytest.raises(smooth.ValidationError, match=r"Email Template 'Broken', Subject, line 1: unexpected end"):
            smooth.get_doc({"doctype": "Email Template", "name": "Broken", "subject": "Booked: {{ doc.course_title ",
                            "response_html": "<p>x</p>"}).insert()
        with pytest.raises(smooth.ValidationError, match=r"'Broken', Response \(HTML\), line 3: Encountered unknown"):
            smooth.get_doc({"doctype": "Email Template", "name": "Broken", "subject": "ok",
                            "response_html": "<p>\n\n{% endif %}"}).insert()
        smooth.db.rollback()


def test_many_mails_are_queued_in_a_few_statements_each_in_its_readers_language_and_all_delivered(
        mail_site: SiteHandle, smtp_server: SmtpServer) -> None:
    """`sendmail_many` (the compliance reminders' path): what `sendmail` does per mail, with the readers'
    languages read at once and the rows inserted at once, so thirty mails cost what three do."""
    with mail_site.context(), smooth.unit_of_work():
        smooth.get_doc({"doctype": "Email Template", "name": "Test Batch", "subject": "{{ _('Save') }}: {{ n }}",
                        "response_html": "<p>{{ _('Cancel') }} {{ n }}</p>"}).insert()
        make_user("greta@example.com")
        smooth.db.set_value("User", "greta@example.com", "language", "de")
    statements: list[str] = []
    with mail_site.context(), smooth.unit_of_work():
        engine = smooth.local.site.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            names = smooth.sendmail_many(
                [{"recipients": "greta@example.com" if n % 2 else f"reader{n}@example.com", "template": "Test Batch",
                  "args": {"n": n}, "reference_doctype": "Test Category", "reference_name": "x"} for n in range(30)]
                + [{"recipients": ["ada@example.com", "bob@example.com"], "subject": "Hello", "message": "<p>hi</p>"}])
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        # the site's settings, the readers' languages, the template, and one INSERT per table
        assert len(statements) <= 6, statements
        assert [s.split("(")[0].strip() for s in statements if s.lstrip().upper().startswith("INSERT")] == [
            'INSERT INTO "tabEmail Queue"', 'INSERT INTO "tabEmail Queue Recipient"'] or mail_site.backend == "mariadb"
        assert len(set(names)) == 31 and all(len(name) == 10 for name in names)
        (missing,) = smooth.sendmail_many([{"recipients": "ada@example.com", "template": "Missing"}])
        row = smooth.get_doc("Email Queue", missing)
        assert row.status == "Error" and "Email Template 'Missing' does not exist" in row.last_error
        with pytest.raises(smooth.ValidationError, match="sendmail_many does not take attachments, now"):
            smooth.sendmail_many([{"recipients": "ada@example.com", "message": "x", "now": True, "attachments": []}])
        row = smooth.get_doc("Email Queue", names[0])
        assert (row.status, row.reference_name, [r.recipient for r in row.recipients]) == (
            "Not Sent", "x", ["reader0@example.com"])
    delivered = {(tuple(m.recipients), m.message["Subject"]) for m in smtp_server.sink.received}
    assert len(smtp_server.sink.received) == 31 + 1  # and the System Manager told of the missing template
    assert ("admin@example.com",) in {tuple(m.recipients) for m in smtp_server.sink.received}
    assert (("greta@example.com",), "Speichern: 1") in delivered and (("reader2@example.com",), "Save: 2") in delivered
    assert (("ada@example.com", "bob@example.com"), "Hello") in delivered
    assert {r["status"] for r in _queue_rows(mail_site) if r["name"] != missing} == {"Sent"}


@pytest.mark.parametrize("test_site", ["sqlite"], indirect=True)  # no dialect in a translation
def test_the_system_managers_are_told_of_an_unsent_mail_each_in_their_language(
        mail_site: SiteHandle, smtp_server: SmtpServer) -> None:
    with mail_site.context(), smooth.unit_of_work():
        make_user("leiterin@example.com", "System Manager")
        smooth.db.set_value("User", "leiterin@example.com", "language", "de")
    with mail_site.context(), smooth.unit_of_work():
        unsent = smooth.sendmail("ada@example.com", template="Missing")
    with mail_site.context(), smooth.unit_of_work():
        notices = dict(smooth.get_all("Notification Log", filters={"document_name": unsent},
                                      fields=["for_user", "subject"], as_list=True))
        smooth.db.delete("Notification Log", {"document_name": unsent})
    english = "An email to ada@example.com was not sent: Email Template 'Missing' could not be rendered"
    german = ("Eine E-Mail an ada@example.com wurde nicht gesendet: Die E-Mail-Vorlage 'Missing' konnte nicht "
              "erstellt werden")
    assert notices == {"Administrator": english, "leiterin@example.com": german}
    delivered = {tuple(m.recipients): m.message["Subject"] for m in smtp_server.sink.received}
    assert delivered == {("admin@example.com",): english, ("leiterin@example.com",): german}
