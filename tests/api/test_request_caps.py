"""Requests that would tie up a worker or the database are refused, quickly and by name.

Field expressions are parsed in linear time and capped in length; a query takes at most
`max_filter_conditions` conditions and `max_in_values` values per `in` (site config); bodies
are capped by `max_body_size` (and `max_file_size` for uploads). Each cap answers with
Frappe's envelope: 417 for a query, 413 for a body.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from tests.api.helpers import Api, insert, set_site_config

NOTE = "/api/resource/Test%20Note"
SPACES = " " * 2000


def envelope(response, status: int, exc_type: str, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert body["exc_type"] == exc_type, body
    for word in words:
        assert word in body["exception"], body["exception"]


@pytest.fixture
def caps(api: Api) -> Iterator[Api]:
    """The server, with whatever caps a test sets in site config removed afterwards."""
    yield api
    set_site_config(api.handle, max_filter_conditions=None, max_in_values=None, max_body_size=None,
                    max_file_size=None)


@pytest.mark.parametrize("param, value", [
    ("fields", json.dumps(["count(" + SPACES + "x"])),
    ("fields", json.dumps(["count(" + SPACES + "x) as n"])),
    ("fields", json.dumps(["title" + SPACES + "as"])),
    ("order_by", "count(" + SPACES + "x"),
    ("order_by", "title" + SPACES + "x"),
    ("group_by", "title" + SPACES),
])
def test_an_expression_with_thousands_of_spaces_is_refused_at_once(api: Api, param: str, value: str) -> None:
    """The aggregate pattern backtracked: 2,000 spaces cost ~4 s of CPU under the GIL, 8,000 ~270 s."""
    started = time.perf_counter()
    response = api.post("/api/method/frappe.client.get_list", json={"doctype": "Test Note", param: value})
    elapsed = time.perf_counter() - started
    envelope(response, 417, "DataError", "longer than 300 characters")
    assert elapsed < 2, f"{elapsed:.2f} s to refuse a {len(value)}-character {param}"


def test_aggregates_and_aliases_still_work(api: Api) -> None:
    insert(api, {"doctype": "Test Note", "title": "A", "priority": 2})
    insert(api, {"doctype": "Test Note", "title": "B", "priority": 3})
    fields = ["count( distinct name ) as notes", "sum(priority)", "max(priority) AS top"]
    response = api.list("Test Note", fields=fields, order_by="count(*)  desc")
    assert response.status_code == 200, response.text
    assert response.json()["data"] == [{"notes": 2, "sum(priority)": 5, "top": 3}]


def test_more_conditions_than_the_cap_are_refused_naming_it(api: Api) -> None:
    """3,000 `!=` conditions took 4.5 s of MariaDB CPU; SQLite answered 500 "Expression tree is too large"."""
    filters = [["title", "!=", f"t{i}"] for i in range(3000)]
    started = time.perf_counter()
    response = api.post("/api/method/frappe.client.get_list", json={"doctype": "Test Note", "filters": filters})
    envelope(response, 417, "DataError", "More than 200 filter conditions", "max_filter_conditions")
    assert time.perf_counter() - started < 2
    half = [["title", "!=", f"t{i}"] for i in range(120)]
    for args in ({"filters": half, "or_filters": half}, {"or_filters": filters}):
        response = api.post("/api/method/frappe.client.get_count", json={"doctype": "Test Note", **args})
        envelope(response, 417, "DataError", "max_filter_conditions")
    for method in ("get_value", "get"):
        response = api.post(f"/api/method/frappe.client.{method}", json={"doctype": "Test Note", "filters": filters})
        envelope(response, 417, "DataError", "max_filter_conditions")


def test_as_many_conditions_as_the_cap_are_answered(api: Api) -> None:
    insert(api, {"doctype": "Test Note", "title": "kept"})
    filters = [["title", "!=", f"t{i}"] for i in range(200)]
    response = api.post("/api/method/frappe.client.get_list",
                        json={"doctype": "Test Note", "filters": filters, "fields": ["title"]})
    assert response.status_code == 200, response.text
    assert response.json()["message"] == [{"title": "kept"}]


@pytest.mark.parametrize("shape", ["list", "text", "object", "not in"])
def test_an_in_list_over_the_cap_is_refused_naming_it(api: Api, shape: str) -> None:
    values = [f"v{i}" for i in range(1001)]
    filters = {
        "list": [["title", "in", values]], "text": [["title", "in", ",".join(values)]],
        "object": {"title": ["in", values]}, "not in": [["title", "not in", values]],
    }[shape]
    response = api.list("Test Note", filters=filters)
    envelope(response, 417, "DataError", "1001 values", "at most 1000", "max_in_values")
    response = api.list("Test Note", filters=[["title", "in", values[:1000]]])
    assert response.status_code == 200, response.text


def test_the_caps_come_from_site_config(caps: Api) -> None:
    set_site_config(caps.handle, max_filter_conditions=3, max_in_values=2)
    response = caps.list("Test Note", filters=[["title", "!=", "a"], ["title", "!=", "b"], ["title", "!=", "c"]])
    assert response.status_code == 200, response.text
    response = caps.list("Test Note", filters={"title": "a", "status": "Open", "priority": 1, "code": "x"})
    envelope(response, 417, "DataError", "More than 3 filter conditions")
    envelope(caps.list("Test Note", filters=[["title", "in", ["a", "b", "c"]]]), 417, "DataError", "at most 2")
    set_site_config(caps.handle, max_filter_conditions="many")
    envelope(caps.list("Test Note", filters={"title": "a"}), 417, "ValidationError", "max_filter_conditions")


def test_a_json_body_over_the_cap_gets_413(caps: Api) -> None:
    big = json.dumps({"title": "big", "body": "x" * (1024 * 1024)}).encode()
    envelope(caps.post(NOTE, content=big, headers={"Content-Type": "application/json"}), 413,
             "RequestTooLargeError", "1,048,576 bytes")
    chunks = iter([big[:1000], big[1000:]])  # no Content-Length: counted while it streams in
    envelope(caps.post(NOTE, content=chunks, headers={"Content-Type": "application/json"}), 413,
             "RequestTooLargeError")
    form = "title=big&body=" + "x" * (1024 * 1024)
    envelope(caps.post(NOTE, content=form, headers={"Content-Type": "application/x-www-form-urlencoded"}), 413,
             "RequestTooLargeError")
    set_site_config(caps.handle, max_body_size=2 * 1024 * 1024)
    response = caps.post(NOTE, content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text[:300]


def test_an_upload_may_be_as_large_as_max_file_size_plus_the_body_cap(caps: Api) -> None:
    set_site_config(caps.handle, max_file_size=2000, max_body_size=1000)
    response = caps.post("/api/method/upload_file", files={"file": ("a.txt", b"x" * 2500, "text/plain")})
    envelope(response, 417, "ValidationError")  # the File refuses content over max_file_size
    response = caps.post("/api/method/upload_file", files={"file": ("a.txt", b"x" * 3500, "text/plain")})
    envelope(response, 413, "RequestTooLargeError", "3,000 bytes")
    response = caps.post("/api/method/upload_file", files={"file": ("a.txt", b"x" * 1500, "text/plain")})
    assert response.status_code == 200, response.text
