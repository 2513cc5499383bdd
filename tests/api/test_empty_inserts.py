"""Empty and unknown values are a 417 naming the fields, for every doctype, never a 500 or 404 (issue 29, item 6).

Mandatory values and Links are checked before a controller's `validate` relies on them. App-level
behaviour with no dialect difference: SQLite only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import smooth
from tests.api.serving import running_server
from tests.conftest import SiteHandle
from tests.lms.conftest import clean, lms_site  # noqa: F401

ADMIN = {"X-Smooth-Test-User": "Administrator"}


@pytest.fixture(scope="module")
def served(lms_site: SiteHandle) -> Iterator[tuple[httpx.Client, list[Any]]]:  # noqa: F811
    clean(lms_site)
    with lms_site.context():
        metas = [m for m in smooth.local.site.registry if not m.istable and not m.issingle]
        key, secret = smooth.get_doc("User", "Administrator").generate_api_credentials()
        smooth.db.commit()
    with running_server(lms_site) as url, httpx.Client(base_url=url, timeout=30,
                                                       headers={"Authorization": f"token {key}:{secret}"}) as http:
        yield http, metas
    clean(lms_site)


def _missing(meta: Any) -> list[str]:
    """Labels of mandatory fields a `{}` leaves empty (no default)."""
    return [f.label for f in meta.value_fields if f.reqd and f.default in (None, "")] + \
        [t.label for t in meta.table_fields if t.reqd]


def test_an_empty_insert_of_every_doctype_is_a_417_naming_what_is_missing(
        served: tuple[httpx.Client, list[Any]]) -> None:
    http, metas = served
    for meta in metas:
        response = http.post(f"/api/resource/{meta.name}", json={})
        assert response.status_code < 500, f"{meta.name}: {response.text[:300]}"
        missing = _missing(meta)
        if not missing:
            continue
        assert response.status_code == 417, f"{meta.name}: {response.status_code} {response.text[:300]}"
        message = response.json()["exception"]
        if "value missing for" in message:  # a controller may fill some itself (a booking's member: the booker)
            named = message.split("value missing for ", 1)[1].split(", ")
            assert named and set(named) <= set(missing), f"{meta.name}: {message}"


@pytest.mark.parametrize("doctype", ["Employee Compliance", "Employee Document", "LMS Certificate Evaluation",
                                     "LMS Quiz Submission", "LMS Training Assignment"])
def test_empty_links_are_missing_values_and_unknown_ones_are_named(served: tuple[httpx.Client, list[Any]],
                                                                   doctype: str) -> None:
    http, metas = served
    meta = next(m for m in metas if m.name == doctype)
    links = [f for f in meta.value_fields if f.fieldtype == "Link" and f.reqd]
    empty = http.post(f"/api/resource/{doctype}", json={f.fieldname: "" for f in links})
    assert empty.status_code == 417 and empty.json()["exc_type"] == "MandatoryError", empty.text[:300]
    assert all(f.label in empty.json()["exception"] for f in links)
    unknown = http.post(f"/api/resource/{doctype}", json={f.fieldname: "no-such-record" for f in links})
    assert unknown.status_code == 417 and unknown.json()["exc_type"] == "LinkValidationError", unknown.text[:300]
