"""`/two-factor`: a user's own second factor (set up or not, recovery codes left) and its reset.

Resetting your own needs a current code or an unused recovery code (throttled as at the login); a
System Manager may also reset another user's by name. After a reset the next password login enrols
again (smooth.auth.two_factor).
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from smooth.api.request import ApiRequest
from smooth.auth import two_factor
from smooth.context import db
from smooth.exceptions import AuthenticationError, PermissionError, TooManyRequestsError, ValidationError
from smooth.pages.rendering import GUEST, Redirect, render_page
from smooth.permissions import get_roles

URL = "/two-factor"
REFUSALS = (AuthenticationError, PermissionError, TooManyRequestsError, ValidationError)


def two_factor_page(api: ApiRequest) -> Response:
    if api.user == GUEST:
        raise Redirect(f"/login?redirect-to={quote(URL)}")
    notice, error, status = "", "", 200
    if api.method == "POST":
        target = api.form.get("user") if isinstance(api.form.get("user"), str) else None
        try:
            notice = two_factor.reset_otp_secret(target or None, api.form.get("code"))
        except REFUSALS as exc:
            db().rollback()
            error, status = exc.message, exc.http_status_code
    me = api.user
    return render_page(api, "two_factor.html", {
        "enrolled": two_factor.is_enrolled(me), "required": two_factor.required_for(me),
        "codes_left": two_factor.remaining_recovery_codes(me), "manager": "System Manager" in get_roles(me),
        "notice": notice, "error": error}, status=status)
