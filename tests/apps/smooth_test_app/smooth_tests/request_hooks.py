"""before_request / after_request / auth_hooks / before_install handlers that record when they fire."""

from __future__ import annotations

from collections import deque
from typing import Any

import smooth
from smooth.api.request import current_request

SEEN: deque[str] = deque(maxlen=200)
DENY_HEADER = "x-smooth-test-deny"


def before_request() -> None:
    SEEN.append(f"before_request:{smooth.session.user}")


def after_request(response: Any, request: Any) -> None:
    SEEN.append(f"after_request:{request.url.path}:{response.status_code}")
    response.headers["X-Smooth-Test-After"] = "1"


def deny_marked_requests() -> None:
    api = current_request()
    if api is not None and api.request.headers.get(DENY_HEADER):
        raise smooth.PermissionError("Denied by the test app's auth hook")


def before_install() -> None:
    SEEN.append("before_install")


def after_install() -> None:
    SEEN.append("after_install")
