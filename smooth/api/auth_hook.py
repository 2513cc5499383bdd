"""Who is calling: the one place authentication plugs into the request pipeline.

`resolve_user` runs inside the request's site context (as Guest, with the database
connected), before the handler. In order:

1. `X-Smooth-Test-User: <user>`, only on a site whose config says `"allow_test_user_header": true`
   (test sites; never set it in production).
2. `Authorization: token key:secret` / `Basic base64(key:secret)`: that key's user, or
   AuthenticationError (401) for a wrong, unknown or malformed credential, TooManyRequestsError
   (429, with Retry-After) once the key or the client IP failed too often. No CSRF check.
3. The `sid` cookie: the session's user; an unknown or expired sid (or a disabled user) is
   Guest and the cookie is cleared. Unsafe methods need the session's CSRF token (400) once a page
   has carried it. The user's roles, read with the session, are the unit's roles for them (no
   second read).
4. Guest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smooth.api.request import ApiRequest
from smooth.auth import csrf, sessions, tokens
from smooth.auth.cookies import clear_session_cookies, set_session_cookies
from smooth.exceptions import TooManyRequestsError
from smooth.permissions import remember_roles

if TYPE_CHECKING:
    from smooth.site import Site

GUEST = "Guest"
TEST_USER_HEADER = "X-Smooth-Test-User"


def resolve_user(api: ApiRequest, site: Site) -> str:
    """The user the request acts as (Guest for an anonymous caller; raises only for bad credentials)."""
    request = api.request
    if site.config.get("allow_test_user_header") is True:
        user = (request.headers.get(TEST_USER_HEADER) or "").strip()
        if user:
            api.auth_method = "test-header"
            return user
    authorization = (request.headers.get("authorization") or "").strip()
    if authorization:
        try:
            user = tokens.authenticate(authorization, site, request.client.host if request.client else "")
        except TooManyRequestsError as exc:
            api.headers["Retry-After"] = str(getattr(exc, "retry_after", 1))
            raise
        api.auth_method = "token"
        return user
    sid = request.cookies.get(sessions.COOKIE)
    if not sid or sid == GUEST:
        return GUEST
    session = sessions.resume(site, sid)
    if session is None or session.user_roles is None:
        if session is not None:  # its user was disabled or deleted
            sessions.end(site, sid)
        clear_session_cookies(api)
        return GUEST
    csrf.validate(request, api.form, session.csrf_token, site.config, command=api.command)
    remember_roles({session.user: session.user_roles})
    api.session, api.auth_method = session, "session"
    if session.refreshed:
        set_session_cookies(api, site, session)
    return session.user
