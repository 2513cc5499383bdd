"""`/login/oidc/<key>` and `/login/oidc/<key>/callback`: single sign-on through a Social Login Key.

The login page's "Log in with <Provider>" buttons are plain links to the first (no JavaScript),
which sends the browser to the provider with the attempt sealed in cookie `oidc_login` (HttpOnly,
SameSite=Lax so it comes back on the provider's redirect, path /login/oidc). The provider returns
the browser to the callback, a GET that commits (it opens a session, and may make the user): it
clears the cookie, and either opens the session and goes on to the page the attempt came from
(else the user's home), or shows the login page with why it refused (smooth.auth.oidc).
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from smooth.api.request import ApiRequest
from smooth.auth import login as auth_login
from smooth.auth import login_history, oidc
from smooth.auth.cookies import is_https
from smooth.context import db
from smooth.exceptions import AuthenticationError, ValidationError
from smooth.model.database_api import document_db
from smooth.pages.login import home_for, login_form
from smooth.pages.rendering import Redirect, local_path

START_PATH = "/login/oidc/{key}"
CALLBACK_PATH = "/login/oidc/{key}/callback"
COOKIE_PATH = "/login/oidc"


def _callback_url(api: ApiRequest, key: str) -> str:
    """The key's Redirect URL: absolute as entered (a site behind a proxy), or a path on this request's host."""
    configured = document_db().get_value(oidc.SOCIAL_LOGIN_KEY, key, "redirect_url") or ""
    if str(configured).startswith(("https://", "http://")):
        return str(configured)
    path = str(configured) if str(configured).startswith("/") else CALLBACK_PATH.format(key=quote(key, safe=""))
    return str(api.request.url.replace(path=path, query="", fragment=""))


def start_page(api: ApiRequest, key: str) -> Response:
    target = local_path(api.form.get("redirect-to"), "")
    try:
        url, sealed = oidc.begin(key, _callback_url(api, key), target)
    except (AuthenticationError, ValidationError) as exc:
        return login_form(api, exc.message, target, status=exc.http_status_code)
    api.set_cookie(oidc.COOKIE, sealed, max_age=oidc.flow_seconds(), path=COOKIE_PATH, httponly=True,
                   samesite="lax", secure=is_https(api.request))
    raise Redirect(url)


def callback_page(api: ApiRequest, key: str) -> Response:
    api.delete_cookie(oidc.COOKIE, path=COOKIE_PATH)  # one callback per attempt, whatever it brings
    user = None
    try:
        user, target = oidc.complete(key, dict(api.form), api.request.cookies.get(oidc.COOKIE),
                                     _callback_url(api, key))
        auth_login.open_session(api, user, oidc.METHOD)
    except (AuthenticationError, ValidationError) as exc:
        known = user or getattr(exc, "user", None)
        if known:
            login_history.record_failure(known, oidc.METHOD)
        db().rollback()  # a refusal keeps nothing but its line in the login history
        return login_form(api, exc.message, "", status=exc.http_status_code)
    raise Redirect(local_path(target, str(api.response.get("home_page") or home_for(api))))
