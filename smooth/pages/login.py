"""`/login` and `/logout` as pages, on the same sessions, cookies and throttling as the API methods.

The login form posts the credentials to this page; success redirects to `redirect-to` when it is
a path on this server, else to the user's home (desk users /app, portal users the apps'
`website_user_home_page`). A wrong password or a throttled attempt shows the server's message
on the page with the typed user name kept.
"""

from __future__ import annotations

from starlette.responses import Response

from smooth.api.request import ApiRequest
from smooth.auth import login as auth_login
from smooth.exceptions import AuthenticationError, TooManyRequestsError
from smooth.pages.rendering import Redirect, local_path, render_page, viewer


def home_for(api: ApiRequest) -> str:
    """Where a logged-in user starts: the desk, or the portal for Website Users."""
    return auth_login.DESK_HOME if viewer(api).desk_user else auth_login.website_home()


def login_page(api: ApiRequest) -> Response:
    target = api.form.get("redirect-to")
    if api.method == "POST":
        usr, pwd = api.form.get("usr"), api.form.get("pwd")
        try:
            auth_login.login(usr, pwd)
        except (AuthenticationError, TooManyRequestsError) as exc:
            return render_page(api, "login.html", {"error": exc.message, "usr": usr if isinstance(usr, str) else "",
                                                   "redirect_to": target or ""}, status=exc.http_status_code)
        raise Redirect(local_path(target, str(api.response.get("home_page") or home_for(api))))
    if api.user != "Guest":
        raise Redirect(local_path(target, home_for(api)))
    return render_page(api, "login.html", {"error": "", "usr": "", "redirect_to": target or ""})


def logout_page(api: ApiRequest) -> Response:
    """POST (with the CSRF token) logs out; GET asks first, so a link on another site cannot."""
    if api.method == "POST":
        auth_login.logout()
        raise Redirect("/login")
    if api.user == "Guest":
        raise Redirect("/login")
    return render_page(api, "logout.html")
