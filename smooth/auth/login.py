"""The `login`, `logout` and `get_logged_user` API methods (Frappe's paths and envelopes).

`POST /api/method/login` (`usr`, `pwd`; form or JSON) starts a session: cookie `sid`
(HttpOnly, SameSite=Lax, Secure on https, Max-Age = the idle expiry) plus Frappe's
informational cookies `system_user`, `full_name`, `user_id`; body
`{"message": "Logged In", "home_page": ..., "full_name": ...}` (Frappe's body). The session has
no CSRF token yet: pages embed one in their forms, and an API client that wants the check asks
`smooth.auth.get_csrf_token` (either way, from then on the session's writes must carry it).
Website Users land on the apps' `website_user_home_page` hook (default "/me"), others on /app.

A user who needs a second factor (smooth.auth.two_factor) gets no session from the password:
the answer is `{"message": "Password is correct. Please verify", "verification": {"method": "OTP App",
"setup": <enrolled>}, "tmp_id": ...}` (Frappe's shape; a user not yet enrolled also gets the
`secret` and `totp_uri` to add to an authenticator app), and a second `login` with `tmp_id` and
`otp` (a code or a recovery code; `remember_device=1` to skip codes on this browser for System
Settings' days) opens the session. Each step is recorded in the login history (Activity Log).
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from smooth.api.request import ApiRequest, current_request
from smooth.auth import login_history, rate_limit, sessions, two_factor
from smooth.auth.cookies import clear_session_cookies, is_https, set_session_cookies
from smooth.context import local, now_datetime, session_user, set_user
from smooth.exceptions import AuthenticationError, PermissionError, TooManyRequestsError, ValidationError
from smooth.messages import _
from smooth.model.database_api import document_db
from smooth.model.passwords import check_password, hash_password, verify_hash
from smooth.whitelist import whitelist

DESK_HOME = "/app"
DEFAULT_WEBSITE_HOME = "/me"


@dataclass
class LoginInfo:
    """What on_login / on_session_creation / on_logout hooks receive (a hook may change home_page)."""

    user: str
    full_name: str = ""
    home_page: str = DESK_HOME


def _api() -> ApiRequest:
    api = current_request()
    if api is None:
        raise ValidationError(_("login and logout are API methods: call them through /api/method/"))
    return api


def client_ip(request: Request) -> str:
    """The peer address (Uvicorn already applied X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else ""


def _fail(api: ApiRequest, message: str) -> AuthenticationError:
    api.response["message"] = message
    return AuthenticationError(message)


def _find_user(usr: str) -> str | None:
    usr = usr.strip()
    return document_db().get_value("User", {"name": usr}) or document_db().get_value("User", {"email": usr.lower()})


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


def _spend_a_hash_check(pwd: str) -> None:
    verify_hash(_dummy_hash(), pwd)


def website_home() -> str:
    """Where portal-only users (Website Users) land: the last app's `website_user_home_page`."""
    pages = [p for p in local().site.hooks.get("website_user_home_page") if isinstance(p, str) and p]
    page = pages[-1] if pages else DEFAULT_WEBSITE_HOME
    return page if page.startswith("/") else "/" + page


def _home_page(user_type: str | None) -> str:
    return DESK_HOME if user_type != "Website User" else website_home()


@whitelist(allow_guest=True, methods=("POST",), xss_safe=True)
def login(usr: str | None = None, pwd: str | None = None, otp: str | None = None, tmp_id: str | None = None,
          remember_device: Any = None) -> str:
    """Check the credentials (throttled per user and IP) and open a session; when the user needs a
    second factor, answer with Frappe's `verification` and `tmp_id` instead, and open the session
    when the client posts `tmp_id` back with `otp` (smooth.auth.two_factor)."""
    api = _api()
    site = local().site
    if tmp_id is not None:
        return _second_factor(api, tmp_id, otp, remember_device)
    if not usr or not pwd or not isinstance(usr, str) or not isinstance(pwd, str):
        raise _fail(api, _("Incomplete login details"))
    ip = client_ip(api.request)
    user = _find_user(usr)
    _check_throttle(api, user or usr.strip().lower(), ip, rate_limit.LOGIN)
    if user is None:
        _spend_a_hash_check(pwd)  # an unknown name must not answer faster than a wrong password
    if user is None or not check_password("User", user, "password", pwd):
        rate_limit.record_failure(site, user or usr.strip().lower(), ip)
        if user is not None:
            login_history.record_failure(user, "Password")
        raise _fail(api, _("Invalid login credentials"))
    details = _enabled_user(api, user)
    rate_limit.clear_user(site, user)
    if two_factor.required_for(user):
        if not two_factor.is_remembered(user, api.request.cookies.get(two_factor.REMEMBER_COOKIE)):
            return _ask_second_factor(api, user)
        return _start_session(api, user, details, "Remembered Device")
    return _start_session(api, user, details, "Password")


def _check_throttle(api: ApiRequest, subject: str, ip: str, throttle: rate_limit.Throttle) -> None:
    try:
        rate_limit.check(local().site, subject, ip, throttle)
    except TooManyRequestsError as exc:
        api.headers["Retry-After"] = str(getattr(exc, "retry_after", 1))
        api.response["message"] = exc.message
        raise


def _enabled_user(api: ApiRequest, user: str) -> dict[str, Any]:
    details = document_db().get_value("User", user, ["enabled", "full_name", "user_type"], as_dict=True)
    if not details or not details["enabled"]:
        raise _fail(api, _("User {0} is disabled", user))
    return dict(details)


def _ask_second_factor(api: ApiRequest, user: str) -> str:
    """The password was right: Frappe's `verification` answer, with the enrolment's key for a user
    who has none yet (they confirm it with their first code)."""
    login_history.record(user, "Pending", "Password")
    verification: dict[str, Any] = {"method": two_factor.METHOD, "setup": two_factor.is_enrolled(user)}
    if not verification["setup"]:
        enrolment = two_factor.begin_enrolment(user)
        verification.update(secret=enrolment.secret, totp_uri=enrolment.uri)
    api.response.update(verification=verification, tmp_id=two_factor.issue_ticket(user))
    return "Password is correct. Please verify"


def _second_factor(api: ApiRequest, tmp_id: Any, otp: Any, remember_device: Any) -> str:
    """The code step: a ticket from the password step and a TOTP or recovery code (the first code of
    an enrolment confirms it and the answer carries the recovery codes, once)."""
    site = local().site
    try:
        user = two_factor.ticket_user(tmp_id)
    except AuthenticationError as exc:
        raise _fail(api, exc.message) from None
    ip = client_ip(api.request)
    _check_throttle(api, user, ip, rate_limit.TWO_FACTOR)
    recovery_codes: list[str] = []
    try:
        if two_factor.is_enrolled(user):
            method = two_factor.verify(user, otp)
        else:
            recovery_codes, method = two_factor.confirm_enrolment(user, otp), "Two-Factor Code"
    except AuthenticationError as exc:
        rate_limit.record_failure(site, user, ip, rate_limit.TWO_FACTOR)
        login_history.record_failure(user, "Two-Factor Code")
        raise _fail(api, exc.message) from None
    rate_limit.clear_user(site, user, rate_limit.TWO_FACTOR)
    details = _enabled_user(api, user)
    days = two_factor.remember_days()
    if days and str(remember_device or "").lower() in ("1", "true", "on", "yes"):
        api.set_cookie(two_factor.REMEMBER_COOKIE, two_factor.remember_token(user, days), max_age=days * 86400,
                       path="/", httponly=True, samesite="lax", secure=is_https(api.request))
    if recovery_codes:
        api.response["recovery_codes"] = recovery_codes
    return _start_session(api, user, details, method)


def open_session(api: ApiRequest, user: str, method: str) -> str:
    """Open a session for a user another door vouched for (single sign-on, smooth.auth.oidc): no password,
    no second factor; a disabled user is refused (AuthenticationError)."""
    return _start_session(api, user, _enabled_user(api, user), method)


def _start_session(api: ApiRequest, user: str, details: dict[str, Any], method: str) -> str:
    site = local().site
    previous = api.request.cookies.get(sessions.COOKIE)
    if previous:
        sessions.end(site, previous)  # a fresh sid on every login: no session fixation
    session = sessions.create(site, user, client_ip(api.request))
    set_user(user)
    document_db().set_value("User", user, "last_login", now_datetime(), update_modified=False)
    login_history.record(user, "Success", method)
    info = LoginInfo(user=user, full_name=details["full_name"] or user, home_page=_home_page(details["user_type"]))
    for hook in site.hooks.lists["on_session_creation"] + site.hooks.lists["on_login"]:
        hook(info)
    api.user, api.session, api.auth_method = user, session, "session"
    set_session_cookies(api, site, session, full_name=info.full_name,
                        system_user=details["user_type"] != "Website User")
    api.response.update(home_page=info.home_page, full_name=info.full_name)
    return "Logged In"


@whitelist(allow_guest=True, methods=("GET", "POST"))
def logout() -> None:
    """End the cookie's session (if any) and expire the cookies."""
    api = _api()
    site = local().site
    sid = api.request.cookies.get(sessions.COOKIE)
    user = session_user()
    if sid:
        sessions.end(site, sid)
    if user != "Guest":
        login_history.record(user, "Success", "", operation="Logout")
    clear_session_cookies(api)
    for hook in site.hooks.lists["on_logout"]:
        hook(LoginInfo(user=user))
    set_user("Guest")


@whitelist(methods=("GET", "POST"))
def get_logged_user() -> str:
    """The calling user (Guest gets 403: the method is not guest-allowed)."""
    return session_user()


@whitelist(methods=("GET",))
def get_csrf_token() -> str:
    """The session's CSRF token (made on first ask; from then on the session's writes must carry it),
    for a page that lost it or an API client that wants the check (only cookie sessions have one)."""
    api = _api()
    if api.session is None:
        raise PermissionError(_("Not permitted: only login (cookie) sessions have a CSRF token"))
    return sessions.issue_csrf_token(local().site, api.session)

