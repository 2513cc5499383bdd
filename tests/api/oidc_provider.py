"""A loopback OpenID Connect provider for the single sign-on tests: real HTTP, real RS256 ID tokens.

It serves discovery, its key set, an authorization endpoint that signs in `user` without asking
(redirecting back with a code, or with `deny`'s error), a token endpoint that insists on the
client's secret, the redirect URI and the PKCE verifier of the code's challenge and spends each
code once, and userinfo. Tests bend what it signs through `overrides` (claims) and `signing`
("good", "other-key": a key not in its set under the same kid, "none": unsigned, "tampered":
a claim changed after signing), and read what clients sent in `authorize_requests` and `token_requests`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.api.serving import serving

CLIENT_ID, CLIENT_SECRET = "smooth-test-client", "loopback-secret-123"
KID = "loopback-1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class OidcProvider:
    base_url: str = ""
    user: dict[str, Any] = field(default_factory=dict)  # who is signed in at the provider: their claims
    overrides: dict[str, Any] = field(default_factory=dict)  # ID token claims to set (None removes one)
    signing: str = "good"
    deny: str = ""  # an error to answer the authorization request with (access_denied ...)
    email_in_id_token: bool = True  # False: the email and its verification only from userinfo
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"})
        self.stranger = RSAKey.generate_key(2048, parameters={"kid": KID})

    def rotate(self) -> None:
        """A new signing key under a new kid, the only one in the key set from now on."""
        kid = f"loopback-{secrets.token_hex(4)}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
        self.stranger = RSAKey.generate_key(2048, parameters={"kid": kid})

    def reset(self, **user: Any) -> None:
        self.user = {"sub": secrets.token_hex(8), "email_verified": True, **user}
        self.overrides, self.signing, self.deny, self.email_in_id_token = {}, "good", "", True
        self.authorize_requests.clear()
        self.token_requests.clear()

    # -- the endpoints ------------------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/jwks", self.jwks),
            Route("/authorize", self.authorize),
            Route("/token", self.token, methods=["POST"]),
            Route("/userinfo", self.userinfo),
        ])

    async def discovery(self, request: Request) -> Response:
        base = self.base_url
        return JSONResponse({"issuer": base, "authorization_endpoint": f"{base}/authorize",
                             "token_endpoint": f"{base}/token", "userinfo_endpoint": f"{base}/userinfo",
                             "jwks_uri": f"{base}/jwks", "response_types_supported": ["code"],
                             "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                             "code_challenge_methods_supported": ["S256"],
                             "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: Request) -> Response:
        query = dict(request.query_params)
        self.authorize_requests.append(query)
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        redirect = query.get("redirect_uri", "")
        if self.deny:
            return RedirectResponse(f"{redirect}?{urlencode({'error': self.deny, 'state': query.get('state', '')})}")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return RedirectResponse(f"{redirect}?{urlencode({'error': 'invalid_request', 'state': query['state']})}")
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"challenge": query["code_challenge"], "redirect_uri": redirect,
                            "nonce": query.get("nonce"), "user": dict(self.user)}
        return RedirectResponse(f"{redirect}?{urlencode({'code': code, 'state': query.get('state', '')})}")

    async def token(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        self.token_requests.append(form)
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = request.headers.get("authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        if client_id != CLIENT_ID or secret != CLIENT_SECRET:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self.codes.pop(form.get("code", ""), None)  # a code is spent by its first use
        if grant is None or form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        challenge = _b64(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
        if challenge != grant["challenge"] or form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE verifier or redirect URI"},
                                status_code=400)
        access = secrets.token_urlsafe(24)
        self.access_tokens[access] = grant["user"]
        return JSONResponse({"access_token": access, "token_type": "Bearer", "expires_in": 300,
                             "id_token": self.id_token(grant["user"], grant["nonce"])})

    async def userinfo(self, request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        user = self.access_tokens.get(auth.removeprefix("Bearer "))
        if user is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse(user)

    # -- ID tokens ----------------------------------------------------------------------------------------

    def id_token(self, user: dict[str, Any], nonce: str | None) -> str:
        now = int(time.time())
        claims = {"iss": self.base_url, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": nonce, **user}
        if not self.email_in_id_token:
            claims = {k: v for k, v in claims.items() if k not in ("email", "email_verified")}
        claims.update(self.overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        if self.signing == "none":
            return f"{_b64(json.dumps({'alg': 'none'}).encode())}.{_b64(json.dumps(claims).encode())}."
        key = self.stranger if self.signing == "other-key" else self.key
        signed = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key)
        if self.signing == "tampered":
            header, _, signature = signed.split(".")
            return f"{header}.{_b64(json.dumps({**claims, 'email': 'mallory@example.com'}).encode())}.{signature}"
        return signed


@contextmanager
def running_provider() -> Iterator[OidcProvider]:
    provider = OidcProvider()
    with serving(provider.app()) as url:
        provider.base_url = url
        yield provider
