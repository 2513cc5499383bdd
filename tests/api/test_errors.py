"""Error status codes and Frappe's error envelope; one transaction per request."""

from __future__ import annotations

import json

import pytest

import smooth
from smooth.exceptions import FilterError
from tests.api.helpers import METHODS, Api, add_user, insert, server_messages, set_site_config, stored


def assert_envelope(response, status: int, exc_type: str, *words: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert body["exc_type"] == exc_type
    assert body["exception"].split(": ", 1)[0].endswith(f".{exc_type}")  # "module.Class: message"
    assert "Traceback" not in body["exception"]
    exc = json.loads(body["exc"])  # Frappe clients raise on a non-empty `exc`
    assert isinstance(exc, list) and len(exc) == 1 and body["exception"].split(": ", 1)[-1] in exc[0]
    messages = server_messages(body)
    assert messages and all({"message", "title", "indicator"} <= set(m) for m in messages)
    for word in words:
        assert word in body["exception"], body["exception"]
        assert any(word in m["message"] for m in messages)
    return body


def test_mandatory_error_is_417(api: Api) -> None:
    assert_envelope(api.post("/api/resource/Test Note", json={"priority": 1}), 417, "MandatoryError",
                    "value missing for Title")


def test_link_error_is_417(api: Api) -> None:
    response = api.post("/api/resource/Test Note", json={"title": "L", "category": "Nowhere"})
    assert_envelope(response, 417, "LinkValidationError", "Could not find Category: Nowhere")


def test_validation_error_from_a_bad_value_is_417(api: Api) -> None:
    response = api.post("/api/resource/Test Note", json={"title": "V", "priority": "lots"})
    assert_envelope(response, 417, "DataError", "is not a whole number")


def test_unique_field_clash_is_417(api: Api) -> None:
    insert(api, {"doctype": "Test Note", "title": "One", "code": "SAME"})
    response = api.post("/api/resource/Test Note", json={"title": "Two", "code": "SAME"})
    assert_envelope(response, 417, "UniqueValidationError", "SAME")


def test_duplicate_name_is_409(api: Api) -> None:
    insert(api, {"doctype": "Test Prompt", "name": "Twice", "title": "first"})
    response = api.post("/api/resource/Test Prompt", json={"name": "Twice", "title": "second"})
    assert_envelope(response, 409, "DuplicateEntryError", "Twice")
    assert stored(api, "Test Prompt", "Twice", "title") == "first"


def test_a_name_made_from_a_unique_field_clashing_is_409_on_both_backends(api: Api) -> None:
    """SQLite reports the unique column before the primary key: still Frappe's 409 DuplicateEntryError."""
    insert(api, {"doctype": "Test Category", "category_name": "Twice"})
    response = api.post("/api/resource/Test Category", json={"category_name": "Twice"})
    assert_envelope(response, 409, "DuplicateEntryError", "Twice")


def test_filter_error_is_417(api: Api) -> None:
    response = api.list("Test Note", filters=[["no_such_field", "=", 1]])
    assert_envelope(response, 417, "DataError", "no_such_field")


def test_permission_error_is_403(api: Api) -> None:
    add_user(api, "reader@example.com", "Test Reader")
    response = api.post("/api/resource/Test Note", user="reader@example.com", json={"title": "No"})
    body = assert_envelope(response, 403, "PermissionError", "may not create")
    assert "may not create" in body["_error_message"]  # Frappe's short reason for a refused permission


def test_bad_api_key_is_401_with_frappes_envelope(api: Api) -> None:
    response = api.get("/api/resource/Test Note", user=None, headers={"Authorization": "token nokey:nosecret"})
    assert_envelope(response, 401, "AuthenticationError")


def test_a_system_manager_sees_the_traceback_and_the_app_that_raised(api: Api) -> None:
    add_user(api, "sm@example.com", "System Manager")
    response = api.post("/api/resource/Test Hooked", user="sm@example.com", json={"title": "t", "fail_in": "validate"})
    body = assert_envelope(response, 417, "ValidationError", "failing in validate as asked")
    assert json.loads(body["exc"])[0].startswith("Traceback") and body["_exc_source"] == "smooth_test_app (app)"


def test_guest_gets_403_from_docperms(api: Api) -> None:
    insert(api, {"doctype": "Test Category", "category_name": "Hidden"})
    assert_envelope(api.list("Test Category", user=None), 403, "PermissionError", "Guest")
    assert_envelope(api.get("/api/resource/Test Category/Hidden", user=None), 403, "PermissionError", "Guest")


def test_missing_document_is_404(api: Api) -> None:
    assert_envelope(api.get("/api/resource/Test Note/NOTE-1999-00001"), 404, "DoesNotExistError",
                    "NOTE-1999-00001 not found")


def test_unknown_doctype_is_404(api: Api) -> None:
    assert_envelope(api.get("/api/resource/Nope/x"), 404, "DoesNotExistError", "DocType Nope not found")
    assert_envelope(api.post("/api/resource/Nope", json={}), 404, "DoesNotExistError", "Nope")


def test_unknown_api_route_is_404(api: Api) -> None:
    assert_envelope(api.get("/api/nothing/here"), 404, "DoesNotExistError", "/api/nothing/here")


def test_unsupported_http_method_is_405(api: Api) -> None:
    assert_envelope(api.request("PATCH", "/api/resource/Test Note/x"), 405, "MethodNotAllowedError", "PATCH")


def test_unexpected_exception_is_500_without_its_details(api: Api) -> None:
    """Details stay in the log for a caller who may not see tracebacks (not Administrator nor a System Manager)."""
    add_user(api, "rita@example.com", "Test Reader")
    response = api.post(f"/api/method/{METHODS}.crashes", user="rita@example.com")
    body = assert_envelope(response, 500, "RuntimeError", "Internal Server Error")
    assert "secret internal detail" not in response.text
    assert response.headers["X-Request-Id"] in body["exception"]


def test_malformed_json_body_is_417(api: Api) -> None:
    response = api.post("/api/resource/Test Note", content=b'{"title": ', headers={"Content-Type": "application/json"})
    assert_envelope(response, 417, "ValidationError", "not valid JSON")


def test_malformed_json_parameter_is_417_naming_it(api: Api) -> None:
    response = api.get("/api/resource/Test Note", params={"filters": '[["title", "=", '})
    assert_envelope(response, 417, "DataError", "'filters' is not valid JSON")
    response = api.get("/api/resource/Test Note", params={"fields": '["title"'})
    assert_envelope(response, 417, "DataError", "'fields' is not valid JSON")


def test_messages_of_a_throw_are_in_server_messages_once(api: Api) -> None:
    response = api.post(f"/api/method/{METHODS}.add_category_then_fail", json={"category_name": "Half"})
    body = assert_envelope(response, 417, "ValidationError", "Refusing Half after writing it")
    messages = server_messages(body)
    assert messages == [{"message": "Refusing Half after writing it", "title": "Nope", "indicator": "red"}]


def test_an_error_rolls_back_everything_the_request_wrote(api: Api) -> None:
    api.post(f"/api/method/{METHODS}.add_category_then_fail", json={"category_name": "Half"})
    assert stored(api, "Test Category", "Half") is None


def test_a_successful_post_commits(api: Api) -> None:
    response = api.post(f"/api/method/{METHODS}.add_category", json={"category_name": "Kept"})
    assert response.json() == {"message": "Kept"}
    assert stored(api, "Test Category", "Kept") == "Kept"


def test_a_get_request_never_commits(api: Api) -> None:
    response = api.get(f"/api/method/{METHODS}.add_category", params={"category_name": "Ghost"})
    assert response.json() == {"message": "Ghost"}
    assert stored(api, "Test Category", "Ghost") is None


def test_msgprint_on_success_is_sent_as_server_messages(api: Api) -> None:
    body = api.post(f"/api/method/{METHODS}.says_hello_and_returns").json()
    assert body["message"] == 3
    assert server_messages(body) == [{"message": "Saved three things", "title": "Done", "indicator": "green"}]


def test_every_response_carries_a_request_id(api: Api) -> None:
    generated = api.get("/api/method/ping")
    assert len(generated.headers["X-Request-Id"]) >= 16
    echoed = api.get("/api/method/ping", headers={"X-Request-Id": "abc-123"})
    assert echoed.headers["X-Request-Id"] == "abc-123"
    refused = api.get("/api/method/ping", headers={"X-Request-Id": "bad id\twith spaces"})
    assert refused.headers["X-Request-Id"] != "bad id\twith spaces"


def test_responses_are_json_and_not_cached(api: Api) -> None:
    response = api.get("/api/method/ping")
    assert response.headers["content-type"].startswith("application/json")
    assert "no-store" in response.headers["cache-control"]
    assert json.loads(response.text) == {"message": "pong"}


def test_developer_mode_adds_the_traceback(api: Api) -> None:
    add_user(api, "rita@example.com", "Test Reader")
    set_site_config(api.handle, developer_mode=True)
    try:
        body = api.post(f"/api/method/{METHODS}.crashes", user="rita@example.com").json()
    finally:
        set_site_config(api.handle, developer_mode=False)
    assert body["exc_type"] == "RuntimeError"
    assert "secret internal detail" in body["exception"]
    assert "raise RuntimeError" in json.loads(body["exc"])[0]


@pytest.mark.parametrize("api_server", ["sqlite"], indirect=True)
def test_a_low_layer_refusal_reaches_a_german_user_in_german(api: Api) -> None:
    """A value the coercion refuses (layer 1) and a filter the filter check refuses (layer 2) cannot translate
    where they are raised; the envelope carries them in the reader's language, the English text unchanged for
    an English reader and in the exception's str(). SQLite only: nothing here depends on the dialect."""
    add_user(api, "de-reader@example.com", "Test Creator")
    with api.handle.context():
        smooth.db.set_value("User", "de-reader@example.com", "language", "de")
        smooth.db.commit()
    bad_number = {"title": "V", "priority": "lots"}
    german = assert_envelope(api.post("/api/resource/Test Note", json=bad_number, user="de-reader@example.com"),
                             417, "DataError", "Test Note: Wert 'lots' für Priority (priority) ist keine ganze Zahl")
    assert "is not a whole number" not in german["_server_messages"]
    form = api.post("/app/test-note/new", data=bad_number, user="de-reader@example.com")  # the desk's form page
    assert "Test Note: Wert &#39;lots&#39; für Priority (priority) ist keine ganze Zahl" in form.text, form.text
    assert '"A condition must be text": "Eine Bedingung muss Text sein"' in form.text  # expressions.js's __()
    assert_envelope(api.post("/api/resource/Test Note", json=bad_number), 417, "DataError",
                    "Test Note: value 'lots' for Priority (priority) is not a whole number")
    bad_filter = {"filters": [["nowhere", "=", 1]]}
    assert_envelope(api.list("Test Note", user="de-reader@example.com", **bad_filter), 417, "DataError",
                    "Das Feld 'nowhere' gibt es in Test Note nicht; es kann nicht zum Filtern verwendet werden")
    with api.handle.context(user="de-reader@example.com"), pytest.raises(FilterError) as refused:
        smooth.get_all("Test Note", filters=bad_filter["filters"])
    assert str(refused.value) == "Field 'nowhere' does not exist on Test Note; it cannot be used in a filter"


def test_a_refusal_reaches_a_german_user_in_german_with_its_status(api: Api) -> None:
    """SQLite only: the language of a message does not depend on the database."""
    add_user(api, "greta@example.com", "Test Reader")
    with api.handle.context():
        smooth.db.set_value("User", "greta@example.com", "language", "de")
        smooth.db.commit()
    refused = api.list("User", user="greta@example.com")
    assert_envelope(refused, 403, "PermissionError", "Nicht erlaubt: greta@example.com darf Benutzer nicht lesen")
    missing = api.get("/api/resource/Test Note/Nowhere", user="greta@example.com")
    assert_envelope(missing, 404, "DoesNotExistError", "Test Note Nowhere nicht gefunden")
    assert_envelope(api.get("/api/resource/Test Note/Nowhere"), 404, "DoesNotExistError",
                    "Test Note Nowhere not found")  # Administrator reads English
