"""Bad input gets a clear 4xx with Frappe's envelope, never a 500: a corpus of raw requests.

Each entry is a request exactly as a client (or the fuzzer, or a hostile user) sent it and
that once ended in a 500 or was silently accepted: 417 when a value does not validate, 400
when the request itself is malformed, 413 when it is too large. New findings of the fuzz run
(tests/api/test_schemathesis.py) belong here, so they stay fixed at every depth of fuzzing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from tests.api.helpers import Api, stored

JSON = {"Content-Type": "application/json"}
NOTE = "/api/resource/Test%20Note"
DEEP = 3000
PD_DOWNLOAD, PD_DELETION = "/api/resource/Personal%20Data%20Download%20Request", \
    "/api/resource/Personal%20Data%20Deletion%20Request"
PD_REVIEW = "/api/method/smooth.core.doctype.personal_data_deletion_request.personal_data_deletion_request"


@dataclass(frozen=True)
class Raw:
    """One request: method, path (query string included), body bytes and headers; the answer it must get."""

    id: str
    method: str
    path: str
    status: int
    exc_type: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON))
    words: tuple[str, ...] = ()
    longest_message: int = 1000


def body(value: str) -> bytes:
    return value.encode()


def query(value: object) -> str:
    from urllib.parse import quote

    return quote(value if isinstance(value, str) else json.dumps(value), safe="")


def multipart(boundary: str, parts: list[tuple[str, str | None, bytes]]) -> bytes:
    out = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


NESTED = "[" * DEEP + "]" * DEEP
OBJECTS = '{"a": ' * DEEP + "1" + "}" * DEEP
HALF_DEEP = "[" * 900 + "]" * 900
SURROGATE_FILTER = '[["title", "=", "x\\ud800"]]'

CORPUS = [
    # JSON nested 2,000+ levels: RecursionError in the parser, or later in a save
    Raw("deep-body-list", "POST", NOTE, 417, "ValidationError", body(NESTED), words=("nested",)),
    Raw("deep-body-value", "POST", NOTE, 417, "ValidationError", body('{"title": ' + NESTED + "}"),
        words=("nested",)),
    Raw("deep-body-objects", "POST", NOTE, 417, "ValidationError", body(OBJECTS), words=("nested",)),
    Raw("deep-json-field", "POST", NOTE, 417, "ValidationError",
        body('{"title": "deep", "payload": ' + HALF_DEEP + "}"), words=("nested",)),
    Raw("deep-json-field-as-text", "POST", NOTE, 417, "DataError",
        body('{"title": "deep", "payload": "' + NESTED + '"}'), words=("Payload", "nested too deeply")),
    Raw("deep-filters", "GET", f"{NOTE}?filters={query(NESTED)}", 417, "DataError", words=("nested",)),
    Raw("deep-fields", "GET", f"{NOTE}?fields={query(NESTED)}", 417, "DataError", words=("nested",)),
    Raw("deep-method-arg", "POST", "/api/method/frappe.client.insert", 417, "ValidationError",
        body('{"doc": {"doctype": "Test Note", "title": "x", "payload": ' + NESTED + "}}"), words=("nested",)),
    # a document name that is not text
    Raw("cancel-name-object", "POST", "/api/method/frappe.client.cancel", 417, "ValidationError",
        body('{"doctype": "Test Submittable", "name": {}}'), words=("name",)),
    Raw("cancel-name-list", "POST", "/api/method/frappe.client.cancel", 417, "ValidationError",
        body('{"doctype": "Test Submittable", "name": ["x"]}'), words=("name",)),
    Raw("delete-name-list", "POST", "/api/method/frappe.client.delete", 417, "ValidationError",
        body('{"doctype": "Test Note", "name": ["x"]}'), words=("name",)),
    Raw("get-name-object", "POST", "/api/method/frappe.client.get", 417, "ValidationError",
        body('{"doctype": "Test Note", "name": {"a": 1}}'), words=("name",)),
    Raw("get-name-json-text-in-query", "GET",
        f"/api/method/frappe.client.get?doctype=Test%20Note&name={query({'a': 1})}", 404, "DoesNotExistError"),
    Raw("create-name-list", "POST", "/api/resource/Test%20Prompt", 417, "ValidationError",
        body('{"title": "t", "name": ["x"]}'), words=("name",)),
    Raw("create-name-object", "POST", "/api/resource/Test%20Prompt", 417, "ValidationError",
        body('{"title": "t", "name": {"a": 1}}'), words=("name",)),
    Raw("insert-name-list", "POST", "/api/method/frappe.client.insert", 417, "ValidationError",
        body('{"doc": {"doctype": "Test Prompt", "title": "t", "name": ["x"]}}'), words=("name",)),
    Raw("set-value-fieldname-list", "POST", "/api/method/frappe.client.set_value", 417, "ValidationError",
        body('{"doctype": "Test Note", "name": "x", "fieldname": [{}, {"": null}]}'), words=("fieldname",)),
    # malformed multipart: Starlette's own 400 must stay a 400
    Raw("multipart-no-boundary", "POST", "/api/method/upload_file", 400, "BadRequestError",
        body("--x\r\n\r\n"), headers={"Content-Type": "multipart/form-data"}),
    Raw("multipart-long-filename", "POST", "/api/method/upload_file", 400, "BadRequestError",
        multipart("b0undary", [("file", "a" * 5000 + ".txt", b"hello")]),
        headers={"Content-Type": "multipart/form-data; boundary=b0undary"}),
    # a lone surrogate cannot be stored (UnicodeEncodeError in the driver)
    Raw("surrogate-in-body", "POST", NOTE, 417, "ValidationError", body('{"title": "x\\ud800"}'),
        words=("surrogate",)),
    Raw("surrogate-in-key", "POST", NOTE, 417, "ValidationError", body('{"title": "t", "x\\udfff": 1}'),
        words=("surrogate",)),
    Raw("surrogate-in-filter", "GET", f"{NOTE}?filters={query(SURROGATE_FILTER)}", 417, "DataError",
        words=("surrogate",)),
    Raw("surrogate-in-method-arg", "POST", "/api/method/frappe.client.get_list", 417, "ValidationError",
        body('{"doctype": "Test Note", "filters": {"title": "x\\ud800"}}'), words=("surrogate",)),
    # times are wall clock: an offset would be dropped (or compared with naive times: TypeError)
    Raw("time-with-offset", "POST", NOTE, 417, "DataError", body('{"title": "t", "start_time": "10:00:00+05:30"}'),
        words=("Start Time", "UTC offset")),
    Raw("time-with-z", "POST", NOTE, 417, "DataError", body('{"title": "t", "start_time": "10:00Z"}'),
        words=("Start Time", "UTC offset")),
    Raw("time-filter-with-offset", "GET", f"{NOTE}?filters={query([['start_time', '>', '10:00+01:00']])}", 417,
        "DataError", words=("UTC offset",)),
    # limits that overflow the driver or the database
    Raw("page-length-2e70", "GET", f"{NOTE}?limit_page_length={2**70}", 417, "DataError",
        words=("limit_page_length",)),
    Raw("start-2e70", "GET", f"{NOTE}?limit_start={2**70}", 417, "DataError", words=("limit_start",)),
    Raw("get-list-limit-2e70", "POST", "/api/method/frappe.client.get_list", 417, "DataError",
        body(f'{{"doctype": "Test Note", "limit_start": {2**70}}}'), words=("limit_start",)),
    # Int fields: NaN and a float overflow
    Raw("int-nan", "POST", NOTE, 417, "DataError", body('{"title": "t", "priority": NaN}'), words=("Priority",)),
    Raw("int-1e400", "POST", NOTE, 417, "DataError", body('{"title": "t", "priority": 1e400}'),
        words=("Priority",)),
    Raw("int-text-nan", "POST", NOTE, 417, "DataError", body('{"title": "t", "priority": "nan"}'),
        words=("Priority",)),
    Raw("int-filter-inf", "GET", f"{NOTE}?filters={query([['priority', '=', 'inf']])}", 417, "DataError",
        words=("Priority",)),
    # lenient parsing, tightened
    Raw("date-trailing-nul", "POST", NOTE, 417, "DataError", body('{"title": "t", "due_date": "2026-01-01\\u0000"}'),
        words=("Due Date",)),
    Raw("date-trailing-text", "POST", NOTE, 417, "DataError", body('{"title": "t", "due_date": "2026-01-01xyz"}'),
        words=("Due Date",)),
    Raw("date-9999-12-31", "POST", NOTE, 417, "DataError", body('{"title": "t", "due_date": "9999-12-31"}'),
        words=("Due Date", "9998-12-31")),
    Raw("time-arabic-digits", "POST", NOTE, 417, "DataError",
        body('{"title": "t", "start_time": "\\u0661\\u0660:\\u0660\\u0660"}'), words=("Start Time",)),
    Raw("time-fullwidth-digits", "POST", NOTE, 417, "DataError",
        body('{"title": "t", "start_time": "\\uff11\\uff10:00"}'), words=("Start Time",)),
    Raw("check-yes", "POST", NOTE, 417, "DataError", body('{"title": "t", "is_done": "yes"}'), words=("Is Done",)),
    Raw("check-on", "POST", NOTE, 417, "DataError", body('{"title": "t", "is_done": "on"}'), words=("Is Done",)),
    # method arguments of the wrong shape
    Raw("int-arg-text", "GET", "/api/method/tests.api.whitelisted.takes_days?days=abc", 417, "ValidationError",
        words=("days", "whole number")),
    Raw("int-arg-exponent", "GET", "/api/method/tests.api.whitelisted.takes_days?days=1e3", 417, "ValidationError",
        words=("days", "whole number")),
    Raw("int-arg-list", "POST", "/api/method/tests.api.whitelisted.takes_days", 417, "ValidationError",
        body('{"days": [1]}'), words=("days",)),
    # personal data requests (issue 25): the person named, and the review methods' request name
    Raw("data-download-user-list", "POST", PD_DOWNLOAD, 417, "DataError", body('{"user": ["x"]}'),
        words=("User",)),
    Raw("data-deletion-user-deep", "POST", PD_DELETION, 417, "ValidationError", body('{"email": ' + NESTED + "}"),
        words=("nested",)),
    Raw("data-deletion-unknown-user", "POST", PD_DELETION, 417, "LinkValidationError",
        body('{"email": "nobody@example.com"}'), words=("nobody@example.com",)),
    Raw("data-approve-name-object", "POST", f"{PD_REVIEW}.approve", 417, "ValidationError",
        body('{"name": {"a": 1}}'), words=("'name'",)),
    Raw("data-reject-reason-list", "POST", f"{PD_REVIEW}.reject", 417, "ValidationError",
        body('{"name": "PDD-1", "reason": ["x"]}'), words=("'reason'",)),
]


@pytest.mark.parametrize("raw", CORPUS, ids=[r.id for r in CORPUS])
def test_bad_input_is_refused_with_a_clear_4xx(api: Api, raw: Raw) -> None:
    response = api.request(raw.method, raw.path, content=raw.body or None, headers=raw.headers)
    assert response.status_code == raw.status, f"{raw.id}: {response.status_code} {response.text[:400]}"
    assert response.headers["content-type"].startswith("application/json")
    envelope = response.json()
    assert envelope["exc_type"] == raw.exc_type, envelope
    assert "Internal Server Error" not in envelope["exception"]
    for word in raw.words:
        assert word in envelope["exception"], envelope["exception"]
    assert len(envelope["exception"]) < raw.longest_message, "the message echoes the whole input"


def test_a_refused_name_creates_nothing(api: Api) -> None:
    api.post("/api/resource/Test%20Prompt", json={"title": "t", "name": ["x"]})
    assert stored(api, "Test Prompt", "['x']") is None


@pytest.mark.parametrize("value, expected", [("1", 1), ("0", 0), ("true", 1), ("false", 0), (True, 1), (0, 0)])
def test_check_still_takes_what_frappe_clients_send(api: Api, value: object, expected: int) -> None:
    response = api.post(NOTE, json={"title": "check", "is_done": value})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["is_done"] == expected


@pytest.mark.parametrize("value, expected", [("10:00", "10:00:00"), ("10:00:30", "10:00:30"),
                                             ("09:15:00.250000", "09:15:00.250000"), ("9:05", "09:05:00")])
def test_times_without_an_offset_are_still_accepted(api: Api, value: str, expected: str) -> None:
    response = api.post(NOTE, json={"title": "time", "start_time": value})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["start_time"] == expected


def test_set_value_takes_a_json_object_of_fields(api: Api) -> None:
    name = api.post(NOTE, json={"title": "before"}).json()["data"]["name"]
    response = api.post("/api/method/frappe.client.set_value",
                        json={"doctype": "Test Note", "name": name, "fieldname": {"title": "after", "priority": 2}})
    assert response.status_code == 200, response.text
    assert (stored(api, "Test Note", name, "title"), stored(api, "Test Note", name, "priority")) == ("after", 2)


def test_whole_number_arguments_arrive_as_int(api: Api) -> None:
    response = api.get("/api/method/tests.api.whitelisted.takes_days?days=12")
    assert response.status_code == 200, response.text
    assert response.json()["message"] == {"days": 12, "type": "int"}
    assert api.post("/api/method/tests.api.whitelisted.takes_days", json={"days": -3}).json()["message"] == \
        {"days": -3, "type": "int"}
    assert api.get("/api/method/tests.api.whitelisted.takes_days").json()["message"] == {"days": 60, "type": "int"}


SSO_CALLBACK = "/login/oidc/loopback/callback"
SSO_CORPUS = [
    ("no-attempt-cookie", f"{SSO_CALLBACK}?code=c&state=s", "", 401),
    ("forged-attempt-cookie", f"{SSO_CALLBACK}?code=c&state=s", "gAAAAAB" + "A" * 200, 401),
    ("huge-attempt-cookie", f"{SSO_CALLBACK}?code=c&state=s", "A" * 6000, 401),
    ("state-twice", f"{SSO_CALLBACK}?state=a&state=b&code=c", "", 401),
    ("surrogate-and-nul", f"{SSO_CALLBACK}?state=%ED%A0%80&code=%00", "", 401),
    ("huge-code", f"{SSO_CALLBACK}?state=a&code={'x' * 6000}", "", 401),
    ("provider-error-markup", f"{SSO_CALLBACK}?error=%3Cscript%3Ealert(1)%3C/script%3E&state=s", "", 401),
    ("start-path-key", "/login/oidc/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "", 404),  # no such page
    ("start-long-key", f"/login/oidc/{'k' * 3000}", "", 401),
    ("start-offsite-return", "/login/oidc/x?redirect-to=//evil.example/", "", 401),
]


@pytest.mark.parametrize(("path", "cookie", "status"), [case[1:] for case in SSO_CORPUS],
                         ids=[case[0] for case in SSO_CORPUS])
def test_sso_doors_answer_bad_input_with_the_login_page(api: Api, path: str, cookie: str, status: int) -> None:
    """The single sign-on start and callback (smooth.pages.sso) are pages: a refusal is the login page with
    its reason (401), never a 500, never the input echoed as markup, never a session."""
    headers = {"Cookie": f"oidc_login={cookie}"} if cookie else {}
    response = api.request("GET", path, user=None, headers=headers)
    assert response.status_code == status, f"{response.status_code} {response.text[:400]}"
    assert response.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in response.text
    assert status != 401 or 'action="/login"' in response.text
    assert "sid=" not in response.headers.get("set-cookie", "").replace("oidc_login=", "")
