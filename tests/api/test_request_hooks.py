"""hooks.py request hooks fire at their documented moments: auth_hooks and before_request after the
user is known, after_request(response, request) before the commit, for every request."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

from tests.api.helpers import METHODS, Api


@pytest.fixture
def hooks(api: Api) -> ModuleType:
    """The test app's recording hooks (importable once the server has loaded the app)."""
    module = importlib.import_module("smooth_tests.request_hooks")
    module.SEEN.clear()
    return module


def test_before_and_after_request_run_around_the_handler_with_the_resolved_user(api: Api, hooks: ModuleType) -> None:
    response = api.get("/api/method/ping", user="Administrator")
    assert response.status_code == 200
    assert list(hooks.SEEN) == ["before_request:Administrator", "after_request:/api/method/ping:200"]
    assert response.headers["X-Smooth-Test-After"] == "1"


def test_request_hooks_see_guests_and_error_responses_skip_after_request(api: Api, hooks: ModuleType) -> None:
    assert api.get(f"/api/method/{METHODS}.no_such_function", user=None).status_code == 404
    assert list(hooks.SEEN) == ["before_request:Guest"]


def test_an_auth_hook_that_raises_refuses_the_request_before_the_handler_runs(api: Api, hooks: ModuleType) -> None:
    response = api.post(f"/api/method/{METHODS}.echo", json={"a": 1}, headers={hooks.DENY_HEADER: "1"})
    assert response.status_code == 403
    assert "Denied by the test app's auth hook" in response.text
    assert list(hooks.SEEN) == [], "before_request must not run once an auth hook refused"
