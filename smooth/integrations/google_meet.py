"""Who attended a Google Meet meeting: the Meet REST API's conference records and participants.

A participant is named by Google user id, not email, so each signed-in participant's email is
read from the People API (`people/<id>`); anonymous and phone participants have none and are
left out. Both APIs need scopes beyond the calendar's (`MEET_SCOPES`), which a service account
with domain-wide delegation can be granted by the Workspace admin; a user's own OAuth
connection was consented for the calendar only, so attendance needs the service account mode.
Errors are the calendar integration's (google_calendar): typed by what the caller should do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from google.auth.transport.requests import AuthorizedSession

from smooth.integrations.google_calendar import (
    GoogleApiError,
    GoogleNotConfigured,
    delegated_credentials,
    reason,
    request,
    settings,
)
from smooth.messages import _

MEET_SCOPES = ["https://www.googleapis.com/auth/meetings.space.readonly",
               "https://www.googleapis.com/auth/directory.readonly"]
MAX_PAGES = 20


def _session(user: str) -> AuthorizedSession:
    config = settings()
    if not config["enabled"]:
        raise GoogleNotConfigured("The Google integration is off: enable it in Google Settings")
    if config["auth_mode"] != "Service Account":
        raise GoogleNotConfigured("Attendance from Google Meet needs the Service Account mode in Google Settings "
                                  "(a user's own calendar connection does not cover Meet records)")
    return AuthorizedSession(delegated_credentials(user, MEET_SCOPES))


def _json(session: AuthorizedSession, url: str, missing_ok: bool = False, **params: Any) -> dict[str, Any]:
    response = request(session, "GET", url, params=params)
    if missing_ok and response.status_code == 404:
        return {}
    if response.status_code >= 400:
        raise GoogleApiError(_("Google error {0}: {1}", response.status_code, reason(response)))
    return dict(response.json()) if response.content else {}


def _pages(session: AuthorizedSession, url: str, key: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = None
    for _page in range(MAX_PAGES):
        page = _json(session, url, **params, **({"pageToken": token} if token else {}))
        items.extend(page.get(key) or [])
        token = page.get("nextPageToken")
        if not token:
            break
    return items


def _seconds(participant: dict[str, Any]) -> float:
    def instant(key: str) -> dt.datetime | None:
        value = participant.get(key)
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    start, end = instant("earliestStartTime"), instant("latestEndTime")
    return (end - start).total_seconds() if start and end else 0.0


def attendance(user: str, meeting_code: str) -> dict[str, float]:
    """{email: seconds between first join and last leave} of the signed-in participants of every conference
    held in the meeting `meeting_code` (e.g. abc-defg-hij), read as `user` (the meeting's organiser)."""
    config = settings()
    session = _session(user)
    meet, people = str(config["meet_api_base_url"]).rstrip("/"), str(config["people_api_base_url"]).rstrip("/")
    records = _pages(session, f"{meet}/conferenceRecords", "conferenceRecords",
                     filter=f'space.meeting_code="{meeting_code}"')
    seen: dict[str, float] = {}
    emails: dict[str, str | None] = {}
    for record in records:
        for participant in _pages(session, f"{meet}/{record['name']}/participants", "participants"):
            account = (participant.get("signedinUser") or {}).get("user", "")
            if not account.startswith("users/"):
                continue  # anonymous or phone: no account to match
            if account not in emails:
                # an account outside the directory (a guest's own Google account) is not found: not a member
                person = _json(session, f"{people}/people/{quote(account.removeprefix('users/'), safe='')}",
                               missing_ok=True, personFields="emailAddresses")
                addresses = [a.get("value") for a in person.get("emailAddresses") or [] if a.get("value")]
                emails[account] = str(addresses[0]).lower() if addresses else None
            email = emails[account]
            if email:
                seen[email] = seen.get(email, 0.0) + _seconds(participant)
    return seen
