"""The session cookies: `sid` (HttpOnly, SameSite=Lax, Secure on https, Max-Age = idle expiry) and
Frappe's informational `system_user`, `full_name`, `user_id` (readable by page scripts)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from starlette.requests import Request

from smooth.auth import sessions

if TYPE_CHECKING:
    from smooth.api.request import ApiRequest
    from smooth.site import Site

INFO_COOKIES = ("system_user", "full_name", "user_id")


def is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def set_session_cookies(api: ApiRequest, site: Site, session: sessions.Session, *, full_name: str | None = None,
                        system_user: bool | None = None) -> None:
    """Set (or refresh) the sid cookie; the informational cookies too when their values are given."""
    secure = is_https(api.request)
    api.set_cookie(sessions.COOKIE, session.sid, max_age=sessions.expiry_seconds(site), path="/", httponly=True,
                   samesite="lax", secure=secure)
    if full_name is None or system_user is None:
        return
    for name, value in (("system_user", "yes" if system_user else "no"), ("full_name", quote(full_name)),
                        ("user_id", quote(session.user))):
        api.set_cookie(name, value, path="/", samesite="lax", secure=secure)


def clear_session_cookies(api: ApiRequest) -> None:
    for name in (sessions.COOKIE, *INFO_COOKIES):
        api.delete_cookie(name)
