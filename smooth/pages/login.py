"""`/login` and `/logout` as pages, on the same sessions, cookies and throttling as the API methods.

The login form posts the credentials to this page; success redirects to `redirect-to` when it is
a path on this server, else to the user's home (desk users /app, portal users the apps'
`website_user_home_page`). A wrong password or a throttled attempt shows the server's message
on the page with the typed user name kept.

A user who needs a second factor (smooth.auth.two_factor) is shown, instead of a session, the
code page, or the enrolment page (QR code, the key to type, the first code) for one not enrolled
yet; both post the step's ticket back here with the code. After an enrolment the page shows the
recovery codes once, then the user goes on to where they were going.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from starlette.responses import Response

from smooth.api.request import ApiRequest
from smooth.auth import login as auth_login
from smooth.auth import oidc, two_factor
from smooth.context import db
from smooth.exceptions import AuthenticationError, TooManyRequestsError
from smooth.pages.rendering import Redirect, local_path, render_page, viewer


def home_for(api: ApiRequest) -> str:
    """Where a logged-in user starts: the desk, or the portal for Website Users."""
    return auth_login.DESK_HOME if viewer(api).desk_user else auth_login.website_home()


def login_form(api: ApiRequest, error: str, redirect_to: str, *, usr: str = "", status: int = 200) -> Response:
    """The login page: the password form, and a button per enabled single sign-on provider (smooth.pages.sso)."""
    return render_page(api, "login.html", {"error": error, "usr": usr, "redirect_to": redirect_to,
                                           "sso_buttons": oidc.login_buttons()}, status=status)


def login_page(api: ApiRequest) -> Response:
    target = api.form.get("redirect-to")
    target = target if isinstance(target, str) else ""
    if api.method == "POST" and api.form.get("tmp_id") is not None:
        return _second_factor_post(api, target)
    if api.method == "POST":
        usr, pwd = api.form.get("usr"), api.form.get("pwd")
        try:
            auth_login.login(usr, pwd)
        except (AuthenticationError, TooManyRequestsError) as exc:
            db().rollback()  # a refusal writes nothing but its record in the login history
            return login_form(api, exc.message, target, usr=usr if isinstance(usr, str) else "",
                              status=exc.http_status_code)
        if "tmp_id" in api.response:
            return _second_factor_page(api, str(api.response["tmp_id"]), target, "")
        raise Redirect(local_path(target, str(api.response.get("home_page") or home_for(api))))
    if api.user != "Guest":
        raise Redirect(local_path(target, home_for(api)))
    return login_form(api, "", target)


def _second_factor_post(api: ApiRequest, target: str) -> Response:
    tmp_id = api.form.get("tmp_id")
    try:
        auth_login.login(tmp_id=tmp_id, otp=api.form.get("otp"), remember_device=api.form.get("remember_device"))
    except (AuthenticationError, TooManyRequestsError) as exc:
        db().rollback()
        return _second_factor_page(api, tmp_id, target, exc.message, status=exc.http_status_code)
    home = local_path(target, str(api.response.get("home_page") or home_for(api)))
    codes = api.response.get("recovery_codes")
    if codes:
        return render_page(api, "login_recovery_codes.html", {"codes": codes, "next": home})
    raise Redirect(home)


def _second_factor_page(api: ApiRequest, tmp_id: Any, target: str, error: str, status: int = 200) -> Response:
    """The code or enrolment form for a live ticket; the login form (with the message) once it is spent
    or expired, or the enrolment lapsed."""
    try:
        user = two_factor.ticket_user(tmp_id)
    except AuthenticationError as exc:
        return login_form(api, error or exc.message, target, status=exc.http_status_code)
    enrolment = None
    if not two_factor.is_enrolled(user):
        if error and not two_factor.enrolment_pending(user):  # it lapsed: start again from the password
            return login_form(api, error, target, usr=user, status=status)
        enrolment = two_factor.begin_enrolment(user)
    context = {"error": error, "tmp_id": tmp_id, "redirect_to": target, "user": user,
               "remember_days": two_factor.remember_days(), "enrolment": enrolment,
               "qr": Markup(enrolment.qr_svg) if enrolment else "",
               "key_groups": " ".join(enrolment.secret[i:i + 4] for i in range(0, len(enrolment.secret), 4))
               if enrolment else ""}
    return render_page(api, "login_two_factor.html", context, status=status)


def logout_page(api: ApiRequest) -> Response:
    """POST (with the CSRF token) logs out; GET asks first, so a link on another site cannot."""
    if api.method == "POST":
        auth_login.logout()
        raise Redirect("/login")
    if api.user == "Guest":
        raise Redirect("/login")
    return render_page(api, "logout.html")
