"""Meet links through the real google-auth flows against a loopback fake of Google (no real host contacted)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest

import smooth
import smooth_lms.meet_links as meet_links
from smooth.jobs.inline import wait_for_deferred_jobs
from tests.api.auth_fixtures import PASSWORD
from tests.api.helpers import set_site_config
from tests.api.serving import running_server, serving
from tests.conftest import SiteHandle
from tests.integrations.google_fake import CLIENT_ID, CLIENT_SECRET, GoogleFake
from tests.jobs.conftest import bench
from tests.lms.conftest import book, clean, lms_site, make_course, make_evaluator, make_learner, next_weekday  # noqa: F401

LEARNER, EVALUATOR = "asha@example.com", "eva@example.com"
REQUEST = "LMS Certificate Request"


@pytest.fixture
def google(lms_site: SiteHandle, monkeypatch: pytest.MonkeyPatch) -> Iterator[GoogleFake]:  # noqa: F811
    """The fake served on loopback and the LMS site's Google Settings pointing at it (service account)."""
    fake = GoogleFake()
    monkeypatch.setattr(meet_links, "BACKOFF_SECONDS", (0.01, 0.01, 0.01))
    set_site_config(lms_site, redis_queue=None, mail_server=None)
    clean(lms_site)
    with serving(fake.app()) as url:
        fake.base_url = url
        with lms_site.context():
            _configure(fake, mode="Service Account")
            yield fake
            smooth.db.rollback()
            settings = smooth.get_doc("Google Settings")
            settings.enabled = 0
            settings.save()
            for name in smooth.get_all("Google Calendar", pluck="name"):
                smooth.delete_doc("Google Calendar", name, force=True)
            smooth.db.commit()
    clean(lms_site)


def _configure(fake: GoogleFake, mode: str) -> None:
    settings = smooth.get_doc("Google Settings")
    settings.update({"enabled": 1, "auth_mode": mode, "api_base_url": fake.api_base_url, "token_url": fake.token_url,
                     "authorize_url": fake.authorize_url,
                     "service_account_json": json.dumps(fake.service_account_info()), "client_id": CLIENT_ID,
                     "client_secret": CLIENT_SECRET})
    settings.save()
    smooth.db.commit()


def _setup() -> str:
    course = make_course("Forklift Safety")
    make_evaluator(EVALUATOR, [course], schedule=[(d, "08:00", "17:00") for d in (
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday")], timezone="Europe/Berlin")
    make_learner(LEARNER, course)
    return course


def _book(course: str | None = None) -> str:
    course = course or _setup()
    with smooth.unit_of_work():
        return str(book(LEARNER, course, next_weekday(2), "09:30", timezone="Asia/Kolkata").name)


def _request(name: str) -> dict:
    return smooth.db.get_value(REQUEST, name, ["meet_status", "meet_error", "google_meet_link",
                                               "google_calendar_event_id"], as_dict=True)


def test_a_booking_gets_one_event_with_a_meet_link_through_the_service_account(google: GoogleFake) -> None:
    name = _book()
    row = _request(name)
    assert row["meet_status"] == "Created", row["meet_error"]
    assert row["google_meet_link"].startswith("https://meet.google.com/")
    (event,) = google.live_events()
    assert event["attendees"] == [{"email": LEARNER, "displayName": "asha"}]
    assert event["start"]["timeZone"] == "Europe/Berlin"
    assert event["conferenceData"]["createRequest"]["conferenceSolutionKey"] == {"type": "hangoutsMeet"}
    token_calls = [c for c in google.calls if c[1] == "/token"]
    assert token_calls[0][2]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert google.tokens and set(google.tokens.values()) == {EVALUATOR}  # delegated to the evaluator
    versions = smooth.get_all("Version", filters={"ref_doctype": REQUEST, "docname": name}, pluck="data")
    assert any("google_meet_link" in data for data in versions)


def test_retries_never_create_a_second_event(google: GoogleFake) -> None:
    google.fail("insert", 503)  # a transient error, then
    google.lose_answer.add("insert")  # Google makes the event but the answer is lost
    name = _book()
    assert _request(name)["meet_status"] == "Created"
    assert len(google.live_events()) == 1
    inserts = [c for c in google.calls if c[0] == "POST" and c[1].endswith("/events")]
    assert len(inserts) == 3 and len({c[2]["body"]["id"] for c in inserts}) == 1


def test_server_errors_are_retried_until_created(google: GoogleFake) -> None:
    google.fail("insert", 500, 502)
    name = _book()
    assert _request(name)["meet_status"] == "Created"


def test_a_revoked_oauth_token_fails_with_the_reason_and_alerts(google: GoogleFake) -> None:
    _configure(google, mode="OAuth")
    course = _setup()
    smooth.get_doc({"doctype": "Google Calendar", "user": EVALUATOR, "authorization_status": "Connected",
                    "refresh_token": "1//revoked-token"}).insert()
    smooth.db.commit()
    name = _book(course)
    row = _request(name)
    assert row["meet_status"] == "Failed"
    assert "expired or revoked" in row["meet_error"] and "integration settings" in row["meet_error"]
    assert smooth.db.get_value("Google Calendar", EVALUATOR, "authorization_status") == "Expired"
    alerts = smooth.get_all("Email Queue", filters={"subject": ["like", "Google Calendar authorization lost%"]},
                            pluck="name")
    assert len(alerts) == 1
    recipients = smooth.get_all("Email Queue Recipient", filters={"parent": alerts[0]}, pluck="recipient")
    assert EVALUATOR in recipients


def test_oauth_refresh_creates_the_link_and_retry_after_reconnect_works(google: GoogleFake) -> None:
    _configure(google, mode="OAuth")
    course = _setup()
    smooth.get_doc({"doctype": "Google Calendar", "user": EVALUATOR, "authorization_status": "Connected",
                    "refresh_token": "1//good-token"}).insert()
    google.refresh_tokens["1//good-token"] = EVALUATOR
    google.fail("token", 401)
    smooth.db.commit()
    name = _book(course)
    assert _request(name)["meet_status"] == "Failed"
    smooth.db.set_value("Google Calendar", EVALUATOR, "authorization_status", "Connected")
    smooth.db.commit()
    with smooth.unit_of_work():
        assert meet_links.retry_meet_link(name) == "Pending"
    assert _request(name)["meet_status"] == "Created"
    assert [c[2]["grant_type"] for c in google.calls if c[1] == "/token"][-1] == "refresh_token"


def test_a_move_patches_and_a_cancellation_deletes_the_stored_event(google: GoogleFake) -> None:
    name = _book()
    event_id = _request(name)["google_calendar_event_id"]
    with smooth.unit_of_work():
        doc = smooth.get_doc(REQUEST, name)
        doc.reschedule(doc.date, "11:00")
    (patch,) = [c for c in google.calls if c[0] == "PATCH"]
    assert patch[1].endswith(f"/events/{event_id}") and patch[2]["body"]["start"]["timeZone"] == "Europe/Berlin"
    with smooth.unit_of_work():
        doc = smooth.get_doc(REQUEST, name)
        doc.status = "Cancelled"
        doc.save()
    (delete,) = [c for c in google.calls if c[0] == "DELETE"]
    assert delete[1].endswith(f"/events/{event_id}")
    assert google.live_events() == []


def test_without_the_integration_the_request_says_why(lms_site: SiteHandle) -> None:  # noqa: F811
    set_site_config(lms_site, redis_queue=None, mail_server=None)
    clean(lms_site)
    with lms_site.context():
        name = _book()
        row = _request(name)
    clean(lms_site)
    assert row["meet_status"] == "Not Configured" and "Google Settings" in row["meet_error"]
    assert not row["google_meet_link"]


def test_doctor_reports_the_google_integration(google: GoogleFake, lms_site: SiteHandle) -> None:  # noqa: F811
    make_user_calendar = smooth.get_doc({"doctype": "Google Calendar", "user": "Administrator"})
    make_user_calendar.insert()
    smooth.db.commit()
    report = bench(lms_site, "doctor").stdout
    (line,) = [text for text in report.splitlines() if " google " in f" {text} "]
    assert line.startswith("ok") and "Service Account" in line and "token ok" in line
    google.fail("token", 400)
    report = bench(lms_site, "doctor").stdout
    (line,) = [text for text in report.splitlines() if " google " in f" {text} "]
    assert line.startswith("WARN") and "Administrator" in line


def test_an_evaluator_connects_their_calendar_with_state_and_pkce(google: GoogleFake, lms_site: SiteHandle,  # noqa: F811
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake is plain http on loopback
    _configure(google, mode="OAuth")
    course = _setup()
    smooth.db.set_value("User", EVALUATOR, "user_type", "System User")
    smooth.db.commit()
    google.consenting_user = EVALUATOR
    with running_server(lms_site) as url, httpx.Client(base_url=url) as client:
        login = client.post("/api/method/login", json={"usr": EVALUATOR, "pwd": PASSWORD})
        assert login.status_code == 200
        token = client.get("/api/method/smooth.auth.get_csrf_token").json()["message"]
        refused = client.post("/google/connect")  # no CSRF token: a foreign page cannot start it
        assert refused.status_code == 400
        to_google = client.post("/google/connect", data={"csrf_token": token})
        assert to_google.status_code == 303 and to_google.headers["location"].startswith(google.authorize_url)
        back = httpx.get(to_google.headers["location"])  # Google's consent screen sends the browser back
        callback = back.headers["location"]
        forged = client.get(callback.replace("state=", "state=forged"))
        assert forged.status_code == 403
        done = client.get(callback)
        assert done.status_code == 303 and done.headers["location"] == "/app/google-calendar/eva%40example.com"
        assert client.get(callback).status_code == 403  # a code is good once
    smooth.db.rollback()
    assert smooth.db.get_value("Google Calendar", EVALUATOR, "authorization_status") == "Connected"
    name = _book(course)
    assert _request(name)["meet_status"] == "Created"
    grants = [c[2]["grant_type"] for c in google.calls if c[1] == "/token"]
    assert grants == ["authorization_code", "refresh_token"]


def test_an_unreachable_token_endpoint_answers_503_and_uses_up_the_state(
        google: GoogleFake, lms_site: SiteHandle, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Google's token URL down at the callback: 503 with the reason, the state committed as used (a
    replay is 403, not another 500); an http:// endpoint off loopback is refused on save, and one
    already stored makes /google/connect a 417, not a 500."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake is plain http on loopback
    _configure(google, mode="OAuth")
    _setup()
    smooth.db.set_value("User", EVALUATOR, "user_type", "System User")
    smooth.db.commit()
    google.consenting_user = EVALUATOR
    with running_server(lms_site) as url, httpx.Client(base_url=url) as client:
        client.post("/api/method/login", json={"usr": EVALUATOR, "pwd": PASSWORD})
        token = client.get("/api/method/smooth.auth.get_csrf_token").json()["message"]
        to_google = client.post("/google/connect", data={"csrf_token": token})
        callback = httpx.get(to_google.headers["location"]).headers["location"]
        with serving(google.app()) as closed:
            unreachable = f"{closed}/token"  # a port nothing listens on once this block ends
        smooth.db.set_single_value("Google Settings", "token_url", unreachable)
        smooth.db.commit()
        down = client.get(callback)
        assert down.status_code == 503, down.text[:500]
        assert "token endpoint could not be reached" in down.text
        assert client.get(callback).status_code == 403  # the state was used up, though the exchange failed
        monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT")
        smooth.db.set_single_value("Google Settings", "authorize_url", "http://accounts.example.com/o/oauth2/auth")
        smooth.db.commit()
        insecure = client.post("/google/connect", data={"csrf_token": token})
        assert insecure.status_code == 417 and "must be an https:// address" in insecure.text
    smooth.db.rollback()
    assert smooth.db.get_value("Google Calendar", EVALUATOR, "authorization_status") == "Error"
    settings = smooth.get_doc("Google Settings")
    settings.authorize_url = "http://accounts.example.com/o/oauth2/auth"
    with pytest.raises(smooth.ValidationError, match="Authorization URL must be an https:// address"):
        settings.save()
    smooth.db.rollback()
    smooth.db.set_single_value("Google Settings", "authorize_url", google.authorize_url)
    smooth.db.commit()


def test_the_evaluator_retries_a_failed_link_from_the_desk_form(google: GoogleFake,
                                                                lms_site: SiteHandle) -> None:  # noqa: F811
    _configure(google, mode="OAuth")
    course = _setup()
    smooth.get_doc({"doctype": "Google Calendar", "user": EVALUATOR, "authorization_status": "Connected",
                    "refresh_token": "1//good-token"}).insert()
    smooth.db.set_value("User", EVALUATOR, "user_type", "System User")
    google.fail("token", 400)  # the first refresh is refused: the link fails
    google.refresh_tokens["1//good-token"] = EVALUATOR
    smooth.db.commit()
    name = _book(course)
    assert _request(name)["meet_status"] == "Failed"
    smooth.db.set_value("Google Calendar", EVALUATOR, "authorization_status", "Connected")
    smooth.db.commit()
    with running_server(lms_site) as url, httpx.Client(base_url=url) as client:
        client.post("/api/method/login", json={"usr": EVALUATOR, "pwd": PASSWORD})
        token = client.get("/api/method/smooth.auth.get_csrf_token").json()["message"]
        form = client.get(f"/app/lms-certificate-request/{name}")
        assert "Retry Meet link" in form.text and "integration settings" in form.text
        key = re.search(r'name="action" value="(button:\d+)"[^>]*>Retry Meet link<', form.text)
        assert key, "the form offers Retry Meet link as a button"
        pressed = client.post(f"/app/lms-certificate-request/{name}", data={
            "csrf_token": token, "action": key.group(1)})
        assert pressed.status_code == 200 and "Asked Google Calendar again for the Meet link" in pressed.text
        assert wait_for_deferred_jobs()  # the retry runs after the response
        assert "Retry Meet link" not in client.get(f"/app/lms-certificate-request/{name}").text
    smooth.db.rollback()
    assert _request(name)["meet_status"] == "Created"
