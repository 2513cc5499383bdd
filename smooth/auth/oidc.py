"""Single sign-on with OpenID Connect, against any provider a Social Login Key (Frappe's doctype) describes.

The flow is the authorization code flow with PKCE (S256):

1. `begin` makes a random `state`, `nonce` and code verifier for this one attempt and seals them, with
   the key's name, the page to return to and an expiry (site config `oidc_login_seconds`, default 600),
   into a cookie value: Fernet with the site's encryption key, so the browser can neither read the
   verifier nor forge a state. The browser goes to the provider's authorization endpoint.
2. `complete` takes the provider's answer: the state must be the sealed one (constant time), for the
   same key, in time; the page clears the cookie whatever follows, so an attempt serves one callback.
   The code goes to the token endpoint with the client secret and the verifier.
3. The ID token must be signed by a key of the provider's JWKS with an asymmetric algorithm (never
   `none`, never an HMAC keyed with a public key), and name this client (`aud`; `azp` when it names
   several), the provider (`iss`), a time not past (`exp`, 60 s leeway) and the attempt's nonce.
4. The email comes from the ID token, else from the userinfo endpoint (whose `sub` must be the
   token's), and counts only when the provider vouches for it (`email_verified` true, or the claim
   the key names). It matches a User by email; with none, a key whose `sign_ups` is Allow makes one
   with its default roles. A disabled User is refused (smooth.auth.login.open_session).

Every refusal is an `SsoError` (401) whose message says what went wrong and what to do.

Second factor: an SSO login opens the session without asking for a TOTP code, as Frappe's social
logins do: the identity provider authenticated the person, under its own MFA policy; the second
factor here guards passwords. The login history (Activity Log) records each success, and each refusal
once the person is known (an unverified email of a User, a disabled User), with method "Single Sign-On".
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urljoin

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from cryptography.fernet import InvalidToken
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import KeySet

from smooth.auth.settings import int_setting
from smooth.context import local
from smooth.core.doctype.social_login_key.social_login_key import ENDPOINTS, extra_params
from smooth.exceptions import AuthenticationError
from smooth.integrations.google_calendar import check_endpoint
from smooth.messages import _
from smooth.model.database_api import document_db
from smooth.model.passwords import fernet, get_decrypted_password
from smooth.model.records import get_doc

SOCIAL_LOGIN_KEY = "Social Login Key"
METHOD = "Single Sign-On"  # the login history's method
COOKIE = "oidc_login"
DEFAULT_FLOW_SECONDS = 600
TIMEOUT_SECONDS = 10
LEEWAY_SECONDS = 60
CACHE_SECONDS = 300  # discovery documents and key sets, per process
DISCOVERY_PATH = "/.well-known/openid-configuration"
DEFAULT_SCOPE = "openid email profile"
# Google documents its ID tokens' iss as "https://accounts.google.com" or "accounts.google.com"
ISSUER_ALIASES = {"https://accounts.google.com": ("accounts.google.com",)}
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
# what the key's auth_url_data may not change: the flow's own security parameters
RESERVED_PARAMS = frozenset({"state", "nonce", "code_challenge", "code_challenge_method", "redirect_uri",
                             "response_type", "client_id", "scope"})


class SsoError(AuthenticationError):
    """A refused single sign-on; `user` is the matched User when there is one (for the login history)."""

    def __init__(self, message: str, user: str | None = None) -> None:
        super().__init__(message)
        self.user = user


@dataclass(frozen=True)
class Provider:
    """A Social Login Key with its endpoints resolved (the key's own, else the provider's discovery)."""

    key: str
    label: str
    client_id: str
    issuer: str
    authorize_url: str
    token_url: str
    userinfo_url: str
    jwks_uri: str
    scope: str
    auth_params: dict[str, str]
    verified_claim: str
    sign_ups: bool
    default_roles: tuple[str, ...]
    token_auth_method: str


@dataclass(frozen=True)
class Attempt:
    """One sign-in between leaving for the provider and coming back (sealed into the cookie)."""

    key: str
    state: str
    nonce: str
    verifier: str
    redirect_to: str
    expires: float


# -- the keys ------------------------------------------------------------------------------------------------

def login_buttons() -> list[tuple[str, str]]:
    """(key, provider name) of each enabled Social Login Key, for the login page's buttons."""
    rows = document_db().get_all(SOCIAL_LOGIN_KEY, filters={"enable_social_login": 1},
                                 fields=["name", "provider_name"], order_by="provider_name asc")
    return [(str(r["name"]), str(r["provider_name"] or r["name"])) for r in rows]


def provider(key: Any) -> Provider:
    """The enabled key `key`, its endpoints resolved; SsoError when there is none or it is incomplete."""
    fields = ["name", "provider_name", "enable_social_login", "client_id", "base_url", "auth_url_data",
              "email_verified_claim", "sign_ups", *(field for field, _, _ in ENDPOINTS)]
    row = document_db().get_value(SOCIAL_LOGIN_KEY, key, fields, as_dict=True) if isinstance(key, str) else None
    if not row or not row["enable_social_login"]:
        raise SsoError(_("This single sign-on provider is not set up here: log in with your password or another "
                         "provider"))
    label = str(row["provider_name"] or row["name"])
    base = str(row["base_url"] or "").strip().rstrip("/")
    discovered = _discovery(base, label) if base else {}
    endpoints = {field: _endpoint(row[field], base) or str(discovered.get(meta) or "") for field, meta, _ in ENDPOINTS}
    missing = [lbl for field, _, lbl in ENDPOINTS if not endpoints[field] and field != "api_endpoint"]
    missing = missing if base else ["Base URL", *missing]
    if missing or not row["client_id"]:
        raise SsoError(_("Single sign-on with {0} is not fully set up (missing: {1}): ask an administrator to "
                         "complete its Social Login Key", label, ', '.join(missing or ['Client ID'])))
    extra = extra_params(row["auth_url_data"])
    methods = discovered.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    roles = tuple(document_db().get_all("Has Role", filters={"parent": row["name"], "parenttype": SOCIAL_LOGIN_KEY},
                                        pluck="role", order_by="idx asc"))
    return Provider(key=str(row["name"]), label=label, client_id=str(row["client_id"]),
                    issuer=str(discovered.get("issuer") or base), authorize_url=endpoints["authorize_url"],
                    token_url=endpoints["access_token_url"], userinfo_url=endpoints["api_endpoint"],
                    jwks_uri=endpoints["jwks_uri"], scope=_with_openid(extra.pop("scope", DEFAULT_SCOPE)),
                    auth_params={k: v for k, v in extra.items() if k not in RESERVED_PARAMS},
                    verified_claim=str(row["email_verified_claim"] or "email_verified"),
                    sign_ups=row["sign_ups"] == "Allow", default_roles=roles,
                    token_auth_method="client_secret_basic" if "client_secret_basic" in methods
                    else "client_secret_post")


def _with_openid(scope: str) -> str:
    """A scope without `openid` would get no ID token: it is always asked for."""
    return scope if "openid" in scope.split() else f"openid {scope}".strip()


def _endpoint(value: Any, base: str) -> str:
    """A key's URL: absolute as given, or a path on its base URL (Frappe's keys hold both kinds)."""
    text = str(value or "").strip()
    return urljoin(base + "/", text.lstrip("/")) if text.startswith("/") and base else text


# -- fetched documents (discovery, key sets), cached briefly per process -------------------------------------

_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def _fetch_json(url: str, label: str, what: str, *, fresh: bool = False) -> dict[str, Any]:
    with _cache_lock:
        hit = _cache.get(url)
    if hit and not fresh and hit[0] > time.monotonic():
        return hit[1]
    check_endpoint(url, f"{label}'s {what}")
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SsoError(_("{0} could not be reached for its {1} ({2}): try again in a few minutes, or ask an "
                         "administrator to check its Social Login Key", label, what, type(exc).__name__)) from None
    if not isinstance(data, dict):
        raise SsoError(_("{0}'s {1} is not a JSON object: ask an administrator to check its Social Login Key",
                         label, what))
    with _cache_lock:
        _cache[url] = (time.monotonic() + CACHE_SECONDS, data)
    return data


def _discovery(base: str, label: str) -> dict[str, Any]:
    data = _fetch_json(base + DISCOVERY_PATH, label, _("OpenID configuration"))
    if str(data.get("issuer") or "").rstrip("/") != base:
        raise SsoError(_("{0}'s OpenID configuration names another issuer ({1!r}, not {2!r}): ask an administrator "
                         "to check the Base URL of its Social Login Key", label, data.get('issuer'), base))
    return data


def forget_fetched() -> None:
    """Drop the cached discovery documents and key sets (a provider rotated its keys, a test restarts one)."""
    with _cache_lock:
        _cache.clear()


# -- the attempt ---------------------------------------------------------------------------------------------

def flow_seconds() -> int:
    return int_setting(local().site, "oidc_login_seconds", DEFAULT_FLOW_SECONDS, minimum=1)


def begin(key: Any, redirect_uri: str, redirect_to: str) -> tuple[str, str]:
    """Where to send the browser for `key`, and the sealed attempt for the cookie."""
    found = provider(key)
    attempt = Attempt(key=found.key, state=generate_token(32), nonce=generate_token(32),
                      verifier=generate_token(64), redirect_to=redirect_to, expires=time.time() + flow_seconds())
    client = OAuth2Session(found.client_id, redirect_uri=redirect_uri, scope=found.scope,
                           code_challenge_method="S256")
    url, _state = client.create_authorization_url(found.authorize_url, state=attempt.state, nonce=attempt.nonce,
                                             code_verifier=attempt.verifier, **found.auth_params)
    return str(url), fernet().encrypt(json.dumps(asdict(attempt)).encode()).decode()


def _unseal(sealed: Any) -> Attempt | None:
    if not isinstance(sealed, str) or not sealed or len(sealed) > 4000:
        return None
    try:
        attempt = Attempt(**json.loads(fernet().decrypt(sealed.encode())))
    except (InvalidToken, ValueError, TypeError):
        return None
    return attempt if attempt.expires > time.time() else None


def complete(key: Any, params: dict[str, Any], sealed: Any, redirect_uri: str) -> tuple[str, str]:
    """The User the provider's callback signs in (made now when the key allows sign-ups), and the page the
    attempt wanted to return to; SsoError for every refusal."""
    attempt = _unseal(sealed)
    state = params.get("state")
    if attempt is None or attempt.key != key or not isinstance(state, str) \
            or not hmac.compare_digest(attempt.state.encode(), state.encode()):
        raise SsoError(_("This sign-in was not started in this browser, has expired or was already used: choose "
                         "the provider's button on the login page again"))
    found = provider(key)
    if params.get("error"):
        detail = str(params.get("error_description") or params.get("error"))[:300]
        raise SsoError(_("{0} did not sign you in ({1}): try again, or log in another way", found.label, detail))
    code = params.get("code")
    if not isinstance(code, str) or not code or len(code) > 4000:
        raise SsoError(_("{0} sent no sign-in code back: choose its button on the login page again", found.label))
    token = _exchange(found, code, attempt, redirect_uri)
    claims = _verify_id_token(found, token.get("id_token"), attempt.nonce)
    email = _verified_email(found, claims, token)
    return _user_for(found, email, claims), attempt.redirect_to


def _exchange(found: Provider, code: str, attempt: Attempt, redirect_uri: str) -> dict[str, Any]:
    secret = get_decrypted_password(SOCIAL_LOGIN_KEY, found.key, "client_secret", raise_exception=False) or ""
    client = OAuth2Session(found.client_id, secret, redirect_uri=redirect_uri,
                           token_endpoint_auth_method=found.token_auth_method)
    try:
        check_endpoint(found.token_url, f"{found.label}'s token endpoint")
        return dict(client.fetch_token(found.token_url, code=code, code_verifier=attempt.verifier,
                                       timeout=TIMEOUT_SECONDS))
    except OAuthError as exc:
        raise SsoError(_("{0} did not accept the sign-in code ({1}): it may have been used already; choose its "
                         "button on the login page again", found.label, exc.error)) from None
    except (requests.RequestException, ValueError) as exc:
        raise SsoError(_("{0} could not be reached to finish the sign-in ({1}): try again in a few minutes",
                         found.label, type(exc).__name__)) from None
    finally:
        client.close()


def _verify_id_token(found: Provider, id_token: Any, nonce: str) -> dict[str, Any]:
    if not isinstance(id_token, str) or not id_token:
        raise SsoError(_("{0} sent no ID token: check that its Social Login Key asks for the openid scope",
                         found.label))
    try:
        token = _decode(found, id_token)
    except (JoseError, ValueError):
        raise SsoError(_("{0}'s ID token is not signed with the provider's keys: the sign-in was refused; try again",
                         found.label)) from None
    claims = dict(token.claims)
    issuers = [found.issuer, *ISSUER_ALIASES.get(found.issuer, ())]
    registry = jwt.JWTClaimsRegistry(leeway=LEEWAY_SECONDS, iss={"essential": True, "values": issuers},
                                     aud={"essential": True, "value": found.client_id}, exp={"essential": True},
                                     sub={"essential": True}, nonce={"essential": True, "value": nonce})
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise SsoError(_("{0}'s ID token has expired (is this server's clock right?): try again",
                         found.label)) from None
    except (InvalidClaimError, MissingClaimError) as exc:
        raise SsoError(_("{0}'s ID token was refused: {1}; try again", found.label,
                         _claim_problem(exc.claim))) from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != found.client_id:
        raise SsoError(_("{0}'s ID token was refused: {1}; try again", found.label, _claim_problem('azp')))
    return claims


def _decode(found: Provider, id_token: str) -> jwt.Token:
    """Verify the signature with the provider's key set, fetched again (once) when the token names a key the
    cached set lacks: the provider rotated its keys."""
    keys = _key_set(found, fresh=False)
    kid = _header(id_token).get("kid")
    if kid and kid not in {key.kid for key in keys.keys}:
        keys = _key_set(found, fresh=True)
    return jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))


def _key_set(found: Provider, *, fresh: bool) -> KeySet:
    data = _fetch_json(found.jwks_uri, found.label, _("signing keys"), fresh=fresh)
    return KeySet.import_key_set(data)  # type: ignore[arg-type]


def _header(token: str) -> dict[str, Any]:
    segment = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except ValueError:
        return {}
    return header if isinstance(header, dict) else {}


def _claim_problem(claim: str) -> str:
    problems = {"aud": _("it was issued for another application (audience)"),
                "azp": _("it was issued for another application (authorized party)"),
                "iss": _("it was issued by another provider (issuer)"),
                "nonce": _("it belongs to another sign-in attempt (nonce)"),
                "exp": _("it carries no expiry"),
                "sub": _("it names no subject")}
    return problems.get(claim) or _("its {0} claim is wrong", claim)


def _verified_email(found: Provider, claims: dict[str, Any], token: dict[str, Any]) -> str:
    info = claims
    if not claims.get("email") or found.verified_claim not in claims:
        fetched = _userinfo(found, claims, token)
        if claims.get("email") and str(fetched.get("email") or "").lower() != str(claims["email"]).lower():
            fetched = {}  # its verification is about another address than the signed one
        info = {**fetched, **claims}  # the signed token wins
    email = str(info.get("email") or "").strip().lower()
    if not email:
        raise SsoError(_("{0} did not share your email address: allow it to, or ask an administrator to add the "
                         "email scope to its Social Login Key", found.label))
    verified = info.get(found.verified_claim)
    if verified is not True and str(verified).lower() != "true":
        raise SsoError(_("{0} has not verified the email address {1}: verify it with {0} first, or log in with "
                         "your password", found.label, email), user=document_db().get_value("User", {"email": email}))
    return email


def _userinfo(found: Provider, claims: dict[str, Any], token: dict[str, Any]) -> dict[str, Any]:
    if not found.userinfo_url or not token.get("access_token"):
        return {}
    check_endpoint(found.userinfo_url, f"{found.label}'s user info endpoint")
    try:
        response = requests.get(found.userinfo_url, timeout=TIMEOUT_SECONDS,
                                headers={"Authorization": f"Bearer {token['access_token']}",
                                         "Accept": "application/json"})
        response.raise_for_status()
        info = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SsoError(_("{0} could not be reached for your profile ({1}): try again in a few minutes",
                         found.label, type(exc).__name__)) from None
    if not isinstance(info, dict) or info.get("sub") != claims.get("sub"):
        raise SsoError(_("{0}'s profile answer is for another person than its ID token: the sign-in was refused",
                         found.label))
    return info


def _user_for(found: Provider, email: str, claims: dict[str, Any]) -> str:
    user = document_db().get_value("User", {"email": email})
    if user:
        return str(user)
    if not found.sign_ups:
        raise SsoError(_("No user with the email address {0} exists here, and sign-ups through {1} are off: ask an "
                         "administrator to add you", email, found.label))
    first = claims.get("given_name") or claims.get("name") or email.split("@", 1)[0]
    doc = get_doc({"doctype": "User", "email": email, "first_name": str(first)[:140],
                   "last_name": str(claims.get("family_name") or "")[:140] or None,
                   "roles": [{"role": role} for role in found.default_roles]})
    doc.insert(ignore_permissions=True)
    return str(doc.name)
