"""Exceptions -> Frappe's HTTP status and JSON error envelope.

Body: `exc_type` (the class name), `exception` ("module.Class: message", never a traceback),
`_server_messages` (a JSON string holding a list of JSON strings, each {message, title,
indicator}, as Frappe encodes it) and, only when the site config sets `developer_mode`,
`exc` (the traceback, a JSON string of lines). An exception that is not a SmoothError is a
bug: the client gets 500 with a generic message and the traceback goes to the log, except
a database that cannot be reached (refused, gone away, too many connections, pool timeout):
that is an outage the client should wait out, 503 (the app adds Retry-After to every 503).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from smooth.api.encoding import dumps
from smooth.exceptions import DatabaseUnavailableError, SmoothError

log = logging.getLogger("smooth.api")

INTERNAL_ERROR = "Internal Server Error"
# MariaDB client and server codes for "no usable connection": cannot connect (2002, 2003, 2005), gone away
# or lost (2006, 2013), too many connections (1040, 1203), shutting down (1053), connection killed (1927, 4031)
UNREACHABLE_CODES = frozenset({2002, 2003, 2005, 2006, 2013, 1040, 1203, 1053, 1927, 4031})


def translate(exc: BaseException) -> BaseException:
    """A database outage as DatabaseUnavailableError; every other exception unchanged."""
    unreachable = isinstance(exc, PoolTimeoutError) or isinstance(exc, DBAPIError) and (
        exc.connection_invalidated or _error_code(exc) in UNREACHABLE_CODES)
    if not unreachable:
        return exc
    log.warning("database unavailable: %s", " ".join(str(getattr(exc, "orig", None) or exc).split())[:300])
    return DatabaseUnavailableError("The database cannot be reached right now; try again in a few seconds",
                                    title="Service Unavailable")


def _error_code(exc: DBAPIError) -> int | None:
    args = getattr(exc.orig, "args", None) or (None,)
    return args[0] if isinstance(args[0], int) else None


def status_for(exc: BaseException) -> int:
    return getattr(exc, "http_status_code", 500) if isinstance(exc, SmoothError) else 500


def server_messages(messages: Iterable[Mapping[str, Any]]) -> str:
    """Frappe's `_server_messages`: json.dumps of a list of json.dumps'd message dicts."""
    return json.dumps([dumps({"message": m.get("message"), "title": m.get("title") or "Message",
                              "indicator": m.get("indicator")}) for m in messages])


def error_body(exc: BaseException, messages: list[dict[str, Any]], *, developer_mode: bool = False,
               request_id: str = "") -> tuple[int, dict[str, Any]]:
    """(status, body) for an exception raised while handling a request."""
    exc = translate(exc)
    status = status_for(exc)
    known = isinstance(exc, SmoothError)
    if known:
        text = getattr(exc, "message", "") or str(exc) or type(exc).__name__
        title = getattr(exc, "title", None)
    else:
        log.error("unhandled %s in request %s", type(exc).__name__, request_id,
                  exc_info=(type(exc), exc, exc.__traceback__))
        text = str(exc) if developer_mode else f"{INTERNAL_ERROR} (request id {request_id})"
        title = INTERNAL_ERROR
    messages = list(messages)
    if not any(m.get("message") == text for m in messages):
        messages.append({"message": text, "title": title or "Message", "indicator": "red"})
    body: dict[str, Any] = {
        "exc_type": type(exc).__name__,
        "exception": f"{type(exc).__module__}.{type(exc).__name__}: {text}",
        "_server_messages": server_messages(messages),
    }
    if developer_mode:
        body["exc"] = json.dumps(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return status, body


class MethodNotAllowedError(SmoothError):
    """An HTTP method the endpoint does not take (e.g. PATCH on /api/resource)."""

    http_status_code = 405
