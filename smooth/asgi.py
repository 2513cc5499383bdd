"""The ASGI application: the web API (`smooth.api.routes`) and the HTML pages (`smooth.pages`: login,
the desk at /app, the apps' portal pages, /assets) served together for every site of a bench.

It sits on top of both, so neither the API nor the pages import the other's routes.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from smooth.api.routes import RetryAfter, api_routes
from smooth.pages.rendering import html_error
from smooth.pages.routes import page_routes
from smooth.site import default_sites_path


def create_app(sites_path: str | Path | None = None, default_site: str | None = None, *,
               routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The ASGI app serving every site in `sites_path` (by Host header, else `default_site`)."""
    base = Path(sites_path).resolve() if sites_path else default_sites_path().resolve()
    all_routes: list[BaseRoute] = [*routes, *api_routes(base, default_site, html_error), *page_routes()]
    app = Starlette(routes=all_routes, middleware=[Middleware(RetryAfter)])
    app.state.sites_path = base
    app.state.default_site = default_site
    return app


# A request allocates tens of thousands of short-lived containers that reference counting frees; at
# Python's default (700) the collector still ran ~8 times per booking for ~2 ms, at this size not once.
SERVER_GC_THRESHOLDS = (20_000, 20, 20)


def tune_gc_for_serving() -> None:
    """For a server process: what is loaded at start (the framework's modules) is kept out of every later
    collection (`gc.freeze`), and the young generation is collected less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*SERVER_GC_THRESHOLDS)


def app_from_env() -> Starlette:
    """Factory for `uvicorn --factory` (several workers): $SMOOTH_SITES_PATH and $SMOOTH_SITE."""
    tune_gc_for_serving()
    return create_app(os.environ.get("SMOOTH_SITES_PATH") or None, os.environ.get("SMOOTH_SITE") or None)
