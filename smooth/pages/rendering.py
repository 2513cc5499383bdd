"""Turning a page handler's result into HTML: the page chrome, redirects and error pages.

Every HTML response is `no-store` (pages show private records) and carries headers that keep
it out of frames and stop scripts from anywhere but this server.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from starlette.responses import HTMLResponse, RedirectResponse, Response

from smooth.api.request import NO_STORE, ApiRequest
from smooth.auth import oidc, sessions
from smooth.auth.login import DESK_HOME, website_home
from smooth.context import local, session_user, unit_of_work
from smooth.messages import _
from smooth.model import time_zones
from smooth.model.database_api import document_db
from smooth.pages import assets, templating
from smooth.pages.desk.chrome import CHROME

GUEST = "Guest"
log = logging.getLogger("smooth.pages")
SECURITY_HEADERS = {
    "Cache-Control": NO_STORE,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
}


_HOST = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]+)?$")


def security_headers(extra_sources: dict[str, list[str]] | None = None) -> dict[str, str]:
    """SECURITY_HEADERS with hosts a page adds to directives of its Content-Security-Policy (`https://` hosts only;
    a directive the policy lacks starts from 'self'): a page that embeds a video player allows that player's host
    on that page alone."""
    if not extra_sources:
        return SECURITY_HEADERS
    directives = dict(part.strip().split(" ", 1) for part in SECURITY_HEADERS["Content-Security-Policy"].split(";"))
    for name, hosts in extra_sources.items():
        bad = [h for h in hosts if not _HOST.match(h)] + ([name] if not re.fullmatch(r"[a-z-]+-src", name) else [])
        if bad:
            raise ValueError(f"Not a Content-Security-Policy source a page may add: {bad}")
        directives[name] = " ".join(dict.fromkeys([*directives.get(name, "'self'").split(), *hosts]))
    return {**SECURITY_HEADERS, "Content-Security-Policy": "; ".join(f"{k} {v}" for k, v in directives.items())}


class Redirect(Exception):
    """Raised by a page handler (or a guard it calls) to send the browser elsewhere."""

    def __init__(self, location: str, status: int = 303) -> None:
        super().__init__(location)
        self.location, self.status = location, status


def redirect(location: str, status: int = 303) -> Response:
    response = RedirectResponse(location, status_code=status)
    response.headers["Cache-Control"] = NO_STORE
    return response


def local_path(target: Any, fallback: str) -> str:
    """`target` when it is a path on this server (not `//host`, not a scheme), else `fallback`."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    if any(ch in target for ch in "\r\n\t\\") or ":" in target.split("?", 1)[0].split("/", 2)[1]:
        return fallback
    return target


def login_url(api: ApiRequest) -> str:
    here = api.request.url.path + (f"?{api.request.url.query}" if api.request.url.query else "")
    return "/login?redirect-to=" + quote(here, safe="/")


@dataclass
class Viewer:
    """Who is looking at a page, for its chrome (user menu, CSRF token of the forms)."""

    user: str
    full_name: str
    csrf_token: str
    desk_user: bool

    @property
    def is_guest(self) -> bool:
        return self.user == GUEST


_VIEWER = "page_viewer"


def viewer(api: ApiRequest) -> Viewer:
    """Who is looking (one read per unit of work: the page, its chrome and its access check all ask)."""
    if api.user == GUEST:
        return Viewer(GUEST, GUEST, "", False)
    token = sessions.issue_csrf_token(local().site, api.session) if api.session is not None else ""
    seen: Viewer | None = local().flags.__dict__.get(_VIEWER)
    if seen is None or seen.user != api.user or seen.csrf_token != token:
        from_db = document_db().get_value("User", api.user, ["full_name", "user_type", "time_zone"],
                                          as_dict=True) or {}
        seen = Viewer(api.user, from_db.get("full_name") or api.user, token,
                      from_db.get("user_type") != "Website User")
        if from_db and session_user() == api.user:
            time_zones.remember_viewer_zone(api.user, from_db.get("time_zone"))
        local().flags.__dict__[_VIEWER] = seen
    return seen


def template_folders() -> list[Path]:
    site = local().site
    assets.register_apps(site.apps)
    return [module.path / "templates" for app in site.apps for module in app.served]


def render_template(template: str, context: dict[str, Any], folders: Sequence[Path] = ()) -> str:
    """A page's HTML: `template` with `context` and the desk's frame (drawn only by pages that extend it)."""
    return templating.render(template, {**CHROME, **context}, folders)


def render_page(api: ApiRequest, template: str, context: dict[str, Any] | None = None, *,
                status: int = 200) -> Response:
    """Render `template` with the viewer and request in its context (inside the request's unit of work)."""
    full = {"viewer": viewer(api), "path": api.request.url.path, "request_id": api.request_id, **(context or {})}
    html = render_template(template, full, template_folders())
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def _messages(body: dict[str, Any]) -> list[str]:
    try:
        return [json.loads(m).get("message") or "" for m in json.loads(body.get("_server_messages") or "[]")]
    except (TypeError, ValueError, AttributeError):
        return []


TITLES = {400: "Request not understood", 401: "Not logged in", 403: "Not Permitted", 404: "Not Found",
          413: "File too large", 429: "Too many attempts", 503: "Temporarily unavailable"}
REFUSED = frozenset({409, 417, 422})  # the server understood and refused: a save (or an action) was not done


def error_title(status: int, method: str) -> str:
    """A heading a person understands: what did not happen, not the HTTP reason phrase."""
    if status in REFUSED:
        return "Could not open this page" if method in ("GET", "HEAD") else "Could not save"
    return TITLES.get(status, "Something went wrong")


def app_layout(path: str) -> str:
    """The layout an app's `base_template_map` gives this path (matched without its leading slash, as Frappe's)."""
    for mapping in local().site.hooks.get("base_template_map"):
        for pattern, template in (mapping.items() if isinstance(mapping, dict) else ()):
            if re.match(str(pattern), path.lstrip("/")):
                return str(template)
    return ""


def _error_html(context: dict[str, Any], api: ApiRequest | None) -> str:
    """The error page in the viewer's own chrome: a logged-in desk user keeps the desk nav and user menu.

    The request's unit of work is over (rolled back); a short read-only one names the viewer. If even
    that fails (the database is down), the page is drawn without the nav rather than not at all.
    """
    guest = {"viewer": Viewer(GUEST, GUEST, "", False), "layout": "base.html", "home": "/"}
    if api is None or api.user == GUEST:
        return render_template("error.html", {**context, **guest})
    try:
        with unit_of_work(api.site, sites_path=api.sites_path, user=api.user, commit=False, write_intent=False):
            seen = viewer(api)
            home = DESK_HOME if seen.desk_user else website_home()
            layout = app_layout(context["path"]) or ("desk/layout.html" if seen.desk_user else "base.html")
            return render_template("error.html", {**context, "viewer": seen, "home": home, "layout": layout},
                                     template_folders())
    except Exception:  # an error page must not fail: drawn without the viewer's chrome
        log.exception("error page: the viewer's chrome could not be drawn")
        return render_template("error.html", {**context, **guest,
                                                "viewer": Viewer(api.user, api.user, "", False)})


# posted fields never carried into a URL: secrets, and the expired session's token
_NOT_KEPT = ("csrf_token", "pwd", "usr", "cmd")
_KEPT_URL_LIMIT = 1500


def kept_choice_url(api: ApiRequest) -> str:
    """The posted page again, with what was posted as its query (to be shown chosen, not done), so logging in
    after a session ended returns to the same choice; just the page when the choice is too long to carry."""
    query = [(k, v) for k, v in parse_qsl(api.request.url.query, keep_blank_values=True)]
    kept = [(k, v) for k, v in api.form.items() if isinstance(v, str) and k not in _NOT_KEPT
            and "password" not in k.lower() and k not in dict(query)]
    url = api.request.url.path + (f"?{urlencode(query + kept)}" if query or kept else "")
    return url if len(url) <= _KEPT_URL_LIMIT else api.request.url.path


def login_again(api: ApiRequest) -> Response:
    """A form post refused because its session had ended: a login form (401) that returns to the page with the
    posted choice kept, instead of an error that loses it."""
    context = {"error": _("Your session has ended, so nothing was saved. Log in again to go back to the page "
                          "with your choice kept."), "usr": "", "redirect_to": kept_choice_url(api),
               "viewer": Viewer(GUEST, GUEST, "", False), "path": "/login", "request_id": api.request_id,
               "sso_buttons": _sso_buttons(api)}
    return HTMLResponse(render_template("login.html", context), status_code=401,
                        headers={**SECURITY_HEADERS, **api.headers})


def _sso_buttons(api: ApiRequest) -> list[tuple[str, str]]:
    """The login page's single sign-on buttons, read in a short unit of its own (the request's is over); none
    when even that fails: the password form must still be drawn."""
    try:
        with unit_of_work(api.site, sites_path=api.sites_path, commit=False, write_intent=False):
            return oidc.login_buttons()
    except Exception:
        log.exception("login page: the single sign-on buttons could not be read")
        return []


def html_error(status: int, body: dict[str, Any], api: ApiRequest | None) -> Response:
    """An error page with the server's own message (a Guest asking for a page is sent to log in; a Guest's
    refused form post, usually a session that ended, gets a login form that keeps what was posted)."""
    if api is not None and api.user == GUEST and status in (401, 403):
        if api.method in ("GET", "HEAD"):
            return redirect(login_url(api))
        if api.method == "POST" and not api.request.url.path.startswith("/api/"):
            return login_again(api)
    messages = [m for m in _messages(body) if m]
    context = {"status": status, "title": error_title(status, api.method if api else "GET"), "messages": messages,
               "request_id": api.request_id if api else "", "path": api.request.url.path if api else "/"}
    html = _error_html(context, api)
    headers = {**SECURITY_HEADERS, **(api.headers if api else {})}
    return HTMLResponse(html, status_code=status, headers=headers)
