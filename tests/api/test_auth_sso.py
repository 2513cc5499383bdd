"""Single sign-on over real HTTP against a loopback OpenID Connect provider (tests/api/oidc_provider.py)
that signs real RS256 ID tokens: the happy path, and every refusal with its message.

SQLite only: the flow is HTTP, cookies and token checks; its few writes (a session, a user, the login
history) are the same statements password logins run on both backends.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import smooth
from smooth.auth import oidc
from tests.api.auth_fixtures import AuthSite, set_cookies
from tests.api.helpers import add_user
from tests.api.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, running_provider

pytestmark = pytest.mark.parametrize("api_server", ["sqlite"], indirect=True)

ANN = "ann@example.com"
KEY = "loopback"
WHO = "/api/method/frappe.auth.get_logged_user"


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with running_provider() as running:
        yield running


@pytest.fixture
def sso(auth: AuthSite, provider: OidcProvider) -> Iterator[OidcProvider]:
    """An enabled Social Login Key for the loopback provider (sign-ups off); ANN exists, signed in there."""
    provider.reset(email=ANN, given_name="Ann", family_name="Lee")
    oidc.forget_fetched()
    with auth.handle.context():
        smooth.get_doc({"doctype": "Social Login Key", "provider_name": "Loopback", "enable_social_login": 1,
                        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "base_url": provider.base_url,
                        "sign_ups": "Deny"}).insert()
        smooth.db.commit()
    add_user(auth.api, ANN, "Test Reader")
    yield provider
    with auth.handle.context():
        smooth.delete_doc("Social Login Key", KEY, force=True)
        smooth.db.commit()


def _sign_in(client: httpx.Client, query: str = "") -> httpx.Response:
    """The button, the provider's automatic consent, and the callback's answer."""
    start = client.get(f"/login/oidc/{KEY}{query}")
    assert start.status_code == 303, start.text
    at_provider = client.get(start.headers["location"])
    assert at_provider.status_code == 307, at_provider.text
    return client.get(at_provider.headers["location"])


def _refused(response: httpx.Response, *words: str) -> str:
    assert response.status_code == 401, response.text[:500]
    assert "sid" not in set_cookies(response) or not set_cookies(response)["sid"].value
    text = html.unescape(response.text)
    for word in words:
        assert word in text, text[:3000]
    assert 'href="/login/oidc/loopback"' in response.text  # the login page again, its button there
    return text


def _history(auth: AuthSite, user: str) -> list[tuple[str, str]]:
    with auth.handle.context():
        rows = smooth.get_all("Activity Log", filters={"user": user}, fields=["status", "method"],
                              order_by="timestamp asc, creation asc")
    return [(r["status"], r["method"]) for r in rows]


def test_login_page_button_leads_through_the_provider_to_a_session(auth: AuthSite, sso: OidcProvider) -> None:
    client = auth.client()
    page = client.get("/login?redirect-to=/app/user")
    assert 'href="/login/oidc/loopback?redirect-to=/app/user">Log in with Loopback</a>' in page.text

    done = _sign_in(client, "?redirect-to=/app/user")
    assert done.status_code == 303 and done.headers["location"] == "/app/user", done.text
    assert client.get(WHO).json()["message"] == ANN
    assert set_cookies(done)["oidc_login"]["max-age"] == "0"  # the attempt is spent

    asked = sso.authorize_requests[-1]
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    assert len(asked["state"]) >= 32 and len(asked["nonce"]) >= 32 and "openid" in asked["scope"].split()
    assert urlsplit(asked["redirect_uri"]).path == "/login/oidc/loopback/callback"
    assert sso.token_requests[-1]["code_verifier"]  # the provider matched it to the challenge
    assert _history(auth, ANN) == [("Success", "Single Sign-On")]

    again = _sign_in(auth.client(), "?redirect-to=//evil.example/")  # each attempt its own state and nonce
    assert again.status_code == 303 and again.headers["location"] == "/app"  # and only pages of this site
    assert sso.authorize_requests[-1]["state"] != asked["state"]
    assert sso.authorize_requests[-1]["nonce"] != asked["nonce"]


def test_a_rotated_signing_key_is_fetched_again(auth: AuthSite, sso: OidcProvider) -> None:
    assert _sign_in(auth.client()).status_code == 303  # the key set is cached now
    sso.rotate()
    assert _sign_in(auth.client()).status_code == 303


def test_email_and_its_verification_may_come_from_userinfo(auth: AuthSite, sso: OidcProvider) -> None:
    """With Auth URL Data's scope lacking openid (asked for all the same) and the email only in userinfo; then
    an absolute Redirect URL (a site behind a proxy) is sent as it is."""
    with auth.handle.context():
        smooth.db.set_value("Social Login Key", KEY, "auth_url_data", '{"scope": "email", "prompt": "login"}')
        smooth.db.commit()
    sso.email_in_id_token = False
    client = auth.client()
    assert _sign_in(client).status_code == 303
    assert client.get(WHO).json()["message"] == ANN
    asked = sso.authorize_requests[-1]
    assert (asked["scope"], asked["prompt"]) == ("openid email", "login")

    public = f"https://lms.example.com/login/oidc/{KEY}/callback"
    with auth.handle.context():
        smooth.db.set_value("Social Login Key", KEY, "redirect_url", public)
        smooth.db.commit()
    start = auth.client().get(f"/login/oidc/{KEY}")
    assert parse_qs(urlsplit(start.headers["location"]).query)["redirect_uri"] == [public]


def test_a_callback_serves_once_and_only_in_the_browser_that_started_it(auth: AuthSite, sso: OidcProvider) -> None:
    client = auth.client()
    start = client.get(f"/login/oidc/{KEY}")
    sealed = client.cookies.get("oidc_login")
    callback = client.get(start.headers["location"]).headers["location"]
    assert client.get(callback).status_code == 303

    _refused(client.get(callback), "not started in this browser")  # the cookie is gone
    replayed = auth.client().get(callback, headers={"Cookie": f"oidc_login={sealed}"})
    _refused(replayed, "Loopback did not accept the sign-in code")  # the provider spent the code
    _refused(auth.client().get(callback), "not started in this browser")  # another browser
    assert _history(auth, ANN) == [("Success", "Single Sign-On")]


def test_a_wrong_state_or_an_expired_attempt_is_refused(auth: AuthSite, sso: OidcProvider) -> None:
    client = auth.client()
    start = client.get(f"/login/oidc/{KEY}")
    callback = client.get(start.headers["location"]).headers["location"]
    parts = urlsplit(callback)
    code = parse_qs(parts.query)["code"][0]
    _refused(client.get(parts.path, params={"code": code, "state": "forged"}), "not started in this browser")
    assert sso.token_requests == []  # refused before the code was spent

    auth.configure(oidc_login_seconds=1)
    client = auth.client()
    start = client.get(f"/login/oidc/{KEY}")
    callback = client.get(start.headers["location"]).headers["location"]
    time.sleep(1.2)
    _refused(client.get(callback), "has expired")


def test_provider_errors_are_shown(auth: AuthSite, sso: OidcProvider) -> None:
    sso.deny = "<b>access_denied</b>"
    response = _sign_in(auth.client())
    _refused(response, "Loopback did not sign you in (<b>access_denied</b>)")
    assert "&lt;b&gt;access_denied" in response.text


@pytest.mark.parametrize(("bend", "words"), [
    ({"signing": "tampered"}, "not signed with the provider's keys"),
    ({"signing": "none"}, "not signed with the provider's keys"),
    ({"signing": "other-key"}, "not signed with the provider's keys"),
    ({"overrides": {"nonce": "another-attempt"}}, "another sign-in attempt (nonce)"),
    ({"overrides": {"nonce": None}}, "another sign-in attempt (nonce)"),
    ({"overrides": {"aud": "someone-else"}}, "another application (audience)"),
    ({"overrides": {"aud": [CLIENT_ID, "someone-else"], "azp": "someone-else"}}, "(authorized party)"),
    ({"overrides": {"iss": "https://evil.example"}}, "another provider (issuer)"),
    ({"overrides": {"exp": int(time.time()) - 3600}}, "ID token has expired"),
], ids=["tampered", "unsigned", "other-key", "wrong-nonce", "no-nonce", "wrong-audience", "wrong-azp",
        "wrong-issuer", "expired"])
def test_an_id_token_that_fails_a_check_is_refused(auth: AuthSite, sso: OidcProvider, bend: dict[str, object],
                                                   words: str) -> None:
    for name, value in bend.items():
        setattr(sso, name, value)
    client = auth.client()
    _refused(_sign_in(client), words)
    assert client.get(WHO).status_code == 403


def test_an_unverified_email_is_refused_and_recorded(auth: AuthSite, sso: OidcProvider) -> None:
    sso.user["email_verified"] = False
    _refused(_sign_in(auth.client()), f"Loopback has not verified the email address {ANN}")
    sso.user["email_verified"] = "true"  # a provider that sends it as text (Cognito) still counts
    assert _sign_in(auth.client()).status_code == 303
    assert _history(auth, ANN) == [("Failed", "Single Sign-On"), ("Success", "Single Sign-On")]


def test_a_disabled_user_is_refused_and_recorded(auth: AuthSite, sso: OidcProvider) -> None:
    with auth.handle.context():
        smooth.db.set_value("User", ANN, "enabled", 0)
        smooth.db.commit()
    _refused(_sign_in(auth.client()), f"User {ANN} is disabled")
    assert _history(auth, ANN) == [("Failed", "Single Sign-On")]


def test_an_unknown_person_gets_a_user_only_when_sign_ups_are_allowed(auth: AuthSite, sso: OidcProvider) -> None:
    bob = "bob@example.com"
    sso.user.update(email=bob.upper(), given_name="Bob", family_name="Ray")
    _refused(_sign_in(auth.client()), f"No user with the email address {bob} exists here",
             "sign-ups through Loopback are off")

    with auth.handle.context():
        key = smooth.get_doc("Social Login Key", KEY)
        key.sign_ups = "Allow"
        key.append("default_roles", {"role": "Test Student"})
        key.save()
        smooth.db.commit()
    client = auth.client()
    assert _sign_in(client).status_code == 303
    assert client.get(WHO).json()["message"] == bob
    with auth.handle.context():
        made = smooth.get_doc("User", bob)
        assert (made.full_name, [r.role for r in made.roles]) == ("Bob Ray", ["Test Student"])
    assert _history(auth, bob) == [("Success", "Single Sign-On")]


def test_a_disabled_or_unknown_key_has_no_button_and_no_door(auth: AuthSite, sso: OidcProvider) -> None:
    with auth.handle.context():
        smooth.db.set_value("Social Login Key", KEY, "enable_social_login", 0)
        smooth.db.commit()
    client = auth.client()
    assert "/login/oidc/" not in client.get("/login").text
    _refused_page = client.get(f"/login/oidc/{KEY}")
    assert _refused_page.status_code == 401 and "not set up here" in html.unescape(_refused_page.text)
    assert client.get("/login/oidc/nonesuch").status_code == 401


def test_social_login_key_checks_what_it_is_given(auth: AuthSite) -> None:
    with auth.handle.context():
        key = smooth.get_doc({"doctype": "Social Login Key", "provider_name": "Company Login!",
                              "social_login_provider": "Google"}).insert()
        assert (key.name, key.base_url, key.redirect_url) == ("company_login", "https://accounts.google.com",
                                                              "/login/oidc/company_login/callback")
        for values, words in [({"base_url": "http://idp.example"}, "must be an https:// address"),
                              ({"jwks_uri": "ftp://idp.example/keys"}, "must be an https:// address"),
                              ({"auth_url_data": "[1]"}, "must be a JSON object"),
                              ({"enable_social_login": 1}, "Enter the Client ID")]:
            with pytest.raises(smooth.ValidationError, match=words):
                smooth.get_doc({"doctype": "Social Login Key", "provider_name": "Other", **values}).insert()
        smooth.db.rollback()


def test_google_id_tokens_may_name_their_issuer_without_the_scheme(auth: AuthSite, sso: OidcProvider) -> None:
    """Google documents both "https://accounts.google.com" and "accounts.google.com" as its ID tokens' iss."""
    google = oidc.Provider(key="google", label="Google", client_id=CLIENT_ID, issuer="https://accounts.google.com",
                           authorize_url="", token_url="", userinfo_url="", jwks_uri=f"{sso.base_url}/jwks",
                           scope="openid", auth_params={}, verified_claim="email_verified", sign_ups=False,
                           default_roles=(), token_auth_method="client_secret_basic")
    for issuer in ("https://accounts.google.com", "accounts.google.com"):
        sso.overrides = {"iss": issuer}
        claims = oidc._verify_id_token(google, sso.id_token(sso.user, "n-1"), "n-1")
        assert claims["iss"] == issuer
    sso.overrides = {"iss": "https://accounts.google.com.evil.example"}
    with pytest.raises(oidc.SsoError, match="another provider"):
        oidc._verify_id_token(google, sso.id_token(sso.user, "n-1"), "n-1")
