"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and a site wired to it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.api.helpers import set_site_config
from tests.conftest import SiteHandle
from tests.jobs.conftest import empty_logs


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpSink:
    """The handler: accepts every recipient except those in `refuse` (550), keeps each message."""

    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    """aiosmtpd's Controller on a chosen port (port 0 does not work with it), restartable."""

    def __init__(self) -> None:
        self.port = free_port()
        self.sink = SmtpSink()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_site(site: SiteHandle, smtp_server: SmtpServer) -> Iterator[SiteHandle]:
    """The clean test site sending through the sink (jobs inline: no redis_queue)."""
    set_site_config(site, redis_queue=None, mail_server="127.0.0.1", mail_port=smtp_server.port,
                    auto_email_id="noreply@smooth.test")
    empty_logs(site)
    yield site
    set_site_config(site, mail_server=None, mail_port=None, auto_email_id=None)
    empty_logs(site)
