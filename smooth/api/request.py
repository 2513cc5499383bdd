"""What a handler sees of one HTTP request: its arguments, its user, and the response it shapes.

Kept apart from the dispatcher so that authentication and the handlers, which the
dispatcher calls, can use it without importing the dispatcher back.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request

NO_STORE = "no-store, no-cache, must-revalidate, max-age=0"


@dataclass
class ApiRequest:
    """What a handler sees: the raw request, its merged arguments (Frappe's form_dict) and the response to shape."""

    request: Request
    method: str
    form: dict[str, Any]
    site: str
    sites_path: Path
    request_id: str
    user: str = "Guest"
    status_code: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[dict[str, Any]] = field(default_factory=list)
    response: dict[str, Any] = field(default_factory=dict)  # extra top-level body keys (Frappe's frappe.response)
    auth_method: str = ""  # how the user was established: "token", "session", "test-header" or "" (Guest)
    session: Any = None  # the smooth.auth.sessions.Session of a cookie-authenticated request
    command: str = ""  # `cmd` of Frappe's RPC form (`POST /` with cmd=<method>)
    show_traceback: bool = False  # a failed handler's caller may see the traceback (smooth.api.errors)

    def restart(self, form: dict[str, Any]) -> None:
        """Back to what dispatch made, with `form` as it came: the request runs again in a new unit of work."""
        self.form, self.user, self.status_code, self.auth_method, self.session = form, "Guest", 200, "", None
        self.headers, self.cookies, self.response, self.show_traceback = {}, [], {}, False

    def set_cookie(self, key: str, value: str = "", **options: Any) -> None:
        """Queue a Set-Cookie (Starlette's set_cookie options: max_age, httponly, samesite, secure, path...)."""
        self.cookies.append({"key": key, "value": value, **options})

    def delete_cookie(self, key: str, path: str = "/") -> None:
        self.cookies.append({"key": key, "value": "", "max_age": 0, "expires": 0, "path": path})


Handler = Callable[[ApiRequest], Any]
# (status, Frappe error envelope, the request or None when no site could be chosen) -> response
ErrorRenderer = Callable[[int, dict[str, Any], "ApiRequest | None"], Any]

_current: ContextVar[ApiRequest | None] = ContextVar("smooth_api_request", default=None)


def current_request() -> ApiRequest | None:
    """The request being handled in this thread, if any (for whitelisted methods that set cookies)."""
    return _current.get()


def bind(api: ApiRequest) -> Any:
    """Make `api` the current request of this thread; returns the token `unbind` takes."""
    return _current.set(api)


def unbind(token: Any) -> None:
    _current.reset(token)
