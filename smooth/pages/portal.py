"""The apps' portal pages: Frappe's `www/` folders and `website_route_rules`.

A module's `www/` folder holds pages: `www/lms/course.html` is the template of the page at
`/lms/course`, and `www/lms/course.py` (optional) fills its context (a page that only sends a file or redirects
needs no template). `www/lms/index.html` is
`/lms`. `website_route_rules` in hooks.py map other paths onto those pages, with the named
parts of the path in the page's `form_dict`:

    website_route_rules = [{"from_route": "/lms/courses/<course>", "to_route": "lms/course"}]

The page module knows nothing of HTTP. It receives a `PageContext` (attribute access to a
dict, like Frappe's context) holding `form_dict` (query, form fields and route parts),
`method`, `user`, `full_name`, `csrf_token` and `viewer`, and may define:

- `get_context(context)`: fill the context for the template (a returned dict is merged in);
- `handle_post(context)`: run a form post. Posts are handled by the page, not sent to an API
  method, because a form that fails must come back with the server's message and what the
  person chose still filled in (the same template, refreshed), which a JSON method cannot do
  for a browser without JavaScript. The CSRF token is checked before the page runs (as for
  every POST), and the request is one unit of work, committed when the page returns. After
  `handle_post`, `get_context` runs as for a GET, so the page shows fresh data. The action a
  rule may refuse runs inside `with context.refused_post():` — a refusal rolls back what the
  post wrote and the page comes back with `context.error` and the refusal's status.

Plain keys the page may set to steer the response: `redirect_to` (a path on this site: a 303
after a post, so a reload does not post twice), `http_status` (e.g. 409 when a post was
refused), `download` ({"filename", "content" or a local file's "path", "content_type", "status"}: a file instead of
HTML; with `"sandboxed": True` the file is shown in the browser, not saved, always in a CSP sandbox: its scripts run
in an opaque origin, so they never see the site's cookies, storage or API; only the site's own pages may frame it),
`csp_sources` ({"frame-src": ["https://host"], ...}: hosts this page's Content-Security-Policy allows besides its own).
The context also carries `client_ip` (for a page that throttles lookups per address) and `layout`: the
template `base_template_map` gives the path (else base.html), for a page shared by several apps' portals to
extend (`{% extends layout %}`), drawn in the chrome of the portal it is reached under.
A page raises the usual errors (`smooth.DoesNotExistError`, `smooth.PermissionError`) for
the error pages; a POST to a page without `handle_post` is refused with 405.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from starlette.responses import FileResponse, HTMLResponse, Response

from smooth.api.errors import MethodNotAllowedError
from smooth.api.request import ApiRequest
from smooth.auth.login import client_ip
from smooth.context import db, local
from smooth.exceptions import (
    DoesNotExistError,
    HookError,
    PermissionError,
    SmoothError,
    ValidationError,
)
from smooth.messages import _
from smooth.pages.rendering import (
    SECURITY_HEADERS,
    Redirect,
    app_layout,
    local_path,
    render_template,
    security_headers,
    template_folders,
    viewer,
)

HOOK = "website_route_rules"
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_PLACEHOLDER = re.compile(r"<(?:(path):)?([A-Za-z_][A-Za-z0-9_]*)>")
REFUSALS: tuple[type[SmoothError], ...] = (ValidationError, PermissionError)


class PageContext(dict[str, Any]):
    """A page's context: a dict whose keys read as attributes (a missing one reads as None)."""

    def __getattr__(self, key: str) -> Any:
        return self.get(key)

    @contextmanager
    def refused_post(self, *errors: type[SmoothError]) -> Iterator[None]:
        """Run a post's action: when a rule refuses it (`errors`, else ValidationError and PermissionError),
        what it wrote is rolled back and the page is drawn again with the message (`error`), the refusal's
        status (`http_status`) and the refusal itself (`refusal`); what was posted stays in `form_dict`.
        A missing record is no refusal: DoesNotExistError still gives the not-found page."""
        try:
            yield
        except SmoothError as exc:
            if isinstance(exc, DoesNotExistError) or not isinstance(exc, errors or REFUSALS):
                raise
            db().rollback()
            self.error, self.http_status, self.refusal = exc.message, exc.http_status_code, exc

    def __setattr__(self, key: str, value: Any) -> None:
        self[key] = value


@dataclass(frozen=True)
class Page:
    """A `www/` page found for a route: its template (a name under the module root) and its Python module."""

    template: str | None  # a page of code only (a download) has none
    root: Path
    module: str | None


def rule_pattern(from_route: str) -> re.Pattern[str]:
    """`/lms/courses/<course>` as a regex with a named group per placeholder (`<path:rest>` spans slashes)."""
    parts, last = [], 0
    for match in _PLACEHOLDER.finditer(from_route):
        parts.append(re.escape(from_route[last:match.start()]))
        parts.append(f"(?P<{match.group(2)}>{'.+' if match.group(1) else '[^/]+'})")
        last = match.end()
    parts.append(re.escape(from_route[last:]))
    return re.compile("^" + "".join(parts).rstrip("/") + "/?$")


def match_rules(path: str, rules: list[Any]) -> tuple[str, dict[str, str]]:
    """The page route and route parts for `path`: the first matching rule, else the path itself."""
    for rule in rules:
        if not isinstance(rule, dict) or not isinstance(rule.get("from_route"), str) \
                or not isinstance(rule.get("to_route"), str):
            raise HookError(_("{0} entries are dicts with from_route and to_route strings, not {1!r}", HOOK, rule))
        found = rule_pattern(rule["from_route"]).match(path)
        if found:
            return rule["to_route"].strip("/"), found.groupdict()
    return path.strip("/"), {}


def find_page(route: str) -> Page:
    """The `www/` page of a route in the site's apps (the first module that has it)."""
    segments = route.split("/") if route else []
    if not all(_SEGMENT.match(s) for s in segments):
        raise DoesNotExistError(_("Page not found"))
    for app in local().site.apps:
        for module in app.served:
            www = module.path / "www"
            for stem in (["/".join(segments)] if segments else []) + ["/".join([*segments, "index"])]:
                has_template, has_code = (www / f"{stem}.html").is_file(), (www / f"{stem}.py").is_file()
                if has_template or has_code:
                    return Page(f"www/{stem}.html" if has_template else None, module.path,
                                f"{module.package}.www.{stem.replace('/', '.')}" if has_code else None)
    raise DoesNotExistError(_("Page not found"))


def _page_module(page: Page) -> ModuleType | None:
    return importlib.import_module(page.module) if page.module else None


def _context(api: ApiRequest, params: dict[str, str]) -> PageContext:
    seen_by = viewer(api)
    return PageContext(form_dict={**api.form, **params}, method=api.method, path=api.request.url.path,
                       user=seen_by.user, full_name=seen_by.full_name, csrf_token=seen_by.csrf_token,
                       viewer=seen_by, title=None, redirect_to=None, http_status=None, download=None,
                       client_ip=client_ip(api.request),
                       layout=app_layout(api.request.url.path) or "base.html")


def _fill(module: ModuleType | None, context: PageContext) -> None:
    get_context = getattr(module, "get_context", None)
    if get_context is not None:
        returned = get_context(context)
        if isinstance(returned, dict):
            context.update(returned)


# uploaded content shown inline (a SCORM package): scripts and forms run, but in an opaque origin of their own
SANDBOXED_HEADERS = {
    "Cache-Control": SECURITY_HEADERS["Cache-Control"],
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "sandbox allow-scripts allow-popups allow-modals; "
                               "frame-ancestors 'self'",
}


def download_response(spec: dict[str, Any]) -> Response:
    """The page's `download`: its `content`, or the local file at `path` (sent in chunks, with HTTP ranges, so a
    video seeks and a large file never sits in memory)."""
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", str(spec.get("filename") or "download"))
    headers = {**SANDBOXED_HEADERS, "Content-Disposition": f'inline; filename="{filename}"'} \
        if spec.get("sandboxed") else {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}
    media_type = str(spec.get("content_type") or "application/octet-stream")
    if isinstance(spec.get("path"), Path):
        return FileResponse(spec["path"], media_type=media_type, headers=headers)
    content = spec.get("content") or b""
    return Response(content.encode() if isinstance(content, str) else content, media_type=media_type, headers=headers,
                    status_code=int(spec.get("status") or 200))


def serve(api: ApiRequest, path: str = "") -> Response:
    """Render the portal page for `path` (the catch-all page route)."""
    route, params = match_rules("/" + path.strip("/"), local().site.hooks.get(HOOK))
    page = find_page(route)
    module = _page_module(page)
    context = _context(api, params)
    if api.method == "POST":
        handle_post = getattr(module, "handle_post", None)
        if handle_post is None:
            raise MethodNotAllowedError(_("This page takes no form posts"))
        handle_post(context)
    if context.redirect_to:
        raise Redirect(local_path(context.redirect_to, "/"))
    _fill(module, context)
    if context.redirect_to:
        raise Redirect(local_path(context.redirect_to, "/"))
    if context.download:
        return download_response(context.download)
    if page.template is None:
        raise DoesNotExistError(_("Page not found"))
    folders = [*template_folders(), page.root]
    html = render_template(page.template, {"request_id": api.request_id, **context}, folders)
    return HTMLResponse(html, status_code=int(context.http_status or 200),
                        headers=security_headers(context.csp_sources))
