"""Schemathesis fuzzes the live server from its own `/api/openapi.json`: no request may end in a 500.

The schema is fetched from the running Uvicorn server (SQLite: the server's input handling is
the same on both backends, and tests/api/test_bad_input.py replays what fuzzing found on each)
and every operation of the test app's doctypes, the `frappe.client` methods and `ping` gets
EXAMPLES_PER_OPERATION generated requests from a fixed seed (schema-valid and deliberately
invalid bodies, odd names, JSON-ish query parameters), sent as a System Manager through the
test-user header. Besides "no server error", each response must use a status code the schema
documents, be JSON, and match the documented envelope, so the OpenAPI document stays an honest
description of the API.

A deeper run takes more examples, and another seed explores other inputs:

    SMOOTH_FUZZ_EXAMPLES=2000 SMOOTH_FUZZ_SEED=7 .venv/bin/python -m pytest tests/api/test_schemathesis*.py -k fuzzed

The operations are fuzzed in two halves, this file's test and tests/api/test_schemathesis_second_half.py's,
so that the two xdist workers (whole files each) fuzz side by side.

Schemathesis' own pytest integration is not used (it does not run under this pytest); the
operations are driven through its Python API with Hypothesis directly.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import USER_HEADER, Api, add_user

FUZZ_USER = "fuzz.manager@example.com"
FUZZED_DOCTYPES = ("Test Note", "Test Category", "Test Record", "Test Single", "Test Submittable",
                   "Test Series", "Test Hooked", "Test Defaults", "Test Ticket", "Test Prompt")
FUZZED_PATHS = "|".join([*(f"/api/resource/{d.replace(' ', '%20')}(/.*)?" for d in FUZZED_DOCTYPES),
                         "/api/method/.*"])
EXAMPLES_PER_OPERATION = int(os.environ.get("SMOOTH_FUZZ_EXAMPLES") or 200)
SEED = os.environ.get("SMOOTH_FUZZ_SEED")  # unset: Hypothesis' derandomized (fixed) seed
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def fuzz_operation(api: Api, operation: Any) -> list[str]:
    """Run the bounded Hypothesis search for one operation; the failures found, as readable lines."""
    failures: list[str] = []
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                         operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=strategy)
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=SEED is None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        response = case.call(base_url=api.base_url, headers={USER_HEADER: FUZZ_USER}, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as exc:  # one failure, or a FailureGroup
            request = response.request
            found = getattr(exc, "exceptions", [exc])
            failures.append(f"{operation.label}: {request.method} {request.url} body={request.body!r:.300} -> "
                            f"{response.status_code} {response.text[:300]}\n    "
                            + "; ".join(f"{type(e).__name__}: {' '.join(str(e).split())[:200]}" for e in found))

    (seed(int(SEED))(run) if SEED is not None else run)()
    return failures


def only_test_doctypes(spec: dict[str, Any]) -> dict[str, Any]:
    """The live document with every `doctype` argument narrowed to the test app's doctypes.

    Otherwise the fuzzer, acting as System Manager, would also create and delete Users and Roles.
    """
    enum = [*FUZZED_DOCTYPES, "Test Note Tag"]

    def narrow(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("name") == "doctype" and "schema" in node:
                node["schema"] = {"type": "string", "enum": enum}
            props = node.get("properties")
            if isinstance(props, dict) and isinstance(props.get("doctype"), dict):
                props["doctype"] = {"type": "string", "enum": enum}
            for value in node.values():
                narrow(value)
        elif isinstance(node, list):
            for value in node:
                narrow(value)

    narrow(spec["paths"])
    return spec


SHARDS = 2  # the operations are fuzzed in two halves, one per file (tests/api/test_schemathesis_second_half.py),
# so that `-n 2 --dist loadfile` (whole files per worker) runs the halves side by side


def fuzz_shard(api: Api, shard: int) -> None:
    """Fuzz every SHARDS-th operation of the live schema, starting at `shard`; none may fail."""
    add_user(api, FUZZ_USER, "System Manager")
    live = api.get("/api/openapi.json", user=None)
    assert live.status_code == 200
    schema = schemathesis.openapi.from_dict(only_test_doctypes(live.json()))
    schema = schema.include(path_regex=f"^({FUZZED_PATHS})$")
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=lambda op: op.label)
    methods = {(op.method.upper(), "method" if "/api/method/" in op.path else
                "one" if op.path.endswith("}") or op.path.endswith("Single") else "list") for op in operations}
    assert {("GET", "list"), ("POST", "list"), ("GET", "one"), ("PUT", "one"), ("DELETE", "one"),
            ("GET", "method"), ("POST", "method")} <= methods
    mine = operations[shard::SHARDS]
    assert len(mine) >= len(operations) // SHARDS
    failures = [line for op in mine for line in fuzz_operation(api, op)]
    assert not failures, f"{len(failures)} failing request(s):\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("api_server", ["sqlite"], indirect=True)
def test_fuzzed_operations_never_answer_500_and_match_the_schema(api: Api) -> None:
    """The first half of the operations (the second: tests/api/test_schemathesis_second_half.py)."""
    fuzz_shard(api, 0)


def test_a_document_name_with_a_newline_gets_the_api_404_envelope(api: Api) -> None:
    """Found by the fuzzer: such a name fell through the router to a bare text/plain 404."""
    response = api.get("/api/resource/Test%20Note/%0Anot-there")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["exc_type"] == "DoesNotExistError"


def test_a_non_numeric_docstatus_is_refused_with_417(api: Api) -> None:
    """Found by the fuzzer: `"docstatus": "x"` reached int() inside the save and answered 500."""
    for path, method in (("/api/resource/Test%20Category", "POST"),
                         ("/api/resource/Test%20Single/Test%20Single", "PUT")):
        response = api.request(method, path, json={"category_name": "Fuzzed", "docstatus": "__not_in_enum__"})
        assert response.status_code == 417, response.text
        assert response.json()["exc_type"] == "ValidationError"
        assert "docstatus must be 0, 1 or 2" in response.json()["exception"]


def test_responses_describe_password_fields_as_masked(api: Api) -> None:
    """Found by the fuzzer: responses carry Password fields as a mask, which a writeOnly property forbids."""
    spec = api.get("/api/openapi.json").json()
    single = spec["paths"]["/api/resource/Test%20Single/Test%20Single"]["get"]
    data = single["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]
    assert data == {"$ref": "#/components/schemas/Test_Single_read"}
    masked = spec["components"]["schemas"]["Test_Single_read"]["properties"]["api_token"]
    assert masked["readOnly"] is True and "writeOnly" not in masked
    response = api.put("/api/resource/Test%20Single/Test%20Single", json={"api_token": "s3cret-token"})
    assert response.status_code == 200
    assert response.json()["data"]["api_token"] == "*****"


def test_numbers_a_decimal_column_cannot_hold_are_refused_with_417(api: Api) -> None:
    """Found by the fuzzer: MariaDB's DECIMAL(21,9) refused 1e12 / NaN / Infinity with a 500 (SQLite stored them)."""
    for raw in ('{"title": "big", "amount": 1e12}', '{"title": "nan", "amount": "nan"}',
                '{"title": "inf", "amount": Infinity}'):
        response = api.post("/api/resource/Test%20Note", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 417, f"{raw}: {response.status_code} {response.text[:300]}"
        assert response.json()["exc_type"] == "DataError"
        assert "Amount (amount)" in response.json()["exception"]
    ok = api.post("/api/resource/Test%20Note", json={"title": "largest", "amount": 999999999999.5})
    assert ok.status_code == 200 and ok.json()["data"]["amount"] == 999999999999.5
