"""One request = one unit of work: pick the site, resolve the user, run, commit or roll back.

The handler runs in a worker thread (the database layer is synchronous) inside
`smooth.site_context`. Unsafe methods (POST/PUT/PATCH/DELETE) commit when the handler
succeeds; GET/HEAD always roll back, as Frappe does. Any exception rolls back and becomes
an error envelope. Each response carries `X-Request-Id` and each request logs one line.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

import smooth
from smooth.api import auth_hook, body
from smooth.api.encoding import dumps
from smooth.api.errors import error_body, server_messages
from smooth.exceptions import SiteNotFoundError, ValidationError
from smooth.site import SITE_CONFIG, current_site, get_site

log = logging.getLogger("smooth.api")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REQUEST_ID_HEADER = "X-Request-Id"
NO_STORE = "no-store, no-cache, must-revalidate, max-age=0"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_SITE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,252}$")


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

    def set_cookie(self, key: str, value: str = "", **options: Any) -> None:
        """Queue a Set-Cookie (Starlette's set_cookie options: max_age, httponly, samesite, secure, path...)."""
        self.cookies.append({"key": key, "value": value, **options})

    def delete_cookie(self, key: str, path: str = "/") -> None:
        self.cookies.append({"key": key, "value": "", "max_age": 0, "expires": 0, "path": path})


Handler = Callable[[ApiRequest], Any]

_current: ContextVar[ApiRequest | None] = ContextVar("smooth_api_request", default=None)


def current_request() -> ApiRequest | None:
    """The request being handled in this thread, if any (for whitelisted methods that set cookies)."""
    return _current.get()


def choose_site(request: Request, sites_path: Path, default_site: str | None) -> str:
    """The site named by the Host header when it exists, else the default (then the current) site."""
    host = (request.headers.get("host") or "").strip()
    if host.startswith("["):  # IPv6 literal: never a site name
        host = ""
    host = host.rsplit(":", 1)[0] if ":" in host else host
    for candidate in (host, host.lower()):
        if candidate and _SITE_NAME.match(candidate) and ".." not in candidate \
                and (sites_path / candidate / SITE_CONFIG).is_file():
            return candidate
    name = default_site or current_site(sites_path)
    if not name:
        raise SiteNotFoundError(f"No site answers to host {host!r} and no default site is set")
    return name


async def read_form(request: Request) -> dict[str, Any]:
    """Frappe's form_dict: query arguments, then a JSON body (a list becomes `data`) or form fields.

    The body is read within the size cap of the site's config (smooth.api.body).
    """
    form: dict[str, Any] = dict(request.query_params)
    if request.method not in SAFE_METHODS:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        is_json = content_type == "application/json" or content_type.endswith("+json")
        if is_json or content_type in (body.URLENCODED, body.MULTIPART):
            site = choose_site(request, request.app.state.sites_path, request.app.state.default_site)
            cap = body.body_cap(get_site(site, request.app.state.sites_path).config, content_type)
            if is_json:
                data = await body.read_json(request, cap)
                if isinstance(data, dict):
                    form.update(data)
                elif isinstance(data, list):
                    form["data"] = data
                elif data is not None:
                    raise ValidationError("The request body must be a JSON object or list")
            else:
                form.update(await body.read_form_fields(request, cap))
    form.pop("_", None)
    form.pop("cmd", None)
    return form


def _request_id(request: Request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(dumps(body), status_code=status, media_type="application/json")
    response.headers["Cache-Control"] = NO_STORE
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _run(api: ApiRequest, handler: Handler) -> Response:
    """The synchronous part: site context, user, handler, commit/rollback, envelope."""
    write = api.method not in SAFE_METHODS
    token = _current.set(api)
    try:
        with smooth.site_context(api.site, api.sites_path, user=auth_hook.GUEST, write_intent=write) as loc:
            developer_mode = bool(loc.site.config.get("developer_mode"))
            try:
                api.user = auth_hook.resolve_user(api.request, loc.site)
                smooth.set_user(api.user)
                result = handler(api)
                if isinstance(result, Response):
                    body = None
                else:
                    body = {**api.response, **dict(result or {})}
                    if loc.message_log:
                        body["_server_messages"] = server_messages(loc.message_log)
                if write:
                    smooth.db.commit()
                else:
                    smooth.db.rollback()
                response = result if body is None else json_response(body, api.status_code)
            except Exception as exc:
                _safe_rollback()
                status, error = error_body(exc, loc.message_log, developer_mode=developer_mode,
                                           request_id=api.request_id)
                response = json_response({**api.response, **error}, status)
    finally:
        _current.reset(token)
    for key, value in api.headers.items():
        response.headers[key] = value
    for cookie in api.cookies:
        response.set_cookie(**cookie)
    return response


def _safe_rollback() -> None:
    try:
        smooth.db.rollback()
    except Exception:
        log.exception("rollback failed")


async def dispatch(request: Request, handler: Handler, sites_path: Path, default_site: str | None) -> Response:
    """Run `handler` for `request` as one unit of work and return its response."""
    started = time.perf_counter()
    request_id = _request_id(request)
    user, site = "-", "-"
    try:
        site = choose_site(request, sites_path, default_site)
        form = await read_form(request)
        api = ApiRequest(request=request, method=request.method.upper(), form=form, site=site,
                         sites_path=sites_path, request_id=request_id)
        response = await run_in_threadpool(_run, api, handler)
        user = api.user
    except Exception as exc:
        status, error = error_body(exc, [], request_id=request_id)
        response = json_response(error, status)
    response.headers[REQUEST_ID_HEADER] = request_id
    elapsed = (time.perf_counter() - started) * 1000
    log.info("%s %s %s %.1fms site=%s user=%s request_id=%s", request.method, request.url.path,
             response.status_code, elapsed, site, user, request_id)
    return response
