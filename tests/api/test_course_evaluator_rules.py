"""Course Evaluator over the real HTTP server: who may change a calendar, who may read it, who grants roles.

Eva and Ben are evaluators of one course; Ben is on leave for a private reason. Lena is a
learner, Mo a Moderator. An evaluator edits only their own record and cannot hand it (and the
Batch Evaluator role) to someone else; learners read no evaluator's record, nor its child rows,
through any door; Moderators and System Managers manage every record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

import smooth
from tests.api.helpers import Api, stored
from tests.conftest import make_user
from tests.lms.conftest import clean, lms_site, make_course, make_evaluator, make_learner, next_weekday  # noqa: F401
from tests.pages.served import served_site  # noqa: F401

EVA, BEN, LENA, MO = "eva@example.com", "ben@example.com", "lena@example.com", "mo@example.com"
REASON = "Knee surgery"
CHILDREN = ("Evaluator Unavailability", "Evaluator Schedule", "Evaluator Course")
MONDAY = 0


@pytest.fixture
def lms_api_server(served_site: Api) -> Api:  # noqa: F811
    """The served LMS site of the page tests (SQLite only: permission queries are the core's, tested on both)."""
    return served_site


@pytest.fixture
def world(lms_api_server: Api) -> Iterator[dict[str, Any]]:
    handle = lms_api_server.handle
    clean(handle)
    with handle.context():
        course = make_course("Safety Basics")
        ben_only = make_course("Crane Operation")
        make_evaluator(EVA, [course])
        make_evaluator(BEN, [course, ben_only])
        leave_day = next_weekday(MONDAY, at_least_days=10)
        ben = smooth.get_doc("Course Evaluator", BEN)
        ben.append("unavailability", {"from_date": leave_day, "to_date": leave_day + dt.timedelta(days=2),
                                      "reason": REASON})
        ben.save()
        eva = smooth.get_doc("Course Evaluator", EVA)
        eva.append("unavailability", {"from_date": leave_day + dt.timedelta(days=60),
                                      "to_date": leave_day + dt.timedelta(days=61), "reason": "Conference"})
        eva.save()
        make_learner(LENA, course)
        smooth.get_doc({"doctype": "LMS Enrollment", "member": LENA, "course": ben_only, "progress": 100}).insert()
        make_user(MO, "Moderator")
        smooth.db.commit()
        rows = {doctype: smooth.get_all(doctype, filters={"parent": BEN}, pluck="name") for doctype in CHILDREN}
    yield {"course": course, "ben_only": ben_only, "leave_day": leave_day, "ben_rows": rows}
    clean(handle)


def _roles(api: Api, user: str) -> list[str]:
    with api.handle.context():
        return smooth.get_roles(user)


def _unavailability(api: Api, evaluator: str) -> list[tuple[Any, ...]]:
    with api.handle.context():
        return [tuple(r) for r in smooth.get_all("Evaluator Unavailability", fields=["from_date", "reason"],
                                                 filters={"parent": evaluator}, as_list=True)]


# -- the evaluator of a record never changes, and roles come only from those who may grant them ----------------

def test_an_evaluator_cannot_hand_their_record_to_a_learner(lms_api_server: Api, world: dict[str, Any]) -> None:
    api = lms_api_server
    doors = [
        lambda: api.put(f"/api/resource/Course Evaluator/{EVA}", user=EVA, json={"evaluator": LENA}),
        lambda: api.call("frappe.client.set_value", "POST", user=EVA, doctype="Course Evaluator", name=EVA,
                         fieldname="evaluator", value=LENA),
        lambda: api.call("frappe.client.save", "POST", user=EVA,
                         doc={"doctype": "Course Evaluator", "name": EVA, "evaluator": LENA}),
    ]
    for door in doors:
        response = door()
        assert response.status_code in (403, 417), response.text
        assert "Batch Evaluator" not in _roles(api, LENA)
        assert stored(api, "Course Evaluator", EVA, "evaluator") == EVA
    response = api.put(f"/api/resource/Course Evaluator/{EVA}", user=EVA, json={"evaluator": LENA})
    assert response.json()["exc_type"] == "ValidationError"
    assert "The evaluator of Course Evaluator eva@example.com cannot change" in response.json()["exception"]


def test_even_a_moderator_cannot_change_the_evaluator_of_a_record(lms_api_server: Api, world: dict[str, Any]) -> None:
    response = lms_api_server.put(f"/api/resource/Course Evaluator/{EVA}", user=MO, json={"evaluator": LENA})
    assert response.status_code == 417
    assert "create a Course Evaluator for lena@example.com instead" in response.json()["exception"]
    assert "Batch Evaluator" not in _roles(lms_api_server, LENA)


def test_code_acting_for_an_evaluator_cannot_grant_the_role_even_ignoring_permissions(
        lms_api_server: Api, world: dict[str, Any]) -> None:
    with lms_api_server.handle.context(user=EVA):
        doc = smooth.get_doc({"doctype": "Course Evaluator", "evaluator": LENA})
        with pytest.raises(smooth.PermissionError, match="Only a System Manager or a Moderator can make "
                                                         "lena@example.com an evaluator"):
            doc.insert(ignore_permissions=True)
        smooth.db.rollback()
    assert "Batch Evaluator" not in _roles(lms_api_server, LENA)


def test_a_moderator_appoints_an_evaluator_and_the_role_follows(lms_api_server: Api, world: dict[str, Any]) -> None:
    api = lms_api_server
    response = api.post("/api/resource/Course Evaluator", user=MO,
                        json={"evaluator": LENA, "courses": [{"course": world["course"]}]})
    assert response.status_code == 200, response.text
    assert "Batch Evaluator" in _roles(api, LENA)


def test_a_system_manager_appoints_an_evaluator(lms_api_server: Api, world: dict[str, Any]) -> None:
    api = lms_api_server
    with api.handle.context():
        make_user("sys@example.com", "System Manager")
    response = api.post("/api/resource/Course Evaluator", user="sys@example.com", json={"evaluator": LENA})
    assert response.status_code == 200, response.text
    assert "Batch Evaluator" in _roles(api, LENA)


# -- an evaluator writes only their own calendar ----------------------------------------------------------------

def test_an_evaluator_cannot_edit_another_evaluators_calendar(lms_api_server: Api, world: dict[str, Any]) -> None:
    api = lms_api_server
    before = _unavailability(api, BEN)
    day = str(world["leave_day"] + dt.timedelta(days=30))
    doors = [
        lambda: api.put(f"/api/resource/Course Evaluator/{BEN}", user=EVA,
                        json={"unavailability": [{"from_date": day, "to_date": day, "reason": "x"}]}),
        lambda: api.put(f"/api/resource/Course Evaluator/{BEN}", user=EVA, json={"schedule": [], "courses": []}),
        lambda: api.put(f"/api/resource/Course Evaluator/{BEN}", user=EVA, json={"evaluator": EVA, "schedule": []}),
        lambda: api.call("frappe.client.set_value", "POST", user=EVA, doctype="Course Evaluator", name=BEN,
                         fieldname="unavailable_from", value=day),
        lambda: api.call("frappe.client.save", "POST", user=EVA,
                         doc={"doctype": "Course Evaluator", "name": BEN, "schedule": []}),
        lambda: api.call("frappe.client.insert", "POST", user=EVA,
                         doc={"doctype": "Evaluator Unavailability", "parent": BEN, "parenttype": "Course Evaluator",
                              "parentfield": "unavailability", "from_date": day, "to_date": day}),
        lambda: api.call("frappe.client.set_value", "POST", user=EVA, doctype="Evaluator Unavailability",
                         name=world["ben_rows"]["Evaluator Unavailability"][0], fieldname="to_date", value=day),
        lambda: api.delete(f"/api/resource/Course Evaluator/{BEN}", user=EVA),
    ]
    for number, door in enumerate(doors):
        response = door()
        assert response.status_code == 403, (number, response.text)
        assert response.json()["exc_type"] == "PermissionError"
    assert _unavailability(api, BEN) == before
    assert stored(api, "Course Evaluator", BEN, "unavailable_from") is None
    with api.handle.context():
        assert len(smooth.get_all("Evaluator Schedule", filters={"parent": BEN})) == 2
        assert len(smooth.get_all("Evaluator Course", filters={"parent": BEN})) == 2


def test_an_evaluator_edits_their_own_calendar(lms_api_server: Api, world: dict[str, Any]) -> None:
    api = lms_api_server
    day = str(world["leave_day"])
    response = api.put(f"/api/resource/Course Evaluator/{EVA}", user=EVA,
                       json={"unavailability": [{"from_date": day, "to_date": day, "reason": "Dentist"}]})
    assert response.status_code == 200, response.text
    assert _unavailability(api, EVA) == [(world["leave_day"], "Dentist")]


def test_a_moderator_edits_any_calendar(lms_api_server: Api, world: dict[str, Any]) -> None:
    api = lms_api_server
    response = api.put(f"/api/resource/Course Evaluator/{BEN}", user=MO, json={"max_evaluations_per_day": 4})
    assert response.status_code == 200, response.text
    assert stored(api, "Course Evaluator", BEN, "max_evaluations_per_day") == 4


# -- reads: evaluators see their own record, learners none, staff all; every door agrees ---------------------------

def test_an_evaluator_reads_only_their_own_record_on_every_door(lms_api_server: Api, world: dict[str, Any]) -> None:
    api = lms_api_server
    assert api.list("Course Evaluator", user=EVA).json() == {"data": [{"name": EVA}]}
    assert api.list("Course Evaluator", user=EVA, filters={"name": BEN}).json() == {"data": []}
    assert api.call("frappe.client.get_count", user=EVA, doctype="Course Evaluator").json() == {"message": 1}
    assert api.call("frappe.client.get_value", user=EVA, doctype="Course Evaluator", fieldname=["evaluator"],
                    filters=BEN).json() == {"message": {}}
    for response in (api.get(f"/api/resource/Course Evaluator/{BEN}", user=EVA),
                     api.call("frappe.client.get", user=EVA, doctype="Course Evaluator", name=BEN)):
        assert response.status_code == 403 and REASON not in response.text
    own = api.get(f"/api/resource/Course Evaluator/{EVA}", user=EVA)
    assert own.status_code == 200 and own.json()["data"]["evaluator"] == EVA


def test_an_evaluator_reads_only_their_own_child_rows(lms_api_server: Api, world: dict[str, Any]) -> None:
    api = lms_api_server
    for doctype in CHILDREN:
        rows = api.list(doctype, user=EVA, fields=["parent"], limit_page_length=100).json()["data"]
        assert rows and {r["parent"] for r in rows} == {EVA}, doctype
        listed = api.call("frappe.client.get_list", user=EVA, doctype=doctype, parent="Course Evaluator",
                          fields=["parent"], filters={"parent": BEN}).json()
        assert listed == {"message": []}, doctype
        count = api.call("frappe.client.get_count", user=EVA, doctype=doctype, filters={"parent": BEN}).json()
        assert count == {"message": 0}, doctype
        row = world["ben_rows"][doctype][0]
        assert api.get(f"/api/resource/{doctype}/{row}", user=EVA).status_code == 403, doctype
        (own,) = api.list(doctype, user=EVA, fields=["name"], limit_page_length=1).json()["data"]
        read = api.get(f"/api/resource/{doctype}/{own['name']}", user=EVA)
        assert read.status_code == 200 and read.json()["data"]["parent"] == EVA, (doctype, read.text)
    reasons = api.list("Evaluator Unavailability", user=EVA, fields=["reason"]).json()
    assert reasons == {"data": [{"reason": "Conference"}]}


def test_a_learner_reads_no_evaluator_record_through_any_door(lms_api_server: Api, world: dict[str, Any]) -> None:
    api = lms_api_server
    responses = [
        api.list("Course Evaluator", user=LENA, fields=["name", "unavailable_from"]),
        api.get(f"/api/resource/Course Evaluator/{BEN}", user=LENA),
        api.call("frappe.client.get", user=LENA, doctype="Course Evaluator", name=BEN),
        api.call("frappe.client.get_count", user=LENA, doctype="Course Evaluator"),
        api.call("frappe.client.get_value", user=LENA, doctype="Course Evaluator", fieldname="name", filters=BEN),
    ]
    for doctype in CHILDREN:
        row = world["ben_rows"][doctype][0]
        responses += [
            api.list(doctype, user=LENA, fields=["*"]),
            api.get(f"/api/resource/{doctype}/{row}", user=LENA),
            api.call("frappe.client.get_list", user=LENA, doctype=doctype, parent="Course Evaluator", fields=["*"]),
            api.call("frappe.client.get_count", user=LENA, doctype=doctype),
            api.call("frappe.client.get_value", user=LENA, doctype=doctype, fieldname=["parent"],
                     filters={"parent": BEN}),
            api.call("frappe.client.get", user=LENA, doctype=doctype, name=row),
        ]
    for number, response in enumerate(responses):
        assert response.status_code == 403, (number, response.text)
        assert REASON not in response.text and BEN not in response.text


def test_a_learner_still_sees_availability_through_the_slots_api(lms_api_server: Api,
                                                               world: dict[str, Any]) -> None:
    response = lms_api_server.call("smooth_lms.api.get_available_slots", user=LENA, course=world["ben_only"],
                                   days=21)
    assert response.status_code == 200, response.text
    assert response.json()["message"] and str(world["leave_day"]) not in response.text
    assert REASON not in response.text


def test_a_moderator_reads_every_record_and_reason(lms_api_server: Api, world: dict[str, Any]) -> None:
    api = lms_api_server
    assert api.call("frappe.client.get_count", user=MO, doctype="Course Evaluator").json() == {"message": 2}
    rows = api.list("Evaluator Unavailability", user=MO, fields=["parent", "reason"], order_by="parent asc").json()
    assert rows == {"data": [{"parent": BEN, "reason": REASON}, {"parent": EVA, "reason": "Conference"}]}


def test_a_learner_booking_into_a_leave_is_not_told_the_private_reason(lms_api_server: Api,
                                                                       world: dict[str, Any]) -> None:
    api = lms_api_server
    booking = {"course": world["ben_only"], "member": LENA, "date": str(world["leave_day"]), "start_time": "09:00"}
    response = api.post("/api/resource/LMS Certificate Request", user=LENA, json=booking)
    assert response.status_code == 417, response.text
    assert "The evaluator is unavailable from" in response.json()["exception"]
    assert REASON not in response.text
    for_staff = api.post("/api/resource/LMS Certificate Request", user=MO, json=booking)
    assert for_staff.status_code == 417 and REASON in for_staff.json()["exception"]
