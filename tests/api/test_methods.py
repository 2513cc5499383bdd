"""/api/method/{dotted.path}: whitelisting, HTTP method rules, Guest access and argument passing."""

from __future__ import annotations

from tests.api.helpers import METHODS, Api, add_user


def test_ping_answers_pong_to_guests(api: Api) -> None:
    response = api.get("/api/method/ping", user=None)
    assert response.status_code == 200 and response.json() == {"message": "pong"}


def test_arguments_come_from_the_query_string(api: Api) -> None:
    response = api.get(f"/api/method/{METHODS}.echo", params={"a": "1", "b": "two"})
    assert response.json() == {"message": {"a": "1", "b": "two"}}


def test_arguments_come_from_a_json_body_with_their_types(api: Api) -> None:
    response = api.post(f"/api/method/{METHODS}.echo", json={"a": [1, 2], "b": {"x": True}})
    assert response.json() == {"message": {"a": [1, 2], "b": {"x": True}}}


def test_arguments_come_from_a_form(api: Api) -> None:
    response = api.post(f"/api/method/{METHODS}.echo", data={"a": "formed"})
    assert response.json() == {"message": {"a": "formed", "b": None}}


def test_unknown_arguments_are_dropped(api: Api) -> None:
    response = api.post(f"/api/method/{METHODS}.echo", json={"a": 1, "evil": 2, "_": 3})
    assert response.json() == {"message": {"a": 1, "b": None}}


def test_kwargs_functions_receive_every_argument(api: Api) -> None:
    response = api.post(f"/api/method/{METHODS}.takes_kwargs", json={"x": 1, "y": "z"})
    assert response.json() == {"message": {"x": 1, "y": "z"}}


def test_a_missing_required_argument_is_417_naming_it(api: Api) -> None:
    response = api.post(f"/api/method/{METHODS}.echo", json={"b": 1})
    assert response.status_code == 417
    assert "needs the argument(s): a" in response.json()["exception"]


def test_none_result_gives_an_empty_object(api: Api) -> None:
    response = api.post(f"/api/method/{METHODS}.returns_nothing")
    assert response.status_code == 200 and response.json() == {}


def test_get_is_refused_for_a_post_only_function(api: Api) -> None:
    response = api.get(f"/api/method/{METHODS}.post_only", params={"value": "x"})
    assert response.status_code == 403
    assert response.json()["exc_type"] == "PermissionError"
    assert "does not accept GET" in response.json()["exception"]
    assert api.post(f"/api/method/{METHODS}.post_only", json={"value": "x"}).json() == {"message": "posted x"}


def test_post_is_refused_for_a_get_only_function(api: Api) -> None:
    response = api.post(f"/api/method/{METHODS}.hello_guest")
    assert response.status_code == 403 and "does not accept POST" in response.json()["exception"]


def test_allow_guest_functions_answer_guests(api: Api) -> None:
    assert api.get(f"/api/method/{METHODS}.hello_guest", user=None).json() == {"message": "hello Guest"}


def test_other_functions_refuse_guests(api: Api) -> None:
    response = api.get(f"/api/method/{METHODS}.echo", params={"a": 1}, user=None)
    assert response.status_code == 403 and "log in" in response.json()["exception"]


def test_functions_run_as_the_calling_user(api: Api) -> None:
    add_user(api, "caller@example.com", "Test Reader")
    response = api.get(f"/api/method/{METHODS}.hello_guest", user="caller@example.com")
    assert response.json() == {"message": "hello caller@example.com"}


def test_a_function_that_is_not_whitelisted_is_403(api: Api) -> None:
    response = api.post(f"/api/method/{METHODS}.not_whitelisted")
    assert response.status_code == 403
    assert "is not whitelisted" in response.json()["exception"]


def test_framework_internals_are_not_callable(api: Api) -> None:
    for path in ("smooth.db.commit", "smooth.delete_doc", "smooth.api.client._meta"):
        response = api.post(f"/api/method/{path}")
        assert response.status_code in (403, 404), path
        assert response.json()["exc_type"] in ("PermissionError", "DoesNotExistError")


def test_an_unknown_method_is_404(api: Api) -> None:
    response = api.post("/api/method/smooth.no_such_module.fn")
    assert response.status_code == 404 and "No method" in response.json()["exception"]
    response = api.post("/api/method/nothing")
    assert response.status_code == 404


def test_modules_outside_the_framework_and_apps_are_never_imported(api: Api) -> None:
    response = api.post("/api/method/antigravity.fly")
    assert response.status_code == 404
    import sys

    assert "antigravity" not in sys.modules
