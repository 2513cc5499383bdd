"""Two-factor login over real HTTP, both backends: enrolment, codes, recovery codes, remembered
devices, throttling, resets, the login history, and the bad input these doors must refuse."""

from __future__ import annotations

import base64
import html
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pyotp
import pytest
from sqlalchemy import update

import smooth
from smooth.auth import two_factor
from tests.api.auth_fixtures import PASSWORD, AuthSite, set_cookies, two_factor_role
from tests.api.helpers import add_user

ANN = "ann@example.com"
BOB = "bob@example.com"
ROLE = "Test Two Factor"
WHO = "/api/method/frappe.auth.get_logged_user"


@pytest.fixture
def tfa(auth: AuthSite) -> Iterator[AuthSite]:
    """Two-factor login on, required for role ROLE, which ANN holds (BOB has no such role)."""
    with two_factor_role(auth.handle, ROLE):
        add_user(auth.api, ANN, ROLE, "Test Reader")
        add_user(auth.api, BOB, "Test Reader")
        yield auth


def _password(auth: AuthSite, client: httpx.Client, user: str = ANN) -> dict[str, Any]:
    response = auth.login(client, user)
    assert response.status_code == 200, response.text
    return response.json()


def _second(client: httpx.Client, tmp_id: str, otp: str, **extra: Any) -> httpx.Response:
    return client.post("/api/method/login", data={"tmp_id": tmp_id, "otp": otp, **extra})


def _enrol(auth: AuthSite, client: httpx.Client) -> tuple[pyotp.TOTP, list[str]]:
    body = _password(auth, client)
    totp = pyotp.TOTP(body["verification"]["secret"])
    response = _second(client, body["tmp_id"], totp.now())
    assert response.status_code == 200, response.text
    return totp, response.json()["recovery_codes"]


def _next_code(totp: pyotp.TOTP) -> str:
    """The next step's code (accepted for clock drift): a fresh code without waiting 30 seconds."""
    return totp.at(time.time() + two_factor.STEP_SECONDS)


def _history(auth: AuthSite, user: str = ANN) -> list[tuple[str, str]]:
    with auth.handle.context():
        rows = smooth.get_all("Activity Log", filters={"user": user}, fields=["status", "method"],
                              order_by="timestamp asc, creation asc")
    return [(r["status"], r["method"]) for r in rows]


def test_password_alone_opens_no_session_and_enrolment_confirms_with_a_code(tfa: AuthSite) -> None:
    client = tfa.client()
    response = tfa.login(client, ANN)
    body = response.json()
    assert response.status_code == 200
    assert body["message"] == "Password is correct. Please verify"
    assert body["verification"]["method"] == "OTP App" and body["verification"]["setup"] is False
    assert body["verification"]["totp_uri"].startswith("otpauth://totp/")
    assert "sid" not in set_cookies(response)
    assert client.get(WHO).status_code == 403

    totp = pyotp.TOTP(body["verification"]["secret"])
    done = _second(client, body["tmp_id"], totp.now())
    assert done.status_code == 200 and done.json()["message"] == "Logged In"
    codes = done.json()["recovery_codes"]
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT and len(set(codes)) == len(codes)
    assert client.get(WHO).json()["message"] == ANN
    with tfa.handle.context():  # stored: the secret encrypted, the recovery codes as digests only
        row = smooth.db.execute(smooth.local.site.table(two_factor.TABLE).select()).first()
    assert body["verification"]["secret"] not in row.secret
    assert not any(code in row.recovery_codes for code in codes)
    assert _history(tfa) == [("Pending", "Password"), ("Success", "Two-Factor Code")]


def test_enrolled_user_logs_in_with_a_code_and_a_code_is_spent_by_its_use(tfa: AuthSite) -> None:
    totp, _ = _enrol(tfa, tfa.client())
    client = tfa.client()
    body = _password(tfa, client)
    assert body["verification"] == {"method": "OTP App", "setup": True}  # no secret once enrolled
    code = _next_code(totp)
    assert _second(client, body["tmp_id"], code).json()["message"] == "Logged In"

    again = tfa.client()
    replay = _second(again, _password(tfa, again)["tmp_id"], code)
    assert replay.status_code == 401
    assert "already used" in replay.json()["message"]
    assert again.get(WHO).status_code == 403


def test_wrong_code_is_401_recorded_and_the_ticket_serves_one_login_only(tfa: AuthSite) -> None:
    totp, _ = _enrol(tfa, tfa.client())
    client = tfa.client()
    tmp_id = _password(tfa, client)["tmp_id"]
    wrong = _second(client, tmp_id, "000000" if totp.now() != "000000" else "111111")
    assert wrong.status_code == 401 and wrong.json()["exc_type"] == "AuthenticationError"
    assert _history(tfa)[-1] == ("Failed", "Two-Factor Code")
    assert _second(client, tmp_id, _next_code(totp)).status_code == 200  # a failure leaves the ticket usable
    spent = _second(tfa.client(), tmp_id, totp.at(time.time() - two_factor.STEP_SECONDS))
    assert spent.status_code == 401 and "log in with your password again" in spent.json()["message"]


@pytest.mark.parametrize("forged", ["", "x", "a.b", "not-a-ticket" * 200])
def test_forged_or_malformed_ticket_is_401(tfa: AuthSite, forged: str) -> None:
    response = _second(tfa.client(), forged, "123456")
    assert response.status_code == 401


def test_ticket_signed_for_one_user_cannot_be_rewritten_for_another(tfa: AuthSite) -> None:
    client = tfa.client()
    tmp_id = _password(tfa, client)["tmp_id"]
    body, signature = tmp_id.split(".")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode().replace(ANN, BOB)
    forged = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=") + "." + signature
    assert _second(client, forged, "123456").status_code == 401


def test_code_attempts_are_throttled_and_a_right_password_does_not_reset_the_count(tfa: AuthSite) -> None:
    tfa.configure(two_factor_attempts_per_user=2)
    totp, _ = _enrol(tfa, tfa.client())
    bad = "000000" if totp.now() != "000000" else "111111"
    for _ in range(2):
        client = tfa.client()
        assert _second(client, _password(tfa, client)["tmp_id"], bad).status_code == 401
    client = tfa.client()
    refused = _second(client, _password(tfa, client)["tmp_id"], _next_code(totp))
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "failed verification codes" in refused.json()["message"]


def test_recovery_code_logs_in_once(tfa: AuthSite) -> None:
    _, codes = _enrol(tfa, tfa.client())
    client = tfa.client()
    used = _second(client, _password(tfa, client)["tmp_id"], codes[0].lower())  # any case, dash optional
    assert used.status_code == 200 and used.json()["message"] == "Logged In"
    assert _history(tfa)[-1] == ("Success", "Recovery Code")
    again = tfa.client()
    reuse = _second(again, _password(tfa, again)["tmp_id"], codes[0])
    assert reuse.status_code == 401
    with tfa.handle.context():
        assert two_factor.remaining_recovery_codes(ANN) == two_factor.RECOVERY_CODE_COUNT - 1


def test_expired_enrolment_is_refused_and_the_next_login_gets_a_new_key(tfa: AuthSite) -> None:
    client = tfa.client()
    body = _password(tfa, client)
    with tfa.handle.context():
        table = smooth.local.site.table(two_factor.TABLE)
        smooth.db.execute(update(table).values(created=int((time.time() - 3600) * 1000)), write=True)
        smooth.db.commit()
    refused = _second(client, body["tmp_id"], pyotp.TOTP(body["verification"]["secret"]).now())
    assert refused.status_code == 401 and "enrolment expired" in refused.json()["message"]
    assert client.get(WHO).status_code == 403
    assert _password(tfa, tfa.client())["verification"]["secret"] != body["verification"]["secret"]


def test_remembered_device_skips_the_code_and_a_forged_cookie_does_not(tfa: AuthSite) -> None:
    totp, _ = _enrol(tfa, tfa.client())
    client = tfa.client()
    response = _second(client, _password(tfa, client)["tmp_id"], _next_code(totp), remember_device="1")
    cookie = set_cookies(response)[two_factor.REMEMBER_COOKIE]
    assert cookie["httponly"] is True and int(cookie["max-age"]) == 30 * 86400
    client.post("/api/method/logout")
    again = tfa.login(client, ANN)
    assert again.json()["message"] == "Logged In"
    assert _history(tfa)[-1] == ("Success", "Remembered Device")

    user, expiry, signature = cookie.value.split(".")
    longer = f"{user}.{int(expiry) + 86400}.{signature}"
    bob = base64.urlsafe_b64encode(BOB.encode()).decode().rstrip("=")
    for forged in (longer, f"{bob}.{expiry}.{signature}", "garbage", cookie.value + "x"):
        other = tfa.client(cookies={two_factor.REMEMBER_COOKIE: forged})
        assert _password(tfa, other)["message"] == "Password is correct. Please verify", forged
    with tfa.handle.context():
        two_factor.reset(ANN)  # a reset voids every remembered device
        smooth.db.commit()
    stale = tfa.client(cookies={two_factor.REMEMBER_COOKIE: cookie.value})
    assert "verification" in _password(tfa, stale)


def test_users_without_the_role_and_api_keys_are_unaffected(tfa: AuthSite) -> None:
    assert tfa.login(tfa.client(), BOB).json()["message"] == "Logged In"
    with tfa.handle.context():
        key, secret = smooth.get_doc("User", ANN).generate_api_credentials()
        smooth.db.commit()
    response = tfa.client().get(WHO, headers={"Authorization": f"token {key}:{secret}"})
    assert response.json()["message"] == ANN


def test_reset_own_second_factor_needs_a_code_and_anothers_a_system_manager(tfa: AuthSite) -> None:
    totp, _ = _enrol(tfa, tfa.client())
    client, token = tfa.logged_in(BOB)
    url = "/api/method/smooth.auth.two_factor.reset_otp_secret"
    refused = client.post(url, data={"user": ANN}, headers={"X-Frappe-CSRF-Token": token})
    assert refused.status_code == 403

    ann = tfa.client()
    assert _second(ann, _password(tfa, ann)["tmp_id"], _next_code(totp)).status_code == 200
    ann_token = ann.get("/api/method/smooth.auth.get_csrf_token").json()["message"]
    assert ann.post(url, headers={"X-Frappe-CSRF-Token": ann_token}).status_code == 401  # no code
    assert ann.post(url, data={"code": "12345"}, headers={"X-Frappe-CSRF-Token": ann_token}).status_code == 401
    tfa.configure(two_factor_attempts_per_user=2)  # tries at the reset count like tries at the login
    assert ann.post(url, data={"code": "12345"}, headers={"X-Frappe-CSRF-Token": ann_token}).status_code == 429
    with tfa.handle.context():
        assert two_factor.is_enrolled(ANN)
    assert tfa.api.post(url, data={"user": ANN}).status_code == 200  # Administrator: a System Manager
    with tfa.handle.context():
        assert not two_factor.is_enrolled(ANN)


def test_login_history_shows_failures_and_each_user_reads_only_their_own(tfa: AuthSite) -> None:
    assert tfa.login(tfa.client(), BOB, "wrong").status_code == 401
    client, _ = tfa.logged_in(BOB)
    assert _history(tfa, BOB) == [("Failed", "Password"), ("Success", "Password")]
    out, token = tfa.logged_in(BOB)
    assert out.post("/api/method/logout", headers={"X-Frappe-CSRF-Token": token}).status_code == 200
    with tfa.handle.context():
        assert smooth.get_all("Activity Log", filters={"user": BOB, "operation": "Logout"}, pluck="status") == [
            "Success"]
    _password(tfa, tfa.client())  # ANN: a Pending row of her own
    rows = client.get("/api/resource/Activity Log", params={"fields": '["name", "user"]'}).json()["data"]
    assert rows and {r["user"] for r in rows} == {BOB}
    everyone = tfa.api.get("/api/resource/Activity Log", params={"fields": '["user"]', "limit_page_length": 0})
    assert {r["user"] for r in everyone.json()["data"]} == {ANN, BOB}
    token = client.get("/api/method/smooth.auth.get_csrf_token").json()["message"]
    gone = client.delete(f"/api/resource/Activity Log/{rows[0]['name']}", headers={"X-Frappe-CSRF-Token": token})
    assert gone.status_code == 403  # nobody edits or deletes the history: only the retention job


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, page[:2000]
    return html.unescape(found.group(1))


def test_login_page_enrols_shows_recovery_codes_once_then_asks_for_codes(tfa: AuthSite) -> None:
    client = tfa.client()
    page = client.post("/login", data={"usr": ANN, "pwd": PASSWORD, "redirect-to": "/app/test-note"})
    assert page.status_code == 200 and "Set up two-factor login" in page.text
    assert re.search(r'<figure class="qr-code"[^>]*><svg ', page.text) and "sid" not in set_cookies(page)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page.text).group(1)  # type: ignore[union-attr]
    tmp_id = _field(page.text, "tmp_id")
    wrong = client.post("/login", data={"tmp_id": tmp_id, "otp": "12345x", "redirect-to": "/app/test-note"})
    assert wrong.status_code == 401 and "The code is not right" in wrong.text
    assert f'data-secret="{secret}"' in wrong.text  # the same key to scan while the enrolment lasts
    done = client.post("/login", data={"tmp_id": tmp_id, "otp": pyotp.TOTP(secret).now(),
                                       "redirect-to": "/app/test-note"})
    assert done.status_code == 200 and "Your recovery codes" in done.text
    assert len(re.findall(r"<li><code>[A-Z2-9]{5}-[A-Z2-9]{5}</code></li>", done.text)) == 10
    assert 'href="/app/test-note"' in done.text and client.get(WHO).json()["message"] == ANN

    again = tfa.client()
    code_page = again.post("/login", data={"usr": ANN, "pwd": PASSWORD})
    assert "Verification code" in code_page.text and "qr-code" not in code_page.text
    assert "Trust this browser for 30 days" in code_page.text
    logged_in = again.post("/login", data={"tmp_id": _field(code_page.text, "tmp_id"),
                                           "otp": _next_code(pyotp.TOTP(secret))}, follow_redirects=False)
    assert logged_in.status_code in (302, 303) and logged_in.headers["location"] == "/app"


def test_login_page_sends_a_spent_or_lapsed_step_back_to_the_password(tfa: AuthSite) -> None:
    client = tfa.client()
    page = client.post("/login", data={"usr": ANN, "pwd": PASSWORD})
    forged = client.post("/login", data={"tmp_id": _field(page.text, "tmp_id") + "x", "otp": "123456"})
    assert forged.status_code == 401 and 'name="pwd"' in forged.text
    assert "log in with your password again" in forged.text
    with tfa.handle.context():
        table = smooth.local.site.table(two_factor.TABLE)
        smooth.db.execute(update(table).values(created=0), write=True)
        smooth.db.commit()
    lapsed = client.post("/login", data={"tmp_id": _field(page.text, "tmp_id"), "otp": "123456"})
    assert lapsed.status_code == 401 and 'name="pwd"' in lapsed.text and "enrolment expired" in lapsed.text


def test_two_factor_page_resets_your_own_with_a_code_and_anothers_as_system_manager(tfa: AuthSite) -> None:
    totp, codes = _enrol(tfa, tfa.client())
    ann = tfa.client()
    assert _second(ann, _password(tfa, ann)["tmp_id"], _next_code(totp)).status_code == 200
    page = ann.get("/two-factor")
    assert 'id="codes-left">10<' in page.text and "Reset another user" not in page.text
    token = _field(page.text, "csrf_token")
    wrong = ann.post("/two-factor", data={"csrf_token": token, "code": "ZZZZZ-ZZZZZ"})
    assert wrong.status_code == 401 and "The code is not right" in wrong.text
    done = ann.post("/two-factor", data={"csrf_token": token, "code": codes[0]})
    assert done.status_code == 200 and f"Two-factor authentication was reset for {ANN}" in done.text
    assert "the next time you log in" in done.text
    refused = ann.post("/two-factor", data={"csrf_token": token, "user": BOB})
    assert refused.status_code == 403  # only a System Manager resets someone else's

    admin = tfa.api.get("/two-factor").text
    assert "Reset another user" in admin
    assert tfa.client().get("/two-factor", follow_redirects=False).headers["location"].startswith("/login")


def test_a_user_with_a_login_history_can_still_be_deleted(tfa: AuthSite) -> None:
    """The logs name users without keeping them alive (core hooks' ignore_links_on_delete); the rows stay."""
    tfa.logged_in(BOB)
    with tfa.handle.context():
        smooth.delete_doc("User", BOB)
        smooth.db.commit()
    assert _history(tfa, BOB) == [("Success", "Password")]
