"""Google Calendar v3 through google-auth: events with Meet links on a user's calendar.

Credentials come from Google Settings: a service account with domain-wide delegation acting
as the user, or the user's own OAuth refresh token (Google Calendar record). google-auth
signs the JWT grant and refreshes tokens (`AuthorizedSession`); nothing here speaks OAuth by
hand. The API and token URLs are settings, so tests point them at a loopback fake.

Failures are typed by what the caller should do: not configured (tell the admin), not
authorised (expired or revoked: tell the user to reconnect), transient (retry later), or a
Google error with its HTTP code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from google.auth.exceptions import GoogleAuthError, RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import credentials as oauth_credentials
from google.oauth2 import service_account

from smooth.exceptions import SmoothError, ValidationError
from smooth.messages import _
from smooth.model.database_api import document_db
from smooth.model.passwords import get_decrypted_password

SETTINGS = "Google Settings"
CALENDAR = "Google Calendar"
SCOPES = ["https://www.googleapis.com/auth/calendar.events"]
TIMEOUT_SECONDS = 20


class GoogleError(SmoothError):
    """A Google Calendar call failed; `retryable` says whether trying again later may help."""

    retryable = False


class GoogleNotConfigured(GoogleError):
    pass


class GoogleAuthorizationError(GoogleError):
    http_status_code = 401


class GoogleTransientError(GoogleError):
    http_status_code = 503
    retryable = True


class GoogleApiError(GoogleError):
    http_status_code = 502


@dataclass(frozen=True)
class Connection:
    session: AuthorizedSession
    base_url: str
    calendar_id: str


ENDPOINTS = (("api_base_url", "Calendar API Base URL"), ("token_url", "Token URL"),
             ("authorize_url", "Authorization URL"), ("meet_api_base_url", "Meet API Base URL"),
             ("people_api_base_url", "People API Base URL"))
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_endpoint(url: str | None, label: str) -> None:
    """Tokens and codes travel to these URLs: https only (plain http only on loopback, for a local fake)."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return
    raise ValidationError(_("{0} must be an https:// address (plain http only on loopback), not {1!r}", label, url))


def settings() -> dict[str, Any]:
    return {field: document_db().get_single_value(SETTINGS, field) for field in (
        "enabled", "auth_mode", "client_id", "api_base_url", "token_url", "authorize_url", "meet_api_base_url",
        "people_api_base_url")}


def is_enabled() -> bool:
    return bool(settings()["enabled"])


def _calendar_row(user: str) -> dict[str, Any] | None:
    row = document_db().get_value(CALENDAR, {"user": user}, ["name", "enabled", "calendar_id",
                                                             "authorization_status"], as_dict=True)
    return dict(row) if row else None


def _credentials(config: dict[str, Any], user: str, row: dict[str, Any] | None) -> Any:
    if config["auth_mode"] == "OAuth":
        if row is None or row["authorization_status"] != "Connected":
            raise GoogleNotConfigured(f"{user} has not connected a Google Calendar: open Google Calendar in the desk "
                                      "and choose Connect")
        refresh = get_decrypted_password(CALENDAR, row["name"], "refresh_token", raise_exception=False)
        secret = get_decrypted_password(SETTINGS, SETTINGS, "client_secret", raise_exception=False)
        if not refresh or not secret or not config["client_id"]:
            raise GoogleNotConfigured("Google Settings lack the OAuth client id or secret, or the calendar's token")
        return oauth_credentials.Credentials(token=None, refresh_token=refresh, client_id=config["client_id"],
                                             client_secret=secret, token_uri=config["token_url"], scopes=SCOPES)
    return delegated_credentials(user, SCOPES)


def delegated_credentials(user: str, scopes: list[str]) -> Any:
    """The service account acting as `user` (domain-wide delegation) for `scopes`."""
    raw = get_decrypted_password(SETTINGS, SETTINGS, "service_account_json", raise_exception=False)
    if not raw:
        raise GoogleNotConfigured("Google Settings have no service account key: paste the JSON key file")
    try:
        info = {**json.loads(raw), "token_uri": settings()["token_url"]}
        return service_account.Credentials.from_service_account_info(info, scopes=scopes, subject=user)
    except (ValueError, KeyError) as exc:
        raise GoogleNotConfigured(f"The service account key in Google Settings is not usable: {exc}") from None


def connect(user: str) -> Connection:
    """An authorised session for `user`'s calendar, or GoogleNotConfigured saying what is missing."""
    config = settings()
    if not config["enabled"]:
        raise GoogleNotConfigured("The Google integration is off: enable it in Google Settings")
    row = _calendar_row(user)
    if row is not None and not row["enabled"]:
        raise GoogleNotConfigured(f"The Google Calendar of {user} is disabled")
    session = AuthorizedSession(_credentials(config, user, row))
    return Connection(session, str(config["api_base_url"]).rstrip("/"),
                      str((row or {}).get("calendar_id") or "primary"))


def _call(connection: Connection, method: str, path: str, **kwargs: Any) -> requests.Response:
    url = f"{connection.base_url}/calendars/{quote(connection.calendar_id, safe='')}/events{path}"
    return request(connection.session, method, url, **kwargs)


def request(session: AuthorizedSession, method: str, url: str, **kwargs: Any) -> requests.Response:
    """One authorised call to a Google API, its failures typed (401, transient, unreachable)."""
    try:
        response = session.request(method, url, timeout=TIMEOUT_SECONDS, **kwargs)
    except RefreshError as exc:
        if getattr(exc, "retryable", False):
            raise GoogleTransientError(_("Google's token service is unavailable: {0}", exc)) from None
        raise GoogleAuthorizationError(_("Google refused the credentials (expired or revoked): {0}", exc)) from None
    except (TransportError, requests.RequestException) as exc:
        raise GoogleTransientError(_("Google could not be reached: {0}", type(exc).__name__)) from None
    except GoogleAuthError as exc:
        raise GoogleAuthorizationError(_("Google credentials are unusable: {0}", exc)) from None
    if response.status_code == 401:
        raise GoogleAuthorizationError(_("Google refused the credentials (401): the authorization expired or was "
                                         "revoked; reconnect the Google Calendar"))
    if response.status_code == 429 or response.status_code >= 500:
        raise GoogleTransientError(_("Google error {0}: {1}", response.status_code, reason(response)))
    return response


def reason(response: requests.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text[:200] or response.reason


def _ok(response: requests.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        raise GoogleApiError(_("Google error {0}: {1}", response.status_code, reason(response)))
    return dict(response.json()) if response.content else {}


def insert_event(connection: Connection, body: dict[str, Any]) -> dict[str, Any]:
    """Create the event `body` (its `id` set by the caller): a retry after a lost answer finds the first one."""
    response = _call(connection, "POST", "", params={"conferenceDataVersion": 1, "sendUpdates": "all"}, json=body)
    if response.status_code == 409:
        return get_event(connection, body["id"])
    return _ok(response)


def get_event(connection: Connection, event_id: str) -> dict[str, Any]:
    return _ok(_call(connection, "GET", f"/{quote(event_id, safe='')}"))


def patch_event(connection: Connection, event_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return _ok(_call(connection, "PATCH", f"/{quote(event_id, safe='')}",
                     params={"conferenceDataVersion": 1, "sendUpdates": "all"}, json=body))


def cancel_event(connection: Connection, event_id: str) -> None:
    """Delete the event; one already gone (404, 410) counts as cancelled."""
    response = _call(connection, "DELETE", f"/{quote(event_id, safe='')}", params={"sendUpdates": "all"})
    if response.status_code not in (404, 410):
        _ok(response)


def check_connection(user: str) -> str:
    """`bench doctor`'s probe: "ok" when a token for `user` can be had, else the reason."""
    try:
        connect(user).session.credentials.refresh(Request())
        return "ok"
    except GoogleError as exc:
        return exc.message
    except RefreshError as exc:
        return f"Google refused the credentials: {exc}"
    except (TransportError, requests.RequestException) as exc:
        return f"Google could not be reached: {type(exc).__name__}"


def doctor_check() -> tuple[bool, str]:
    """(healthy, detail) for `bench doctor`: the mode, the last outcome, and a token for one calendar."""
    config = settings()
    if not config["enabled"]:
        return False, "off: Meet links are not created (enable Google Settings to turn them on)"
    last_error = document_db().get_single_value(SETTINGS, "last_error")
    last_success = document_db().get_single_value(SETTINGS, "last_success")
    detail = f"{config['auth_mode']}; last success {last_success or 'never'}"
    user = document_db().get_value(CALENDAR, {"enabled": 1}, "user")
    if not user:
        return True, f"{detail}; no Google Calendar record to test a token with"
    outcome = check_connection(str(user))
    if outcome != "ok":
        return False, f"{detail}; no token for {user}: {outcome}"
    return True, f"{detail}; token ok for {user}" + (f"; last error: {last_error}" if last_error else "")
