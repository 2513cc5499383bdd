"""Exceptions -> Frappe's HTTP status and JSON error envelope.

Body, in Frappe's shape: `exc_type` (the class name), `exception` ("module.Class: message"),
`_server_messages` (a JSON string holding a list of JSON strings, each {message, title,
indicator}, as Frappe encodes it) and `exc`, a JSON string holding a list: the traceback when
the caller may see one (`may_see_traceback`: developer mode, Administrator, a System Manager), else the one-line
`exception`, never empty, because Frappe's clients raise only when `exc` is set. With a
traceback, `_exc_source` names the app whose code raised ("smooth_lms (app)"); a refused
permission also carries `_error_message`, Frappe's short reason. An exception that is not a SmoothError is a
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
from smooth.exceptions import DatabaseUnavailableError, PermissionError, SmoothError
from smooth.messages import _

log = logging.getLogger("smooth.api")

INTERNAL_ERROR = "Internal Server Error"
SYSTEM_MANAGER = "System Manager"
ADMINISTRATOR = "Administrator"
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
    return DatabaseUnavailableError(_("The database cannot be reached right now; try again in a few seconds"),
                                    title=_("Service Unavailable"))


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
               request_id: str = "", show_traceback: bool | None = None,
               app_packages: Mapping[str, str] | None = None) -> tuple[int, dict[str, Any]]:
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
    name = getattr(exc, "wire_name", None) or type(exc).__name__
    summary = f"{type(exc).__module__}.{name}: {text}"
    body: dict[str, Any] = {"exc_type": name, "exception": summary,
                            "_server_messages": server_messages(messages)}
    body.update(exc_fields(exc, summary, developer_mode if show_traceback is None else show_traceback,
                           app_packages or {}))
    if isinstance(exc, PermissionError):
        body["_error_message"] = text
    return status, body


def exc_fields(exc: BaseException, summary: str, show_traceback: bool,
               app_packages: Mapping[str, str]) -> dict[str, str]:
    """`exc` (the traceback, or the one-line summary) and, with a traceback, `_exc_source`."""
    if not show_traceback:
        return {"exc": json.dumps([summary])}
    fields = {"exc": json.dumps(["".join(traceback.format_exception(type(exc), exc, exc.__traceback__))])}
    source = exception_source(exc, app_packages)
    if source:
        fields["_exc_source"] = f"{source} (app)"
    return fields


def exception_source(exc: BaseException, app_packages: Mapping[str, str]) -> str:
    """The app ({top-level package: app name}) of the innermost traceback frame in an app's code: the
    app whose code raised; empty when the framework raised on its own."""
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        package = str(tb.tb_frame.f_globals.get("__name__", "")).split(".")[0]
        if package in app_packages:
            found = app_packages[package]
        tb = tb.tb_next
    return found


def may_see_traceback(config: Mapping[str, Any], user: str, cached_roles: Mapping[str, list[str]]) -> bool:
    """Developer mode shows every caller the traceback; otherwise only Administrator and a System Manager
    whose roles the request already read see it (the error path does not query a database that may be
    the reason for the error). Frappe shows it to every caller unless System Settings turn it off."""
    return bool(config.get("developer_mode")) or user == ADMINISTRATOR \
        or SYSTEM_MANAGER in (cached_roles.get(user) or ())


class MethodNotAllowedError(SmoothError):
    """An HTTP method the endpoint does not take (e.g. PATCH on /api/resource)."""

    http_status_code = 405
