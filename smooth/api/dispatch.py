"""One request = one unit of work: pick the site, resolve the user, run, commit or roll back.

The handler runs in a worker thread (the database layer is synchronous) inside the one
unit-of-work door (`smooth.context.unit_of_work`). Unsafe methods (POST/PUT/PATCH/DELETE)
commit when the handler succeeds; GET/HEAD always roll back, as Frappe does. Any exception
rolls back and becomes an error envelope. Hooks: `auth_hooks` and `before_request` (no
arguments) run after the user is known, `after_request(response, request)` before the
commit. Inline jobs (no Redis) the request committed run after its response is sent, so
they add nothing to its latency. Each response carries `X-Request-Id` and each request logs one line.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.background import BackgroundTask, BackgroundTasks
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

import smooth.api.request as request_state
from smooth.api import auth_hook, body
from smooth.api.encoding import dumps
from smooth.api.errors import error_body, may_see_traceback, server_messages
from smooth.api.request import NO_STORE, ApiRequest, ErrorRenderer, Handler
from smooth.context import RERUNS_AFTER_DEADLOCK, Local, rerun_on_deadlock, set_user, unit_of_work
from smooth.exceptions import SiteNotFoundError, TooManyRequestsError, ValidationError
from smooth.jobs.inline import DeferredJobs, deferred_jobs
from smooth.messages import _, translate_error
from smooth.site import SITE_CONFIG, current_site, get_site

log = logging.getLogger("smooth.api")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_SITE_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,252}$")


def choose_site(request: Request, sites_path: Path, default_site: str | None) -> str:
    """The site named by the Host header when it exists, else the default (then the current) site."""
    host = (request.headers.get("host") or "").strip()
    if host.startswith("["):  # IPv6 literal: never a site name
        host = ""
    host = host.rsplit(":", 1)[0] if ":" in host else host
    for candidate in dict.fromkeys((host, host.lower())):  # each spelling looked up once
        if candidate and _SITE_NAME.match(candidate) and ".." not in candidate \
                and os.path.isfile(os.path.join(sites_path, candidate, SITE_CONFIG)):
            return candidate
    name = default_site or current_site(sites_path)
    if not name:
        raise SiteNotFoundError(_("No site answers to host {0!r} and no default site is set", host))
    return name


async def read_form(request: Request, config: Mapping[str, Any]) -> dict[str, Any]:
    """Frappe's form_dict: query arguments, then a JSON body (a list becomes `data`) or form fields
    (`cmd` included: the dispatcher takes it out as the request's command).

    The body is read within the size cap of the site's config (smooth.api.body).
    """
    form: dict[str, Any] = dict(request.query_params)
    if request.method not in SAFE_METHODS:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        is_json = content_type == "application/json" or content_type.endswith("+json")
        if is_json or content_type in (body.URLENCODED, body.MULTIPART):
            cap = body.body_cap(config, content_type)
            if is_json:
                data = await body.read_json(request, cap)
                if isinstance(data, dict):
                    form.update(data)
                elif isinstance(data, list):
                    form["data"] = data
                elif data is not None:
                    raise ValidationError(_("The request body must be a JSON object or list"))
            else:
                form.update(await body.read_form_fields(request, cap))
    form.pop("_", None)
    return form


def _request_id(request: Request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(dumps(payload), status_code=status, media_type="application/json")
    response.headers["Cache-Control"] = NO_STORE
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def json_error(status: int, body: dict[str, Any], api: ApiRequest | None) -> Response:
    """The API's error response: Frappe's JSON envelope."""
    return json_response({**(api.response if api else {}), **body}, status)


def _run(api: ApiRequest, handler: Handler, render_error: ErrorRenderer, write: bool) -> Response:
    """The synchronous part, one unit of work: user, hooks, handler, envelope, commit or roll back. A write the
    database stopped to break a deadlock runs once more, from the arguments as they came."""
    token = request_state.bind(api)
    bound: list[Local] = []
    jobs = DeferredJobs()
    arguments = body.form_copy(api.form) if write else {}
    attempts = 0

    def attempt() -> Response:
        nonlocal attempts, jobs
        attempts += 1
        if attempts > 1:
            api.restart(body.form_copy(arguments))
        bound.clear()
        with deferred_jobs() as jobs, unit_of_work(api.site, sites_path=api.sites_path, user=auth_hook.GUEST,
                                                   commit=write, write_intent=write) as unit:
            bound.append(unit)
            return _respond(api, handler, unit)

    try:
        response = rerun_on_deadlock(attempt, reruns=RERUNS_AFTER_DEADLOCK if write else 0)
    except Exception as exc:
        status, error = _error_envelope(exc, api, bound[0] if bound else None)
        response = render_error(status, error, api)
        if isinstance(exc, TooManyRequestsError):
            api.headers.setdefault("Retry-After", str(getattr(exc, "retry_after", None) or 1))
    finally:
        request_state.unbind(token)
    for key, value in api.headers.items():
        response.headers[key] = value
    for cookie in api.cookies:
        response.set_cookie(**cookie)
    if jobs:
        run_after(response, jobs)
    return response


def _respond(api: ApiRequest, handler: Handler, bound: Local) -> Response:
    """Inside the unit: the request's details, user and hooks, then the handler's result as a response."""
    bound.request_url = str(api.request.base_url)
    bound.form_dict = api.form
    bound.request_ip = api.request.client.host if api.request.client else ""
    bound.user_agent = api.request.headers.get("user-agent", "")[:255]
    hooks = bound.site.hooks.lists
    api.user = auth_hook.resolve_user(api, bound.site)
    set_user(api.user)
    for hook in hooks["auth_hooks"] + hooks["before_request"]:
        hook()
    result = _call_handler(api, handler, bound)
    if isinstance(result, Response):
        response = result
    else:
        body = {**api.response, **dict(result or {})}
        if bound.message_log:
            body["_server_messages"] = server_messages(bound.message_log)
        response = json_response(body, api.status_code)
    for hook in hooks["after_request"]:
        hook(response, api.request)
    return response


def _call_handler(api: ApiRequest, handler: Handler, bound: Local) -> Any:
    """The handler's result; on a failure, whether the caller may see the traceback is decided here, and a
    low layer's message translated, while the unit still holds the roles it read and knows the reader."""
    try:
        return handler(api)
    except Exception as exc:
        api.show_traceback = may_see_traceback(bound.site.config, api.user, bound.roles)
        translate_error(exc)
        raise


def _error_envelope(exc: Exception, api: ApiRequest, bound: Local | None) -> tuple[int, dict[str, Any]]:
    if bound is None:
        return error_body(exc, [], request_id=api.request_id)
    site = bound.site
    apps = {module.package.split(".")[0]: app.name for app in site.apps for module in app.modules}
    apps.pop("smooth", None)
    return error_body(exc, bound.message_log, developer_mode=bool(site.config.get("developer_mode")),
                      request_id=api.request_id, app_packages=apps,
                      show_traceback=api.show_traceback or may_see_traceback(site.config, api.user, {}))


def run_after(response: Response, jobs: DeferredJobs) -> None:
    """Run `jobs` once the response is sent (Starlette's background task, after any the response had)."""
    if response.background is None:
        response.background = BackgroundTask(jobs.run)
        return
    response.background = BackgroundTasks([response.background, BackgroundTask(jobs.run)])


async def dispatch(request: Request, handler: Handler, sites_path: Path, default_site: str | None,
                   render_error: ErrorRenderer = json_error, *, commit_safe_methods: bool = False) -> Response:
    """Run `handler` for `request` as one unit of work and return its response.

    `render_error(status, envelope, api)` shapes a failure: the JSON envelope for the API, an
    HTML page for the desk and portal (`api` is None when no site could be chosen).
    `commit_safe_methods` commits a GET too: for the rare page a third party can only reach
    by a redirect (an OAuth callback).
    """
    started = time.perf_counter()
    request_id = _request_id(request)
    user, site = "-", "-"
    try:
        site = choose_site(request, sites_path, default_site)
        form = await read_form(request, get_site(site, sites_path).config)
        command = form.pop("cmd", "")
        api = ApiRequest(request=request, method=request.method.upper(), form=form, site=site,
                         sites_path=sites_path, request_id=request_id,
                         command=command if isinstance(command, str) else "")
        write = commit_safe_methods or api.method not in SAFE_METHODS
        response = await run_in_threadpool(_run, api, handler, render_error, write)
        user = api.user
    except Exception as exc:
        status, error = error_body(exc, [], request_id=request_id)
        response = render_error(status, error, None)
    response.headers[REQUEST_ID_HEADER] = request_id
    elapsed = (time.perf_counter() - started) * 1000
    log.info("%s %s %s %.1fms site=%s user=%s request_id=%s", request.method, request.url.path,
             response.status_code, elapsed, site, user, request_id)
    return response
