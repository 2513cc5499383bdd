"""Who is calling: the one place authentication plugs into the request pipeline.

`resolve_user` runs inside the request's site context (as Guest, with the database
connected), so an implementation may read sessions or API keys from the site. It may raise
AuthenticationError (401) or CSRFTokenError (400). Until real authentication exists, a test
site may name its user in the `X-Smooth-Test-User` header when its site config says
`"allow_test_user_header": true`; every other caller is Guest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request

if TYPE_CHECKING:
    from smooth.site import Site

GUEST = "Guest"
TEST_USER_HEADER = "X-Smooth-Test-User"


def resolve_user(request: Request, site: Site) -> str:
    """The user the request acts as (never raises for an anonymous caller: that is Guest)."""
    if site.config.get("allow_test_user_header") is True:
        user = (request.headers.get(TEST_USER_HEADER) or "").strip()
        if user:
            return user
    return GUEST
