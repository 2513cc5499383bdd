"""Absolute links name the site's address (issue 20, defect 12): the certificate's "Verify at" text and
QR code, the learner's share link and what mails link to use site config `host_name`; without it a
request's own address, and outside any request http://<site name>.

SQLite only: URLs are built in Python, whatever the database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import segno

import smooth
from tests.api.helpers import Api, set_site_config
from tests.printing.test_certificate_pdf import certified


@pytest.fixture
def no_host_name(served: Api) -> Iterator[Api]:
    set_site_config(served.handle, host_name=None)
    yield served
    set_site_config(served.handle, host_name=None)


def _shown_links(api: Api, learner: str, cert: dict[str, str]) -> tuple[str, str]:
    """(the certificate's print view, the learner's My certificates page)."""
    printed = api.get("/printview", params={"doctype": "LMS Certificate", "name": cert["name"]}, user=learner)
    mine = api.get("/lms/certificates", user=learner)
    assert printed.status_code == 200 and mine.status_code == 200
    return printed.text, mine.text


def _qr(url: str) -> str:
    return segno.make(url, error="m").png_data_uri(scale=3, border=2)


def test_without_host_name_links_name_the_address_the_request_came_to(no_host_name: Api) -> None:
    learner, _, cert = certified(no_host_name)
    verify = f"{no_host_name.base_url}/verify/{cert['certificate_number']}"
    assert verify.startswith("http://127.0.0.1:")
    printed, mine = _shown_links(no_host_name, learner, cert)
    assert f"Verify at {verify}" in printed and _qr(verify) in printed
    assert verify in mine
    assert f"http://{no_host_name.handle.name}" not in printed + mine
    with no_host_name.handle.context():  # a job or a command: no request to take an address from
        assert smooth.get_url("/lms") == f"http://{no_host_name.handle.name}/lms"


def test_host_name_is_the_address_of_every_absolute_link(no_host_name: Api) -> None:
    set_site_config(no_host_name.handle, host_name="https://learn.example.com/")
    learner, _, cert = certified(no_host_name)
    verify = f"https://learn.example.com/verify/{cert['certificate_number']}"
    printed, mine = _shown_links(no_host_name, learner, cert)
    assert f"Verify at {verify}" in printed and _qr(verify) in printed
    assert verify in mine and no_host_name.base_url not in mine
    with no_host_name.handle.context():
        assert smooth.get_url("lms") == "https://learn.example.com/lms"
        assert smooth.get_url() == "https://learn.example.com"
