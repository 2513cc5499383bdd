"""A page handler as a Starlette route: one unit of work per request, HTML errors, redirects.

A handler takes the ApiRequest and the path parameters and returns a Response (usually from
`render_page`) or raises: a SmoothError becomes an error page with its message and status, a
`Redirect` a 303 to its location (the unit of work still commits for POST).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from smooth.api.dispatch import dispatch
from smooth.api.request import ApiRequest
from smooth.pages.rendering import Redirect, html_error, redirect

PageHandler = Callable[..., Response]


def _call(handler: PageHandler, api: ApiRequest, params: dict[str, Any]) -> Response:
    try:
        return handler(api, **params)
    except Redirect as moved:
        return redirect(moved.location, moved.status)


def page_route(path: str, handler: PageHandler, methods: Sequence[str] = ("GET",), *,
               commit_safe_methods: bool = False) -> Route:
    """The route; `commit_safe_methods` for a page that must write on GET (an OAuth callback)."""
    async def endpoint(request: Request) -> Response:
        state = request.app.state
        params = dict(request.path_params)
        return await dispatch(request, lambda api: _call(handler, api, params), state.sites_path,
                              state.default_site, html_error, commit_safe_methods=commit_safe_methods)

    return Route(path, endpoint, methods=[*methods, "HEAD"] if "GET" in methods else list(methods))
