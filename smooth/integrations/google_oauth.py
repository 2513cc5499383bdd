"""Connecting a user's own Google Calendar (OAuth auth-code flow with state and PKCE).

google-auth-oauthlib builds the consent URL (a random `state`, a PKCE S256 challenge) and
exchanges the returned code for tokens; the state and the code verifier wait, encrypted, on
the user's Google Calendar record between the two legs, so a callback is accepted only for
the state this site handed out, once. The refresh token is kept encrypted on the same record.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

import requests
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import InsecureTransportError, OAuth2Error

from smooth.context import now_datetime
from smooth.exceptions import PermissionError, ValidationError
from smooth.integrations.google_calendar import (
    CALENDAR,
    ENDPOINTS,
    SCOPES,
    SETTINGS,
    TIMEOUT_SECONDS,
    GoogleTransientError,
    check_endpoint,
    settings,
)
from smooth.messages import _
from smooth.model.database_api import document_db
from smooth.model.passwords import get_decrypted_password, set_password
from smooth.model.records import get_doc


def _flow(redirect_uri: str, **kwargs: Any) -> Flow:
    config = settings()
    if config["auth_mode"] != "OAuth" or not config["client_id"]:
        raise ValidationError(_("Google Settings are not set up for OAuth: choose OAuth and enter the client id "
                                "and secret first"))
    for field, label in ENDPOINTS:
        check_endpoint(config[field], f"Google Settings: {label}")
    secret = get_decrypted_password(SETTINGS, SETTINGS, "client_secret", raise_exception=False)
    if not secret:
        raise ValidationError(_("Google Settings have no OAuth client secret"))
    client = {"web": {"client_id": config["client_id"], "client_secret": secret,
                      "auth_uri": config["authorize_url"], "token_uri": config["token_url"]}}
    return Flow.from_client_config(client, scopes=SCOPES, redirect_uri=redirect_uri, **kwargs)


def _calendar_for(user: str) -> str:
    name = document_db().get_value(CALENDAR, {"user": user}, "name")
    if name:
        return str(name)
    return str(get_doc({"doctype": CALENDAR, "user": user}).insert(ignore_permissions=True).name)


def consent_url(user: str, redirect_uri: str) -> str:
    """Where to send `user` to grant Smooth access to their calendar (state and verifier kept for the callback)."""
    flow = _flow(redirect_uri, autogenerate_code_verifier=True)
    try:
        url, state = flow.authorization_url(access_type="offline", prompt="consent", include_granted_scopes="true")
    except InsecureTransportError:
        raise ValidationError(_("Google Settings: the Authorization URL must be an https:// address")) from None
    calendar = _calendar_for(user)
    set_password(CALENDAR, calendar, "oauth_state", state)
    set_password(CALENDAR, calendar, "code_verifier", str(flow.code_verifier))
    return str(url)


def _kept(write: Callable[..., Any], *args: Any) -> None:
    """Write in this unit of work and again after its rollback: the callback refuses the request
    (rolled back) yet what it records must stay."""
    write(*args)
    document_db().after_rollback.add(write, *args)


def _record_failure(calendar: str, reason: str) -> None:
    document_db().set_value(CALENDAR, calendar, {"authorization_status": "Error", "last_error": reason[:1000]})


def _failed(calendar: str, reason: str) -> None:
    _kept(_record_failure, calendar, reason)


def complete(user: str, state: str, code: str, redirect_uri: str) -> str:
    """Exchange the callback's code (for the state this user was given); returns the Google Calendar name."""
    calendar = document_db().get_value(CALENDAR, {"user": user}, "name")
    expected = get_decrypted_password(CALENDAR, calendar, "oauth_state", raise_exception=False) if calendar else None
    if not expected or not hmac.compare_digest(expected, state or ""):
        raise PermissionError(_("This Google authorization was not started here (or was already used): choose "
                                "Connect again on your Google Calendar"))
    verifier = get_decrypted_password(CALENDAR, calendar, "code_verifier")
    _kept(set_password, CALENDAR, calendar, "oauth_state", "")  # used up whatever the exchange does: no replay
    flow = _flow(redirect_uri, state=state, code_verifier=verifier, autogenerate_code_verifier=False)
    try:
        flow.fetch_token(code=code, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        _failed(calendar, f"Google's token endpoint could not be reached: {type(exc).__name__}")
        raise GoogleTransientError(_("Google's token endpoint could not be reached ({0}): try Connect again in a "
                                     "few minutes", type(exc).__name__)) from None
    except (OAuth2Error, ValueError) as exc:
        _failed(calendar, f"Google refused the code: {exc}")
        raise ValidationError(_("Google did not accept the authorization: {0}", exc)) from None
    refresh = flow.credentials.refresh_token
    if not refresh:
        raise ValidationError(_("Google granted access without a refresh token: remove Smooth from your Google "
                                "account's third-party access and connect again"))
    set_password(CALENDAR, calendar, "refresh_token", refresh)
    document_db().set_value(CALENDAR, calendar, {"authorization_status": "Connected", "enabled": 1,
                                                 "last_error": None})
    document_db().set_single_value(SETTINGS, "last_success", now_datetime())
    return str(calendar)
