"""A loopback fake of Google's token endpoint and Calendar v3 events, strict about request shapes.

It verifies what google-auth sends (the service account's signed JWT grant against the
account's public key, or an OAuth refresh with the client's id and secret), hands out access
tokens, and checks every Calendar call's bearer token, query and body (explicit time zones,
a hangoutsMeet conference request). It also answers the Meet REST API's conference records and
participants and the People API's `people/<id>` (attendance: `join`), for tokens granted the
Meet scopes only. Tests queue failures (`fail`) and read `calls`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

SCOPE = "https://www.googleapis.com/auth/calendar.events"
MEET_SCOPE = "https://www.googleapis.com/auth/meetings.space.readonly https://www.googleapis.com/auth/directory.readonly"
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
CLIENT_ID, CLIENT_SECRET = "client-123.apps.example", "client-secret-xyz"


@dataclass
class GoogleFake:
    base_url: str = ""
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> user it acts for
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> user
    events: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (calendar, id) -> event
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=dict)  # "token" / "insert" / ... -> statuses to answer
    lose_answer: set[str] = field(default_factory=set)  # operations that succeed but answer 500
    consenting_user: str = ""  # who is signed in to "Google" when a consent screen is shown
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # authorization code -> its grant
    token_scopes: dict[str, str] = field(default_factory=dict)  # access token -> the scopes it was granted
    meetings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # meeting code -> its participants
    people: dict[str, str] = field(default_factory=dict)  # Google user id -> primary email

    def __post_init__(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()).decode()
        self.public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    @property
    def api_base_url(self) -> str:
        return f"{self.base_url}/calendar/v3"

    def service_account_info(self) -> dict[str, str]:
        return {"type": "service_account", "project_id": "smooth-test", "private_key_id": "key-1",
                "private_key": self.private_pem, "client_email": "smooth@smooth-test.iam.gserviceaccount.com",
                "client_id": "1", "token_uri": "https://oauth2.googleapis.com/token"}

    def fail(self, operation: str, *statuses: int) -> None:
        self.failures.setdefault(operation, []).extend(statuses)

    def _failure(self, operation: str) -> Response | None:
        queued = self.failures.get(operation)
        if queued:
            status = queued.pop(0)
            return JSONResponse({"error": {"code": status, "message": f"injected {status}"}}, status_code=status)
        return None

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/authorize"

    async def authorize(self, request: Request) -> Response:
        """The consent screen, already agreed to: back to the client with a code bound to the PKCE challenge."""
        query = dict(request.query_params)
        self.calls.append(("GET", "/authorize", query))
        if query.get("client_id") != CLIENT_ID or query.get("code_challenge_method") != "S256" \
                or not query.get("code_challenge") or query.get("access_type") != "offline" or SCOPE not in \
                query.get("scope", "").split():
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = "4/" + secrets.token_urlsafe(12)
        self.codes[code] = {"challenge": query["code_challenge"], "redirect_uri": query["redirect_uri"],
                            "user": self.consenting_user}
        return RedirectResponse(f"{query['redirect_uri']}?code={code}&state={query.get('state', '')}&scope={SCOPE}",
                                status_code=302)

    async def token(self, request: Request) -> Response:
        form = dict(await request.form())
        self.calls.append(("POST", "/token", form))
        if (failed := self._failure("token")) is not None:
            return failed
        grant = form.get("grant_type")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            try:
                # Google checks the grant's audience against its public token URL, wherever it was posted
                claims = jwt.decode(form["assertion"], certs=self.public_pem, audience=GOOGLE_TOKEN_AUDIENCE)
            except ValueError as exc:
                return JSONResponse({"error": "invalid_grant", "error_description": str(exc)}, status_code=400)
            if claims.get("scope") not in (SCOPE, MEET_SCOPE) or not claims.get("sub"):
                return JSONResponse({"error": "invalid_scope"}, status_code=400)
            user = claims["sub"]
        elif grant == "authorization_code":
            issued = self.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if issued is None or issued["challenge"] != challenge or issued["redirect_uri"] != form.get("redirect_uri"):
                return JSONResponse({"error": "invalid_grant", "error_description": "Bad code or code_verifier"},
                                    status_code=400)
            user = issued["user"]
            refresh = "1//" + secrets.token_urlsafe(16)
            self.refresh_tokens[refresh] = user
            access = "ya29." + secrets.token_urlsafe(16)
            self.tokens[access] = user
            return JSONResponse({"access_token": access, "refresh_token": refresh, "expires_in": 3600,
                                 "token_type": "Bearer", "scope": SCOPE})
        elif grant == "refresh_token":
            if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            user = self.refresh_tokens.get(form.get("refresh_token", ""))
            if user is None:
                return JSONResponse({"error": "invalid_grant",
                                     "error_description": "Token has been expired or revoked."}, status_code=400)
        else:
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        access = "ya29." + secrets.token_urlsafe(16)
        self.tokens[access] = user
        scope = claims["scope"] if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer" else SCOPE
        self.token_scopes[access] = scope
        return JSONResponse({"access_token": access, "expires_in": 3600, "token_type": "Bearer", "scope": scope})

    def _user(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        return self.tokens.get(header.removeprefix("Bearer ")) if header.startswith("Bearer ") else None

    async def calendar_events(self, request: Request) -> Response:
        calendar = request.path_params["calendar"]
        event_id = request.path_params.get("event_id")
        body = json.loads(await request.body() or b"{}")
        self.calls.append((request.method, request.url.path, {"query": dict(request.query_params), "body": body}))
        if self._user(request) is None:
            return JSONResponse({"error": {"code": 401, "message": "Invalid Credentials"}}, status_code=401)
        operation = {"POST": "insert", "PATCH": "patch", "DELETE": "delete", "GET": "get"}[request.method]
        if (failed := self._failure(operation)) is not None:
            return failed
        if request.method == "POST":
            return self._insert(calendar, request, body, operation)
        key = (calendar, event_id or "")
        if key not in self.events or self.events[key].get("status") == "cancelled" and request.method != "GET":
            return JSONResponse({"error": {"code": 404, "message": "Not Found"}}, status_code=404)
        if request.method == "GET":
            return JSONResponse(self.events[key])
        if request.method == "DELETE":
            self.events[key]["status"] = "cancelled"
            return Response(status_code=204)
        problem = _check_times(body)
        if problem:
            return JSONResponse({"error": {"code": 400, "message": problem}}, status_code=400)
        self.events[key].update(body)
        return JSONResponse(self.events[key])

    def _insert(self, calendar: str, request: Request, body: dict[str, Any], operation: str) -> Response:
        if request.query_params.get("conferenceDataVersion") != "1":
            return JSONResponse({"error": {"code": 400, "message": "conferenceDataVersion=1 is required"}},
                                status_code=400)
        create = (body.get("conferenceData") or {}).get("createRequest") or {}
        problem = _check_times(body) or (
            None if create.get("conferenceSolutionKey", {}).get("type") == "hangoutsMeet" and create.get("requestId")
            else "conferenceData.createRequest needs a requestId and the hangoutsMeet solution")
        if problem or not body.get("id") or not body.get("attendees"):
            return JSONResponse({"error": {"code": 400, "message": problem or "id and attendees are required"}},
                                status_code=400)
        key = (calendar, body["id"])
        if key in self.events:
            return JSONResponse({"error": {"code": 409, "message": "The requested identifier already exists."}},
                                status_code=409)
        code = secrets.token_hex(5)
        link = f"https://meet.google.com/{code[:3]}-{code[3:7]}-{code[7:]}"
        self.events[key] = {**body, "status": "confirmed", "hangoutLink": link,
                            "conferenceData": {**body["conferenceData"], "entryPoints": [
                                {"entryPointType": "video", "uri": link}]}}
        if operation in self.lose_answer:
            self.lose_answer.discard(operation)
            return JSONResponse({"error": {"code": 500, "message": "backend error after write"}}, status_code=500)
        return JSONResponse(self.events[key])

    def join(self, meeting_code: str, user_id: str | None, email: str | None, minutes: int = 30) -> None:
        """A participant of a meeting: signed in (a Google user id, its email known to the People API) or
        anonymous (user_id None)."""
        if user_id and email:
            self.people[user_id] = email
        who = {"signedinUser": {"user": f"users/{user_id}", "displayName": email}} if user_id else \
            {"anonymousUser": {"displayName": "Guest"}}
        self.meetings.setdefault(meeting_code, []).append({
            **who, "earliestStartTime": "2026-12-01T10:00:00Z",
            "latestEndTime": f"2026-12-01T10:{minutes:02d}:00Z" if minutes < 60 else "2026-12-01T11:00:00Z"})

    def _meet_caller(self, request: Request) -> Response | None:
        header = request.headers.get("authorization", "").removeprefix("Bearer ")
        self.calls.append((request.method, request.url.path, {"query": dict(request.query_params)}))
        if header not in self.tokens:
            return JSONResponse({"error": {"code": 401, "message": "Invalid Credentials"}}, status_code=401)
        if self.token_scopes.get(header) != MEET_SCOPE:
            return JSONResponse({"error": {"code": 403, "message": "Request had insufficient authentication scopes."}},
                                status_code=403)
        return self._failure("meet")

    async def conference_records(self, request: Request) -> Response:
        if (refused := self._meet_caller(request)) is not None:
            return refused
        wanted = request.query_params.get("filter", "")
        records = [{"name": f"conferenceRecords/rec-{code}", "space": f"spaces/{code}"} for code in self.meetings
                   if wanted == f'space.meeting_code="{code}"']
        return JSONResponse({"conferenceRecords": records} if records else {})

    async def participants(self, request: Request) -> Response:
        """Two participants a page, as Google pages them."""
        if (refused := self._meet_caller(request)) is not None:
            return refused
        everyone = self.meetings.get(request.path_params["record"].removeprefix("rec-"), [])
        start = int(request.query_params.get("pageToken") or 0)
        page: dict[str, Any] = {"participants": everyone[start:start + 2]}
        if start + 2 < len(everyone):
            page["nextPageToken"] = str(start + 2)
        return JSONResponse(page)

    async def person(self, request: Request) -> Response:
        if (refused := self._meet_caller(request)) is not None:
            return refused
        email = self.people.get(request.path_params["person"])
        if email is None or "emailAddresses" not in request.query_params.get("personFields", ""):
            return JSONResponse({"error": {"code": 404, "message": "Requested entity was not found."}},
                                status_code=404)
        return JSONResponse({"resourceName": f"people/{request.path_params['person']}",
                             "emailAddresses": [{"value": email, "metadata": {"primary": True}}]})

    @property
    def meet_api_base_url(self) -> str:
        return f"{self.base_url}/meet/v2"

    @property
    def people_api_base_url(self) -> str:
        return f"{self.base_url}/people/v1"

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/token", self.token, methods=["POST"]),
            Route("/authorize", self.authorize, methods=["GET"]),
            Route("/calendar/v3/calendars/{calendar}/events", self.calendar_events, methods=["POST"]),
            Route("/calendar/v3/calendars/{calendar}/events/{event_id}", self.calendar_events,
                  methods=["GET", "PATCH", "DELETE"]),
            Route("/meet/v2/conferenceRecords", self.conference_records, methods=["GET"]),
            Route("/meet/v2/conferenceRecords/{record}/participants", self.participants, methods=["GET"]),
            Route("/people/v1/people/{person}", self.person, methods=["GET"]),
        ])

    def live_events(self) -> list[dict[str, Any]]:
        return [e for e in self.events.values() if e.get("status") != "cancelled"]


def _check_times(body: dict[str, Any]) -> str | None:
    for end in ("start", "end"):
        value = body.get(end) or {}
        if not value.get("dateTime") or not value.get("timeZone"):
            return f"{end} needs dateTime and an explicit timeZone"
        if value["dateTime"].endswith("Z") or "+" in value["dateTime"][10:]:
            return f"{end}.dateTime is a wall clock in timeZone; it must carry no offset here"
    return None
