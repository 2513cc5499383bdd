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
from tests.api.helpers import Api, set_site_config, stored
from tests.api.serving import running_server
from tests.conftest import BACKENDS, create_site, drop_site, make_user
from tests.lms.conftest import REPO_ROOT, clean, make_course, make_evaluator, make_learner, next_weekday

EVA, BEN, LENA, MO = "eva@example.com", "ben@example.com", "lena@example.com", "mo@example.com"
REASON = "Knee surgery"
CHILDREN = ("Evaluator Unavailability", "Evaluator Schedule", "Evaluator Course")
MONDAY = 0


@pytest.fixture(scope="session", params=BACKENDS)
def lms_api_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    handle = create_site(tmp_path_factory.mktemp(f"lms-api-{request.param}"), request.param, [str(REPO_ROOT)],
                         prefix="lmsapi")
    set_site_config(handle, allow_test_user_header=True)
    with running_server(handle) as url:
        api = Api(url, handle)
        yield api
        api.http.close()
    drop_site(handle)


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
