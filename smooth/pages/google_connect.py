"""`/google/connect` and its OAuth callback: a desk user links their own Google Calendar.

The consent round trip leaves and re-enters the site through the browser, so it is two pages:
connect (a POST with the CSRF token, from a button) sends the user to Google's consent screen;
the callback (a GET, the only way Google comes back) takes the code, and commits.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from smooth.api.request import ApiRequest, current_request
from smooth.exceptions import PermissionError, ValidationError
from smooth.integrations import google_oauth
from smooth.messages import _
from smooth.pages.desk.access import require_desk_user
from smooth.pages.rendering import Redirect
from smooth.whitelist import whitelist

CALLBACK_PATH = "/google/oauth-callback"


def _callback_url(api: ApiRequest) -> str:
    return str(api.request.url.replace(path=CALLBACK_PATH, query=""))


def connect_page(api: ApiRequest) -> Response:
    viewer = require_desk_user(api)
    raise Redirect(google_oauth.consent_url(viewer.user, _callback_url(api)))


@whitelist(methods=("POST",))
def connect_calendar(name: str) -> dict[str, str]:
    """The Google Calendar form's Connect button: its own user goes to Google's consent screen."""
    api = current_request()
    if api is None:
        raise ValidationError(_("Connecting a Google Calendar happens in the browser, from the Google Calendar form"))
    if name != api.user:
        raise PermissionError(_("Only the calendar's own user can connect it (Google asks them to consent)"))
    return {"redirect_to": google_oauth.consent_url(api.user, _callback_url(api))}


def callback_page(api: ApiRequest) -> Response:
    viewer = require_desk_user(api)
    if api.form.get("error"):
        raise ValidationError(_("Google did not grant access: {0}", api.form.get('error')))
    calendar = google_oauth.complete(viewer.user, str(api.form.get("state") or ""), str(api.form.get("code") or ""),
                                     _callback_url(api))
    raise Redirect(f"/app/google-calendar/{quote(calendar, safe='')}")
