"""API key authentication (`token key:secret`, `Basic`) and `bench generate-api-key`."""

from __future__ import annotations

import base64

import pytest

import smooth
from smooth.cli import main
from tests.api.auth_fixtures import AuthSite
from tests.api.helpers import add_user, stored
from tests.core._mini_app import recorded_sql

ANN = "ann@example.com"
WHO = "/api/method/frappe.auth.get_logged_user"


def _keys(auth: AuthSite, user: str) -> tuple[str, str]:
    with auth.handle.context():
        key, secret = smooth.get_doc("User", user).generate_api_credentials()
        smooth.db.commit()
    return key, secret


def _basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def test_token_header_authenticates_as_the_keys_user(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    key, secret = _keys(auth, ANN)
    response = auth.client().get(WHO, headers={"Authorization": f"token {key}:{secret}"})
    assert response.status_code == 200 and response.json() == {"message": ANN}
    assert "sid" not in response.cookies


def test_basic_header_authenticates_as_the_keys_user(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    key, secret = _keys(auth, ANN)
    response = auth.client().get(WHO, headers={"Authorization": _basic(key, secret)})
    assert response.json() == {"message": ANN}


def test_wrong_secret_is_401(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    key, secret = _keys(auth, ANN)
    for header in (f"token {key}:{secret}x", _basic(key, "nope"), f"token unknown-key:{secret}"):
        response = auth.client().get(WHO, headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json()["exc_type"] == "AuthenticationError"
        assert "Invalid API key or secret" in response.json()["exception"]


@pytest.mark.parametrize("header", ["token", "token abc", "token abc:", "token :secret", "Basic !!!not-base64",
                                    "Basic " + base64.b64encode(b"no-colon").decode(), "Bearer abc", "abc:def"])
def test_malformed_authorization_header_is_401(auth: AuthSite, header: str) -> None:
    response = auth.client().get("/api/method/ping", headers={"Authorization": header})
    assert response.status_code == 401
    body = response.json()
    assert body["exc_type"] == "AuthenticationError"
    assert "Malformed Authorization header" in body["exception"] or "Unsupported Authorization scheme" \
        in body["exception"]


def test_token_of_a_disabled_user_is_401(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    key, secret = _keys(auth, ANN)
    with auth.handle.context():
        smooth.db.set_value("User", ANN, "enabled", 0)
        smooth.db.commit()
    response = auth.client().get(WHO, headers={"Authorization": f"token {key}:{secret}"})
    assert response.status_code == 401 and "disabled" in response.json()["exception"]


def test_a_new_key_pair_invalidates_the_old_secret(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    key, old_secret = _keys(auth, ANN)
    client = auth.client()
    assert client.get(WHO, headers={"Authorization": f"token {key}:{old_secret}"}).status_code == 200
    new_key, new_secret = _keys(auth, ANN)
    assert client.get(WHO, headers={"Authorization": f"token {key}:{old_secret}"}).status_code == 401
    assert client.get(WHO, headers={"Authorization": f"token {new_key}:{new_secret}"}).json() == {"message": ANN}


def test_api_secret_is_stored_only_as_a_hash(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    _key, secret = _keys(auth, ANN)
    assert stored(auth.api, "User", ANN, "api_secret") != secret
    with auth.handle.context():
        from smooth.model.passwords import stored_secret

        hashed, encrypted = stored_secret("User", ANN, "api_secret")
    assert encrypted == 0 and hashed.startswith("$argon2") and secret not in hashed


def test_token_authenticated_post_needs_no_csrf_token(auth: AuthSite) -> None:
    add_user(auth.api, ANN, "Test Creator")
    key, secret = _keys(auth, ANN)
    response = auth.client().post("/api/resource/Test Note", json={"title": "via token"},
                                  headers={"Authorization": f"token {key}:{secret}"})
    assert response.status_code == 200, response.text
    assert stored(auth.api, "Test Note", response.json()["data"]["name"], "owner") == ANN


def test_token_user_gets_their_own_permissions_not_more(auth: AuthSite) -> None:
    add_user(auth.api, ANN)
    key, secret = _keys(auth, ANN)
    response = auth.client().get("/api/resource/Test Note", headers={"Authorization": f"token {key}:{secret}"})
    assert response.status_code == 403


def _bench(capsys: pytest.CaptureFixture[str], auth: AuthSite, *args: str) -> tuple[int, str, str]:
    """Run the `bench` console entry point as a user would; (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        main(["--sites-path", str(auth.handle.sites_path), "--site", auth.handle.name, *args])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_bench_generate_api_key_prints_a_working_key_pair_once(auth: AuthSite,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    add_user(auth.api, ANN)
    code, output, _ = _bench(capsys, auth, "generate-api-key", ANN)
    assert code == 0, output
    lines = dict(line.split(": ", 1) for line in output.splitlines() if line.startswith("api_"))
    key, secret = lines["api_key"], lines["api_secret"]
    assert stored(auth.api, "User", ANN, "api_key") == key
    assert stored(auth.api, "User", ANN, "api_secret") != secret
    response = auth.client().get(WHO, headers={"Authorization": f"token {key}:{secret}"})
    assert response.json() == {"message": ANN}
    code, again, _ = _bench(capsys, auth, "generate-api-key", ANN)
    assert code == 0 and secret not in again
    assert auth.client().get(WHO, headers={"Authorization": f"token {key}:{secret}"}).status_code == 401


def test_bench_generate_api_key_for_an_unknown_user_fails_clearly(auth: AuthSite,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, output, error = _bench(capsys, auth, "generate-api-key", "ghost@example.com")
    assert code != 0 and output == ""
    assert error.startswith("Error: ") and "ghost@example.com" in error


def test_a_token_request_reads_the_key_owner_and_the_secret_in_one_statement(auth: AuthSite) -> None:
    """Every token-authenticated request pays for this lookup: one round trip, not one per table."""
    add_user(auth.api, ANN)
    key, secret = _keys(auth, ANN)
    with recorded_sql(auth.handle) as statements:
        assert auth.client().get(WHO, headers={"Authorization": f"token {key}:{secret}"}).json() == {"message": ANN}
    lookups = [s for s in statements if "__Auth" in s or "api_key" in s]
    assert len(lookups) == 1 and "api_key" in lookups[0] and "__Auth" in lookups[0], lookups
