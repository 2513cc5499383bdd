"""Empty and unknown values are a 417 naming the fields, for every doctype, never a 500 or 404 (issue 29, item 6).

Mandatory values are checked after a controller's `validate` (as in Frappe), so every controller
of the installed apps must let an empty value through to that check instead of failing on it.
App-level behaviour with no dialect difference: SQLite only.
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
Served = tuple[httpx.Client, list[Any], dict[str, Any]]


@pytest.fixture(scope="module")
def served(lms_site: SiteHandle) -> Iterator[Served]:  # noqa: F811
    clean(lms_site)
    with lms_site.context():
        metas = [m for m in smooth.local.site.registry if not m.istable and not m.issingle]
        children = {m.name: m for m in smooth.local.site.registry if m.istable}
        key, secret = smooth.get_doc("User", "Administrator").generate_api_credentials()
        smooth.db.commit()
    with running_server(lms_site) as url, httpx.Client(base_url=url, timeout=30,
                                                       headers={"Authorization": f"token {key}:{secret}"}) as http:
        yield http, metas, children
    clean(lms_site)


def _missing(meta: Any) -> list[str]:
    """Labels of mandatory fields a `{}` leaves empty (no default)."""
    return [f.label for f in meta.value_fields if f.reqd and f.default in (None, "")] + \
        [t.label for t in meta.table_fields if t.reqd]


def _what_is_wrong(meta: Any, response: httpx.Response, missing: list[str]) -> str | None:
    """None for a MandatoryError naming only missing values (the name, when naming needs it first), or for
    any answer below 500 when nothing is missing."""
    if not missing and response.status_code < 500:
        return None
    body = response.json() if response.status_code == 417 else {}
    message = body.get("exception", "")
    if body.get("exc_type") != "MandatoryError":
        return f"{meta.name}: {response.status_code} {message or response.text[:300]}"
    if "value missing for" not in message:  # naming: "A name is required", "Evaluator is required to name ..."
        return None if "name" in message else f"{meta.name}: {message}"
    named = [n.split(": ", 1)[-1] for n in message.split("value missing for ", 1)[1].split(", ")]
    return None if set(named) <= set(missing) else f"{meta.name}: {message}"


def _selects(meta: Any) -> dict[str, str]:
    return {f.fieldname: f.select_options[0] for f in meta.value_fields if f.fieldtype == "Select" and f.select_options}


def test_an_empty_insert_of_every_doctype_is_a_417_naming_what_is_missing(served: Served) -> None:
    http, metas, _children = served
    # a controller may fill some itself (a booking's member: the booker), so a subset of them is named
    wrong = [_what_is_wrong(m, http.post(f"/api/resource/{m.name}", json={}), _missing(m)) for m in metas]
    assert not any(wrong), "\n".join(w for w in wrong if w)


def test_empty_child_rows_are_a_417_naming_what_is_missing(served: Served) -> None:
    """Two rows in every table, empty but for their Selects (the first option, as a form would pick):
    a controller comparing or sorting the rows of one kind meets their empty values."""
    http, metas, children = served
    wrong = []
    for meta in (m for m in metas if m.table_fields):
        rows = {t.fieldname: [_selects(children[t.options])] * 2 for t in meta.table_fields}
        missing = _missing(meta) + [label for t in meta.table_fields for label in _missing(children[t.options])]
        wrong.append(_what_is_wrong(meta, http.post(f"/api/resource/{meta.name}", json=rows), missing))
    assert not any(wrong), "\n".join(w for w in wrong if w)


def test_a_schedule_row_without_times_is_named_beside_a_full_one(served: Served) -> None:
    http, _metas, _children = served
    schedule = [{"day": "Monday", "start_time": "09:00", "end_time": "10:00"}, {"day": "Monday"}]
    response = http.post("/api/resource/Course Evaluator", json={"evaluator": "Administrator", "schedule": schedule})
    assert response.status_code == 417, response.text[:300]
    assert "value missing for Row #2 in Schedule: Start Time" in response.json()["exception"]


@pytest.mark.parametrize("doctype", ["Employee Compliance", "Employee Document", "LMS Certificate Evaluation",
                                     "LMS Quiz Submission", "LMS Training Assignment"])
def test_empty_links_are_missing_values_and_unknown_ones_are_named(served: Served,
                                                                   doctype: str) -> None:
    http, metas, _children = served
    meta = next(m for m in metas if m.name == doctype)
    links = [f for f in meta.value_fields if f.fieldtype == "Link" and f.reqd]
    empty = http.post(f"/api/resource/{doctype}", json={f.fieldname: "" for f in links})
    assert empty.status_code == 417 and empty.json()["exc_type"] == "MandatoryError", empty.text[:300]
    assert all(f.label in empty.json()["exception"] for f in links)
    unknown = http.post(f"/api/resource/{doctype}", json={f.fieldname: "no-such-record" for f in links})
    assert unknown.status_code == 417 and unknown.json()["exc_type"] == "LinkValidationError", unknown.text[:300]
