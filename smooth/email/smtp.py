"""The SMTP side: settings from site config, the MIME message, one delivery.

Site config: `mail_server`, `mail_port` (default 25, or 465 with `use_ssl`, 587 with
`use_tls`), `use_tls` (STARTTLS), `use_ssl`, `mail_login`, `mail_password`, `auto_email_id`
(the default sender).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

DEFAULT_SENDER = "notifications@localhost"
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class SmtpSettings:
    server: str
    port: int
    use_tls: bool
    use_ssl: bool
    login: str | None
    password: str | None


def settings(config: Mapping[str, Any]) -> SmtpSettings | None:
    """The site's SMTP settings, or None when no `mail_server` is configured (mails stay queued)."""
    server = config.get("mail_server")
    if not server:
        return None
    use_ssl, use_tls = bool(config.get("use_ssl")), bool(config.get("use_tls"))
    port = int(config.get("mail_port") or (465 if use_ssl else 587 if use_tls else 25))
    return SmtpSettings(str(server), port, use_tls, use_ssl, config.get("mail_login") or None,
                        config.get("mail_password") or None)


def default_sender(config: Mapping[str, Any]) -> str:
    return str(config.get("auto_email_id") or config.get("mail_login") or DEFAULT_SENDER)


@dataclass
class Attachment:
    filename: str
    content: bytes
    mime_type: str


def build_message(*, sender: str, recipients: Sequence[str], cc: Sequence[str], subject: str, html: str, text: str,
                  message_id: str, attachments: Sequence[Attachment] = ()) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, ", ".join(recipients), subject
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Message-ID"], message["Date"] = message_id, formatdate(localtime=True)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for item in attachments:
        maintype, _, subtype = item.mime_type.partition("/")
        params = {"method": "REQUEST"} if item.mime_type == "text/calendar" else {}
        message.add_attachment(item.content, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=item.filename, params=params)
    return message


def deliver(config: SmtpSettings, message: EmailMessage, recipients: Sequence[str]) -> dict[str, str]:
    """Send `message` to `recipients`; returns {recipient: reason} for those the server refused.

    Raises smtplib/OS errors when nothing could be sent (server down, every recipient refused).
    """
    connection: smtplib.SMTP
    if config.use_ssl:
        connection = smtplib.SMTP_SSL(config.server, config.port, timeout=TIMEOUT_SECONDS,
                                      context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(config.server, config.port, timeout=TIMEOUT_SECONDS)
    with connection:
        if config.use_tls and not config.use_ssl:
            connection.starttls(context=ssl.create_default_context())
        if config.login and config.password:
            connection.login(config.login, config.password)
        refused = connection.send_message(message, to_addrs=list(recipients))
    return {address: f"{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}"
            for address, (code, reason) in refused.items()}
