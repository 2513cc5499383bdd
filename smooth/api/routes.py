"""The web API's routes: `/api/...` routed to the resource, method and OpenAPI handlers, and the
stored files at `/files/<name>` (public) and `/private/files/<name>` (permission-checked).
`smooth.asgi` composes them with the HTML pages.

Frappe's paths are served under both `/api/` and `/api/v1/`, with or without a trailing
slash, and `/` takes Frappe's RPC form (`cmd=<method>`, as the Python Frappe client sends it).
A browser opening an API URL as a page (a download link, a redirect after a form button)
that fails is shown an error page, not JSON (`is_navigation`). The path is split on its raw
(still percent-encoded) form, so a document name may contain an encoded slash.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smooth.api import files, method, openapi, resource
from smooth.api.dispatch import dispatch, json_error
from smooth.api.errors import MethodNotAllowedError
from smooth.api.request import ApiRequest, ErrorRenderer
from smooth.exceptions import DoesNotExistError
from smooth.messages import _


class _AnythingConvertor(Convertor[str]):
    """Starlette's `path` stops at a newline; document names may hold one (`%0A`)."""

    regex = "(?s:.*)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("anything", _AnythingConvertor())

class RetryAfter:
    """Every 503 (database unreachable or locked) and every 429 (throttled) tells the client when to
    try again: a 429 carries the throttle's own wait (set where it is raised), else this default."""

    def __init__(self, app: ASGIApp, seconds: int = 5) -> None:
        self.app, self.value = app, str(seconds).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_retry_after(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (429, 503):
                headers = list(message.get("headers", []))
                if not any(key.lower() == b"retry-after" for key, _ in headers):
                    message = {**message, "headers": [*headers, (b"retry-after", self.value)]}
            await send(message)

        await self.app(scope, receive, send_with_retry_after)


ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
API_PREFIX = "/api"


def _segments(request: Request) -> list[str]:
    raw = request.scope.get("raw_path") or request.url.path.encode()
    path = raw.decode("latin-1").split("?", 1)[0]
    parts = [unquote(p) for p in path.split("/")]
    while parts and parts[-1] == "":
        parts.pop()
    return parts[2:]  # drop "" and "api"


def route(segments: list[str], http_method: str) -> Callable[[ApiRequest], Any]:
    """The handler for an API path below /api (a DoesNotExistError for unknown paths)."""
    if segments and segments[0] == "v1":
        segments = segments[1:]
    verb = "GET" if http_method == "HEAD" else http_method
    if len(segments) == 1 and segments[0] == "openapi.json" and verb == "GET":
        return lambda api: openapi.build_openapi()
    if len(segments) == 2 and segments[0] == "method" and segments[1]:
        return partial(_call_method, path=segments[1])
    if segments and segments[0] == "resource" and len(segments) in (2, 3) and all(segments[1:]):
        doctype = segments[1]
        handlers: dict[str, Callable[..., Any]]
        if len(segments) == 2:
            handlers = {"GET": resource.list_docs, "POST": resource.create_doc}
            args: tuple[str, ...] = (doctype,)
        else:
            handlers = {"GET": resource.read_doc, "PUT": resource.update_doc, "DELETE": resource.delete_doc}
            args = (doctype, segments[2])
        handler = handlers.get(verb)
        if handler is None:
            raise MethodNotAllowedError(_("{0} is not allowed here; use {1}", http_method, ', '.join(handlers)))
        return lambda api: handler(api, *args)
    raise DoesNotExistError(_("No API endpoint at /api/{0}", '/'.join(segments)))


def is_navigation(request: Request) -> bool:
    """Whether a browser is opening this URL as a page (a link, a form, a redirect) rather than a script
    calling it: such a request that fails gets an error page with the message, not the JSON envelope."""
    mode = request.headers.get("sec-fetch-mode")
    if mode:
        return mode == "navigate"
    return request.headers.get("accept", "").split(",")[0].strip().lower() == "text/html"


def _call_method(api: ApiRequest, path: str) -> Any:
    return method.call(api, path)


def _call_command(api: ApiRequest) -> Any:
    """Frappe's RPC form, `/` with `cmd=<method>`: the method as `/api/method/<cmd>` answers it."""
    if not api.command:
        raise DoesNotExistError(_("Name the method to call in `cmd` (e.g. cmd=frappe.client.get_value), or call "
                                  "/api/method/<method>"))
    return method.call(api, api.command)


class CommandRoute(Route):
    """`/` as Frappe's RPC endpoint: every POST, and a GET or HEAD whose query names `cmd` (any other
    GET of `/` is the site's home page)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        if match is not Match.NONE and scope.get("method") in ("GET", "HEAD") \
                and "cmd" not in parse_qs(scope.get("query_string", b"").decode("latin-1")):
            return Match.NONE, {}
        return match, child


def api_routes(base: Path, default_site: str | None, navigation_error: ErrorRenderer) -> list[BaseRoute]:
    """The routes of `/api` and the stored files for the sites in `base`; a failed API call a browser
    opened as a page is answered by `navigation_error` (an HTML page) instead of the JSON envelope."""

    async def api_endpoint(request: Request) -> Response:
        def handler(api: ApiRequest) -> Any:
            return route(_segments(request), api.method)(api)

        return await dispatch(request, handler, base, default_site,
                              navigation_error if is_navigation(request) else json_error)

    async def command_endpoint(request: Request) -> Response:
        return await dispatch(request, _call_command, base, default_site, json_error)

    async def files_endpoint(request: Request) -> Response:
        private = request.url.path.startswith("/private/")
        name = request.path_params["name"]
        return await dispatch(request, lambda api: files.serve_file(name, private), base, default_site)

    return [
        Route("/files/{name:anything}", files_endpoint, methods=["GET", "HEAD"]),
        Route("/private/files/{name:anything}", files_endpoint, methods=["GET", "HEAD"]),
        CommandRoute("/", command_endpoint, methods=["GET", "HEAD", "POST"]),
        Route(API_PREFIX, api_endpoint, methods=ALL_METHODS),
        Route(API_PREFIX + "/{rest:anything}", api_endpoint, methods=ALL_METHODS),
    ]
