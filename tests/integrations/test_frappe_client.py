"""smooth.frappe_client against a loopback Frappe site (tests/lms/frappe_lms_fake.py): paging, documents, errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import smooth
from tests.lms.frappe_lms_fake import KEY, SECRET, FakeFrappeLMS, running


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeFrappeLMS]:
    with running({"User": [{"name": f"u{i}@example.com", "email": f"u{i}@example.com", "roles": [{"role": "A"}]}
                           for i in range(7)]}) as server:
        yield server


def test_pages_read_every_row_once_and_resume_from_a_start(fake: FakeFrappeLMS) -> None:
    site = smooth.frappe_client.FrappeSite(fake.url + "/", KEY, SECRET)
    pages = list(site.pages("User", fields=["name", "email"], page_length=3))
    assert [start for start, _rows in pages] == [0, 3, 6]
    assert [row["name"] for _start, rows in pages for row in rows] == [f"u{i}@example.com" for i in range(7)]
    assert [len(rows) for _start, rows in site.pages("User", start=6, page_length=3)] == [1]
    assert site.get_count("User") == 7
    assert "email" in site.get_fieldnames("User")
    assert site.get_doc("User", "u2@example.com")["roles"][0]["role"] == "A"
    roles = site.get_list("Has Role", fields=["parent", "role"], parent="User")
    assert len(roles) == 7 and roles[0]["parent"] == "u0@example.com"


def test_each_failure_says_what_to_do(fake: FakeFrappeLMS) -> None:
    with pytest.raises(smooth.frappe_client.RemoteAuthenticationError, match="refused the API key and secret"):
        smooth.frappe_client.FrappeSite(fake.url, KEY, "wrong").get_count("User")
    site = smooth.frappe_client.FrappeSite(fake.url, KEY, SECRET)
    with pytest.raises(smooth.frappe_client.RemoteNotFoundError):
        site.get_doc("User", "nobody@example.com")
    with pytest.raises(smooth.frappe_client.RemotePermissionError, match="System Manager"):
        site.get_list("Has Role")  # a child table without its parent: Frappe's 403
    with pytest.raises(smooth.frappe_client.RemoteSiteError, match="answered HTTP 417"):
        site.get_list("User", fields=["password_hash"])
    with pytest.raises(smooth.frappe_client.RemoteSiteError, match="Could not reach") as unreachable:
        smooth.frappe_client.FrappeSite("http://127.0.0.1:9", KEY, SECRET, timeout=2).get_count("User")
    assert unreachable.value.retryable
