"""The booking doors of Smooth LMS refuse bad input with a 417, never a 500 (issue 8's corpus).

The shared LMS site is served (SQLite only: the refusals are the core's coercion, tested on both
backends); a course, an evaluator offering Mondays 09:00-12:00 and a learner who finished the course
are set up once per module.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import smooth
from smooth_lms import learning
from tests.api.helpers import USER_HEADER, set_site_config
from tests.api.serving import running_server
from tests.conftest import SiteHandle, make_user
from tests.lms import scorm_packages
from tests.lms.conftest import clean, lms_site, make_course, make_evaluator, make_learner, next_weekday  # noqa: F401

LEARNER = "lea.bad@example.com"
EVALUATOR = "eva.bad@example.com"


class Lms:
    def __init__(self, http: httpx.Client, handle: SiteHandle, course: str, monday: dt.date) -> None:
        self.http, self.handle, self.course, self.monday = http, handle, course, monday

    def call(self, method: str, path: str, user: str = LEARNER, **kwargs: Any) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), USER_HEADER: user}
        return self.http.request(method, path, headers=headers, **kwargs)


@pytest.fixture(scope="module")
def lms_api(lms_site: SiteHandle) -> Iterator[Lms]:  # noqa: F811
    """The shared LMS site (SQLite only: the refusals are the core's coercion, tested on both backends)."""
    clean(lms_site)
    with lms_site.context():
        course = make_course("Bad Input Basics")
        make_evaluator(EVALUATOR, [course], [("Monday", "09:00", "12:00")])
        make_learner(LEARNER, course)
        monday = next_weekday(0)
    set_site_config(lms_site, allow_test_user_header=True)
    with running_server(lms_site) as url, httpx.Client(base_url=url, timeout=30) as http:
        yield Lms(http, lms_site, course, monday)
    clean(lms_site)


def refused(response: httpx.Response, *words: str) -> dict[str, Any]:
    assert response.status_code == 417, response.text[:500]
    body = response.json()
    for word in words:
        assert word in body["exception"], body["exception"]
    return body


SLOTS = "/api/method/smooth_lms.api.get_available_slots"
BOOK = "/api/method/smooth_lms.api.book_evaluation"


def test_a_request_name_given_as_a_list_or_object_is_refused(lms_api: Lms) -> None:
    for name in (["x"], {}, {"name": "x"}):
        refused(lms_api.call("POST", "/api/method/smooth_lms.api.cancel_evaluation", json={"name": name}), "'name'")
        refused(lms_api.call("POST", "/api/method/smooth_lms.api.reschedule_evaluation", json={
            "name": name, "date": lms_api.monday.isoformat(), "start_time": "09:00"}), "'name'")
        refused(lms_api.call("POST", "/api/method/frappe.client.cancel", user="Administrator",
                             json={"doctype": "Batch Course", "name": name}), "'name'")
    body = refused(lms_api.call("POST", "/api/resource/LMS%20Course", user="Administrator",
                                json={"title": "t", "name": ["x"]}), "name")
    assert body["exc_type"] == "ValidationError"


@pytest.mark.parametrize("days", ["abc", "1e3", "1.5", "[1]", "nan", ""])
def test_days_must_be_a_whole_number(lms_api: Lms, days: str) -> None:
    response = lms_api.call("GET", SLOTS, params={"course": lms_api.course, "days": days})
    if days == "":
        assert response.status_code == 200, response.text  # unset: the default window
        return
    refused(response, "'days' must be a whole number")


def test_a_whole_number_of_days_is_taken_as_text_or_json(lms_api: Lms) -> None:
    for days in ("7", 7):
        response = lms_api.call("POST", SLOTS, json={"course": lms_api.course, "from_date": lms_api.monday.isoformat(),
                                                     "days": days})
        assert response.status_code == 200, response.text
        assert [g["date"] for g in response.json()["message"]] == [lms_api.monday.isoformat()]


@pytest.mark.parametrize("from_date", ["9999-12-31", "0001-01-01", "2026-01-01\x00", "2026-13-01"])
def test_a_from_date_out_of_range_is_refused(lms_api: Lms, from_date: str) -> None:
    refused(lms_api.call("GET", SLOTS, params={"course": lms_api.course, "from_date": from_date}), "from_date")


def test_the_last_date_a_site_stores_gives_an_empty_window_not_an_overflow(lms_api: Lms) -> None:
    for from_date, days in (("9998-12-31", 366), ("9998-12-01", 60)):
        response = lms_api.call("GET", SLOTS, params={"course": lms_api.course, "from_date": from_date, "days": days})
        assert response.status_code == 200, response.text
        assert all(g["date"] <= "9999-01-01" for g in response.json()["message"])


@pytest.mark.parametrize("date, start_time, words", [
    ("9999-12-31", "09:00", ("9999-12-31", "9998-12-31")),
    ("MONDAY", "10:00:00+05:30", ("UTC offset",)),
    ("MONDAY", "10:00Z", ("UTC offset",)),
    ("MONDAY", "\u0661\u0660:00", ("is not a time",)),
    ("MONDAY", ["09:00"], ("'start_time' must be a single value",)),
])
def test_a_booking_with_a_bad_date_or_time_is_refused(lms_api: Lms, date: str, start_time: Any,
                                                      words: tuple[str, ...]) -> None:
    day = lms_api.monday.isoformat() if date == "MONDAY" else date
    response = lms_api.call("POST", BOOK, json={"course": lms_api.course, "date": day, "start_time": start_time})
    refused(response, *words)
    with lms_api.handle.context():
        assert smooth.get_all("LMS Certificate Request", filters={"member": LEARNER}) == []


def test_a_request_stored_through_the_resource_door_is_held_to_the_same_rules(lms_api: Lms) -> None:
    for values, words in (({"date": "9999-12-31", "start_time": "09:00"}, ("Date",)),
                          ({"date": lms_api.monday.isoformat(), "start_time": "09:00+02:00"}, ("UTC offset",))):
        response = lms_api.call("POST", "/api/resource/LMS%20Certificate%20Request",
                                json={"course": lms_api.course, "member": LEARNER, **values})
        refused(response, *words)


def test_an_evaluator_schedule_time_with_an_offset_is_refused_not_dropped(lms_api: Lms) -> None:
    """09:00+02:00 was stored as 09:00: the offset silently lost."""
    path = f"/api/resource/Course%20Evaluator/{EVALUATOR}"
    response = lms_api.call("PUT", path, user="Administrator", json={
        "schedule": [{"day": "Monday", "start_time": "09:00+02:00", "end_time": "12:00"}]})
    refused(response, "Start Time", "UTC offset")
    schedule = lms_api.call("GET", path, user="Administrator").json()["data"]["schedule"]
    assert [(r["start_time"], r["end_time"]) for r in schedule] == [("09:00:00", "12:00:00")]


@pytest.mark.parametrize("raw", ["NaN", "1e400", "-Infinity", '"nan"', "12.5"])
def test_evaluation_slot_minutes_must_be_a_whole_number(lms_api: Lms, raw: str) -> None:
    body = '{"title": "Slots", "evaluation_slot_minutes": ' + raw + "}"
    response = lms_api.call("POST", "/api/resource/LMS%20Course", user="Administrator", content=body,
                            headers={"Content-Type": "application/json"})
    refused(response, "(evaluation_slot_minutes) is not a whole number")
    response = lms_api.call("PUT", f"/api/resource/LMS%20Course/{lms_api.course}", user="Administrator",
                            content=body.replace('"title": "Slots", ', ""),
                            headers={"Content-Type": "application/json"})
    refused(response, "(evaluation_slot_minutes) is not a whole number")
    assert json.loads(lms_api.call("GET", f"/api/resource/LMS%20Course/{lms_api.course}", user="Administrator")
                      .text)["data"]["evaluation_slot_minutes"] == 30


OTHER = "otto.bad@example.com"


@pytest.fixture(scope="module")
def programs_api(lms_api: Lms) -> Lms:
    """A published program, and an unpublished one whose only member is OTHER (with a certificate)."""
    with lms_api.handle.context():
        make_user(OTHER, "LMS Student")
        for title, published in (("Open Path", 1), ("Closed Path", 0)):
            smooth.get_doc({"doctype": "LMS Program", "title": title, "published": published,
                            "program_courses": [{"course": lms_api.course}]}).insert()
        smooth.get_doc({"doctype": "LMS Program Member", "program": "closed-path", "member": OTHER,
                        "certificate_number": "SMC-OTTO-OTTO-OTTO", "certificate_date": smooth.today()}).insert()
        smooth.db.commit()
    return lms_api


@pytest.mark.parametrize("name", ["no-such-program", "closed-path", "%00", "a%27b", "x" * 300, "..%2F..%2Fetc"])
def test_a_program_page_the_learner_may_not_see_is_not_found(programs_api: Lms, name: str) -> None:
    """closed-path is unpublished and OTTO's: to anyone else it does not exist (not 403: names are not probed)."""
    response = programs_api.call("GET", f"/lms/programs/{name}")
    assert response.status_code == 404, response.text[:300]
    assert "Closed Path" not in programs_api.call("GET", "/lms/programs").text


def test_a_program_page_and_list_show_what_the_learner_may_see(programs_api: Lms) -> None:
    assert "Open Path" in programs_api.call("GET", "/lms/programs").text
    assert programs_api.call("GET", "/lms/programs/open-path").status_code == 200
    assert programs_api.call("GET", "/lms/programs/closed-path", user=OTHER).status_code == 200
    guest = programs_api.http.get("/lms/programs/open-path")
    assert guest.status_code == 200 and "My progress" not in guest.text and "Enrol in the program" not in guest.text


def test_another_learners_program_certificate_is_not_theirs_to_print(programs_api: Lms) -> None:
    with programs_api.handle.context():
        member = smooth.db.get_value("LMS Program Member", {"member": OTHER}, "name")
    pdf = "/api/method/frappe.utils.print_format.download_pdf"
    params = {"doctype": "LMS Program Member", "name": member, "format": "LMS Program Certificate"}
    assert programs_api.call("GET", pdf, params=params).status_code in (403, 404)
    assert programs_api.call("GET", f"/api/resource/LMS%20Program%20Member/{member}").status_code in (403, 404)
    listed = programs_api.call("GET", "/api/resource/LMS%20Program%20Member").json()["data"]
    assert listed == []


@pytest.mark.parametrize("program", [["open-path"], {"name": "open-path"}])
def test_a_program_given_as_a_list_or_object_is_refused(programs_api: Lms, program: Any) -> None:
    refused(programs_api.call("POST", "/api/method/smooth_lms.programs.enroll_self", json={"program": program}),
            "'program'")


def test_a_learner_cannot_join_an_unpublished_program_or_enrol_others(programs_api: Lms) -> None:
    response = programs_api.call("POST", "/api/method/smooth_lms.programs.enroll_self", json={"program": "closed-path"})
    assert response.status_code == 404
    response = programs_api.call("POST", "/api/method/smooth_lms.programs.enrol_learner",
                                 json={"name": "open-path", "member": LEARNER})
    assert response.status_code == 403
    with programs_api.handle.context():
        assert not smooth.db.exists("LMS Program Member", {"member": LEARNER})


LIVE = "/api/resource/LMS%20Live%20Class"
RETRY_LIVE = "/api/method/smooth_lms.live_class_meet.retry_meet_link"
MEET_ATTENDANCE = "/api/method/smooth_lms.live_class_meet.import_meet_attendance"


def _live_class(lms_api: Lms) -> str:
    """A cohort (without LEARNER) with a session hosted by EVALUATOR."""
    with lms_api.handle.context():
        batch = smooth.get_doc({"doctype": "LMS Batch", "title": "Live Door Crew",
                                "courses": [{"course": lms_api.course}]}).insert()
        start = dt.datetime.combine(lms_api.monday, dt.time(10))
        name = smooth.get_doc({"doctype": "LMS Live Class", "title": "Door drill", "batch_name": batch.name,
                               "host": EVALUATOR, "start_utc": start, "duration": 30}).insert().name
        smooth.db.commit()
        return str(name)


def test_the_live_class_doors_refuse_bad_input_and_other_peoples_sessions(lms_api: Lms) -> None:
    name = _live_class(lms_api)
    for bad in (["x"], {"name": "x"}):
        for door in (RETRY_LIVE, MEET_ATTENDANCE):
            refused(lms_api.call("POST", door, user=EVALUATOR, json={"name": bad}), "'name'")
    # a learner neither reads the session through the API nor asks Google for its link
    assert lms_api.call("GET", f"{LIVE}/{name}").status_code == 403
    assert lms_api.call("POST", RETRY_LIVE, json={"name": name}).status_code == 403
    assert lms_api.call("POST", MEET_ATTENDANCE, json={"name": name}).status_code == 403
    # another evaluator reads it but cannot move it or retry its link
    with lms_api.handle.context():
        make_evaluator("other.bad@example.com", [lms_api.course])
        smooth.db.set_value("User", "other.bad@example.com", "user_type", "System User")
        smooth.get_doc("User", "other.bad@example.com").append("roles", {"role": "Batch Evaluator"}).save()
        smooth.db.commit()
    assert lms_api.call("PUT", f"{LIVE}/{name}", user="other.bad@example.com",
                        json={"duration": 90}).status_code == 403
    for door in (RETRY_LIVE, MEET_ATTENDANCE):
        assert lms_api.call("POST", door, user="other.bad@example.com", json={"name": name}).status_code == 403
    refused(lms_api.call("POST", MEET_ATTENDANCE, user=EVALUATOR, json={"name": name}), "has not taken place")
    for values, words in (({"start_utc": "tomorrow"}, ("Start",)), ({"duration": "1e400"}, ("duration",)),
                          ({"start_utc": "9999-12-31 23:59:00", "duration": 720}, ("9999",))):
        refused(lms_api.call("PUT", f"{LIVE}/{name}", user=EVALUATOR, json=values), *words)
    assert lms_api.call("PUT", f"{LIVE}/{name}", user=EVALUATOR, json={"duration": 45}).status_code == 200
    # the cohort page of a cohort the learner is not in does not exist for them (no session listed)
    assert lms_api.call("GET", "/lms/cohorts/live-door-crew").status_code == 404
    assert lms_api.call("GET", f"/lms/live/{name}/ics").status_code == 404  # nor its calendar file
    assert lms_api.call("GET", "/lms/live/no-such-session/ics").status_code == 404
    ics = lms_api.call("GET", f"/lms/live/{name}/ics", user=EVALUATOR)
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert f"UID:{name}@" in ics.text and "Door drill" in ics.text


SCORM_COMMIT = "/api/method/smooth_lms.scorm.runtime.commit"


@pytest.fixture(scope="module")
def scorm_lesson(lms_api: Lms) -> str:
    """A SCORM 2004 lesson of a course of its own (the booking course keeps its lesson-less progress)."""
    with lms_api.handle.context():
        course = make_course("Bad Input SCORM", evaluation_required=0)
        lesson = scorm_packages.scorm_lesson(course, scorm_packages.package_2004())
        smooth.set_user(LEARNER)
        learning.enroll(course)
        smooth.set_user("Administrator")
        smooth.db.commit()
    return lesson


@pytest.mark.parametrize("body, words", [
    ({"lesson": ["x"]}, ("'lesson'",)),
    ({"attempt": "one"}, ("attempt",)),
    ({"attempt": 99}, ("Attempt 99",)),
    ({"session": ["abcdefgh1"]}, ("session",)),
    ({"session": "short"}, ("session",)),
    ({"session": "../../etc/x"}, ("session",)),
    ({"changes": {"cmi.location": 5}}, ("changes",)),
    ({"changes": ["cmi.location"]}, ("changes",)),
    ({"changes": "{not json"}, ("changes",)),
    ({"changes": {"cmi.score.scaled": "NaN"}}, ("Type Mismatch", "406")),
    ({"changes": {"cmi.score.scaled": "1e400"}}, ("Type Mismatch",)),
    ({"changes": {"cmi.suspend_data": "x" * 64001}}, ("Type Mismatch",)),
    ({"changes": {"cmi.learner_id": "someone.else@example.com"}}, ("Read Only", "404")),
    ({"changes": {"cmi.total_time": "PT0S"}}, ("Read Only",)),
    ({"changes": {"cmi.objectives.5.id": "o"}}, ("General Set Failure",)),
    ({"changes": {"cmi.location\x00": "x"}}, ("Undefined Data Model Element",)),
    ({"changes": {f"cmi.interactions.{i}.id": f"q{i}" for i in range(2001)}}, ("at most 2000",)),
])
def test_a_scorm_commit_with_bad_values_is_refused_and_stores_nothing(lms_api: Lms, scorm_lesson: str,
                                                                       body: dict[str, Any],
                                                                       words: tuple[str, ...]) -> None:
    sent = {"lesson": scorm_lesson, "attempt": 1, "session": "abcdefgh1234", "changes": {"cmi.location": "p1"},
            **body}
    refused(lms_api.call("POST", SCORM_COMMIT, json=sent), *words)
    with lms_api.handle.context():
        assert smooth.get_all("LMS SCORM Attempt", filters={"member": LEARNER}) == []


def test_a_scorm_commit_is_for_the_enrolled_learner_only(lms_api: Lms, scorm_lesson: str) -> None:
    sent = {"lesson": scorm_lesson, "attempt": 1, "session": "abcdefgh1234", "changes": {"cmi.location": "p1"}}
    assert lms_api.call("POST", SCORM_COMMIT, user=EVALUATOR, json=sent).status_code == 403
    assert lms_api.call("GET", SCORM_COMMIT, params=sent).status_code in (403, 405)
    response = lms_api.call("POST", SCORM_COMMIT, json=sent)
    assert response.status_code == 200, response.text
    assert response.json()["message"]["completion_status"] == "unknown"


# personal data requests (issue 25): request creation, the zip's download and the confirmation link

DOWNLOADS, DELETIONS = "Personal Data Download Request", "Personal Data Deletion Request"
HR_REVIEWER, LEAVER = "hr.bad@example.com", "leaver.bad@example.com"


def _ready_download(lms_api: Lms) -> tuple[str, str]:
    """The learner asks on the portal; the job runs after the response (in-process): its request and zip."""
    asked = lms_api.call("POST", "/personal-data", data={"action": "download"}, follow_redirects=False)
    assert asked.status_code == 303, asked.text[:500]
    for _ in range(100):
        with lms_api.handle.context():
            row = smooth.db.get_value(DOWNLOADS, {"user": LEARNER}, ["name", "status", "data_file"], as_dict=True)
        if row and row["status"] != "Pending":
            break
        time.sleep(0.1)
    assert row and row["status"] == "Ready", row
    return str(row["name"]), str(row["data_file"])


def test_a_data_download_is_the_requesters_alone(lms_api: Lms) -> None:
    request, url = _ready_download(lms_api)
    resource = f"/api/resource/{DOWNLOADS}/{request}"
    assert lms_api.call("GET", resource, user=EVALUATOR).status_code == 403
    assert lms_api.call("GET", f"/api/resource/{DOWNLOADS}", user=EVALUATOR).json()["data"] == []
    assert lms_api.call("GET", url, user=EVALUATOR).status_code == 403
    assert lms_api.http.get(url).status_code == 403  # Guest
    assert lms_api.call("GET", resource).status_code == 200
    mine = lms_api.call("GET", url)
    assert mine.status_code == 200 and "data.json" in zipfile.ZipFile(io.BytesIO(mine.content)).namelist()
    assert lms_api.call("GET", url, user="Administrator").status_code == 200
    with lms_api.handle.context():
        logged = smooth.get_all("Access Log", filters={"export_from": DOWNLOADS, "reference_document": request},
                                fields=["user", "method"], order_by="creation asc")
    assert [(r["user"], r["method"]) for r in logged] == [(LEARNER, "Open"), (LEARNER, "Download"),
                                                         ("Administrator", "Download")]
    page = lms_api.call("GET", "/personal-data").text
    assert url in page and "Request a copy of my data" in page
    assert url not in lms_api.call("GET", "/personal-data", user=EVALUATOR).text


@pytest.mark.parametrize("user", [["x"], {"name": "x"}, 5, EVALUATOR, "nobody@example.com", "Administrator"])
def test_a_request_for_another_or_a_malformed_user_is_refused(lms_api: Lms, user: Any) -> None:
    with lms_api.handle.context():
        before = smooth.db.count(DOWNLOADS), smooth.db.count(DELETIONS)
    for doctype, field in ((DOWNLOADS, "user"), (DELETIONS, "email")):
        answer = lms_api.call("POST", f"/api/resource/{doctype}", json={field: user})
        assert answer.status_code in (403, 417), answer.text[:300]
    with lms_api.handle.context():
        assert (smooth.db.count(DOWNLOADS), smooth.db.count(DELETIONS)) == before
    assert lms_api.http.post(f"/api/resource/{DOWNLOADS}", json={}).status_code == 403  # Guest


@pytest.mark.parametrize("form", [
    {}, {"request": "PDD-2026-00001"}, {"request": "PDD-2026-00001", "token": "x" * 10_000},
    {"request": "PDD-2026-00001", "token": ""}, {"request": "' OR 1=1 --", "token": "a"},
    {"request": "PDD-2026-00001\x00", "token": "a\x00"}])
def test_a_bad_confirmation_link_is_not_found_never_a_500(lms_api: Lms, form: dict[str, str]) -> None:
    assert lms_api.http.post("/personal-data/confirm", data=form).status_code == 404  # no login needed
    assert lms_api.http.get("/personal-data/confirm", params=form).status_code == 200


def test_a_deletion_request_is_confirmed_by_its_link_and_approved_in_the_desk(lms_api: Lms) -> None:
    """A learner of their own (the module's learner is used by the other tests): their account is closed."""
    with lms_api.handle.context():
        make_user(LEAVER, "LMS Student")
        make_user(HR_REVIEWER, "HR Manager")
    unticked = lms_api.call("POST", "/personal-data", data={"action": "delete"}, user=LEAVER)
    assert unticked.status_code == 417 and "Tick the box" in unticked.text
    assert lms_api.call("POST", "/personal-data", data={"action": "drop tables"}, user=LEAVER).status_code == 417
    asked = lms_api.call("POST", "/personal-data", data={"action": "delete", "understood": "1"}, user=LEAVER,
                         follow_redirects=False)
    assert asked.status_code == 303, asked.text[:500]
    with lms_api.handle.context():
        request = smooth.db.get_value(DELETIONS, {"email": LEAVER}, "name")
        mail = smooth.db.get_value("Email Queue", {"reference_name": request, "subject": ["like", "Confirm%"]},
                                   "message_html")
    token = re.search(r"token=([A-Za-z0-9_-]+)", mail).group(1)  # type: ignore[union-attr]
    resource = f"/api/resource/{DELETIONS}/{request}"
    assert lms_api.call("GET", resource, user=EVALUATOR).status_code == 403
    own = lms_api.call("GET", resource, user=LEAVER).json()["data"]
    assert own["status"] == "Pending Verification" and not own.get("verification_hash")
    approve = "/api/method/smooth.core.doctype.personal_data_deletion_request.personal_data_deletion_request.approve"
    assert lms_api.call("POST", approve, json={"name": request}, user=LEAVER).status_code == 403  # not a reviewer
    assert lms_api.http.post("/personal-data/confirm", data={"request": request, "token": token + "x"}
                             ).status_code == 404
    confirmed = lms_api.http.post("/personal-data/confirm", data={"request": request, "token": token})
    assert confirmed.status_code == 200 and "now waits for review" in confirmed.text
    form_url = f"/app/personal-data-deletion-request/{request}"
    page = lms_api.call("GET", form_url, user=HR_REVIEWER).text
    button = re.search(r'href="[^"]*\?action=(button%3A\d+)"[^>]*>Approve Deletion<', page)  # confirmed first
    assert button, page
    action = button.group(1).replace("%3A", ":")
    confirm = lms_api.call("GET", form_url, user=HR_REVIEWER, params={"action": action}).text
    assert "cannot be undone" in confirm
    modified = html.unescape(re.search(r'name="modified" value="([^"]*)"', confirm).group(1))  # type: ignore[union-attr]
    done = lms_api.call("POST", form_url, user=HR_REVIEWER, data={"action": action, "modified": modified})
    assert done.status_code == 200, done.text[:500]
    with lms_api.handle.context():
        for _ in range(100):
            status = smooth.db.get_value(DELETIONS, request, "status")
            if status == "Deleted":
                break
            time.sleep(0.1)
            smooth.db.rollback()
        assert status == "Deleted"
        assert not smooth.db.exists("User", LEAVER)
    assert lms_api.http.post("/personal-data/confirm", data={"request": request, "token": token}).status_code == 404
