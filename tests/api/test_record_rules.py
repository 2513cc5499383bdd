"""Record rules (permission_query_conditions + has_permission) hold on every read path of the API.

Test Record: a Test Student sees only rows whose `member` is themself; a Test Evaluator sees
Pending rows; System Manager sees all. A student probing another student's record by name,
list, count, get_value, filters, or_filters, grouping or aggregates learns nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import Api, add_user, insert, stored

ANN, BOB = "ann@example.com", "bob@example.com"


@pytest.fixture
def records(api: Api) -> dict[str, Any]:
    add_user(api, ANN, "Test Student")
    add_user(api, BOB, "Test Student")
    add_user(api, "eve@example.com", "Test Evaluator")
    names = {
        "ann": insert(api, {"doctype": "Test Record", "title": "Ann's", "member": ANN, "score": 10,
                            "status": "Completed"}),
        "bob": insert(api, {"doctype": "Test Record", "title": "Bob's", "member": BOB, "score": 99,
                            "status": "Pending"}),
        "bob2": insert(api, {"doctype": "Test Record", "title": "Bob's second", "member": BOB, "score": 50,
                             "status": "Completed"}),
    }
    return names


def test_list_shows_only_own_rows(api: Api, records: dict[str, Any]) -> None:
    rows = api.list("Test Record", user=ANN, fields=["name", "member"]).json()["data"]
    assert rows == [{"name": records["ann"], "member": ANN}]


def test_reading_another_students_record_by_name_is_403(api: Api, records: dict[str, Any]) -> None:
    response = api.get(f"/api/resource/Test Record/{records['bob']}", user=ANN)
    assert response.status_code == 403 and response.json()["exc_type"] == "PermissionError"
    assert "Bob's" not in response.text
    assert api.get(f"/api/resource/Test Record/{records['ann']}", user=ANN).status_code == 200


def test_client_get_of_another_students_record_is_403(api: Api, records: dict[str, Any]) -> None:
    response = api.call("frappe.client.get", user=ANN, doctype="Test Record", name=records["bob"])
    assert response.status_code == 403 and "Bob's" not in response.text
    response = api.call("frappe.client.get", user=ANN, doctype="Test Record", filters={"member": BOB})
    assert response.status_code == 404 and "Bob's" not in response.text


def test_count_counts_only_visible_rows(api: Api, records: dict[str, Any]) -> None:
    assert api.call("frappe.client.get_count", user=ANN, doctype="Test Record").json() == {"message": 1}
    assert api.call("frappe.client.get_count", user=ANN, doctype="Test Record",
                    filters={"member": BOB}).json() == {"message": 0}
    assert api.call("frappe.client.get_count", user=ANN, doctype="Test Record",
                    or_filters={"member": BOB, "score": 99}).json() == {"message": 0}
    assert api.call("frappe.client.get_count", doctype="Test Record").json() == {"message": 3}


def test_get_value_reveals_nothing_about_hidden_rows(api: Api, records: dict[str, Any]) -> None:
    for filters in (records["bob"], {"name": records["bob"]}, {"member": BOB}, [["score", ">", 50]]):
        response = api.call("frappe.client.get_value", user=ANN, doctype="Test Record", fieldname=["title", "score"],
                            filters=filters)
        assert response.json() == {"message": {}}, filters


def test_filters_and_or_filters_cannot_reach_hidden_rows(api: Api, records: dict[str, Any]) -> None:
    assert api.list("Test Record", user=ANN, filters={"member": BOB}).json() == {"data": []}
    assert api.list("Test Record", user=ANN, filters=[["score", ">=", 99]]).json() == {"data": []}
    rows = api.list("Test Record", user=ANN, or_filters=[["member", "=", BOB], ["name", "is", "set"]]).json()
    assert rows == {"data": [{"name": records["ann"]}]}
    rows = api.call("frappe.client.get_list", user=ANN, doctype="Test Record", fields=["title"],
                    or_filters={"member": BOB}).json()
    assert rows == {"message": []}


def test_aggregates_and_grouping_see_only_visible_rows(api: Api, records: dict[str, Any]) -> None:
    rows = api.list("Test Record", user=ANN, fields=["count(name) as n", "max(score) as top"]).json()["data"]
    assert rows == [{"n": 1, "top": 10}]
    grouped = api.list("Test Record", user=ANN, fields=["member", "count(name) as n"], group_by="member").json()
    assert grouped == {"data": [{"member": ANN, "n": 1}]}


def test_fields_naming_another_table_are_refused(api: Api, records: dict[str, Any]) -> None:
    for field in ("`tabUser`.`name`", "tabUser.api_key", "`tabHas Role`.role"):
        response = api.list("Test Record", user=ANN, fields=[field])
        assert response.status_code == 417, field
        assert response.json()["exc_type"] == "DataError"


def test_writing_another_students_record_is_403(api: Api, records: dict[str, Any]) -> None:
    response = api.put(f"/api/resource/Test Record/{records['bob']}", user=ANN, json={"score": 0})
    assert response.status_code == 403
    response = api.call("frappe.client.set_value", "POST", user=ANN, doctype="Test Record", name=records["bob"],
                        fieldname="score", value=0)
    assert response.status_code == 403
    assert stored(api, "Test Record", records["bob"], "score") == 99


def test_evaluator_sees_pending_rows_only(api: Api, records: dict[str, Any]) -> None:
    rows = api.list("Test Record", user="eve@example.com", fields=["name"]).json()["data"]
    assert rows == [{"name": records["bob"]}]
    assert api.get(f"/api/resource/Test Record/{records['ann']}", user="eve@example.com").status_code == 403


def test_has_permission_hook_denies_writes_on_cancelled_rows(api: Api, records: dict[str, Any]) -> None:
    name = insert(api, {"doctype": "Test Record", "title": "Done", "member": ANN, "status": "Cancelled"})
    assert api.get(f"/api/resource/Test Record/{name}", user=ANN).status_code == 200
    assert api.put(f"/api/resource/Test Record/{name}", user=ANN, json={"title": "Undone"}).status_code == 403


def test_a_user_without_any_role_gets_403_on_every_read_path(api: Api, records: dict[str, Any]) -> None:
    add_user(api, "nobody@example.com")
    assert api.list("Test Record", user="nobody@example.com").status_code == 403
    assert api.call("frappe.client.get_count", user="nobody@example.com", doctype="Test Record").status_code == 403
    assert api.call("frappe.client.get_value", user="nobody@example.com", doctype="Test Record",
                    filters=records["bob"]).status_code == 403
    assert api.get(f"/api/resource/Test Record/{records['bob']}", user="nobody@example.com").status_code == 403


def test_if_owner_rows_are_listed_only_to_their_owner(api: Api) -> None:
    add_user(api, "w1@example.com", "Test Writer")
    add_user(api, "w2@example.com", "Test Writer")
    mine = api.post("/api/resource/Test Note", user="w1@example.com", json={"title": "w1"}).json()["data"]["name"]
    theirs = api.post("/api/resource/Test Note", user="w2@example.com", json={"title": "w2"}).json()["data"]["name"]
    assert api.list("Test Note", user="w1@example.com").json() == {"data": [{"name": mine}]}
    assert api.call("frappe.client.get_count", user="w1@example.com", doctype="Test Note").json() == {"message": 1}
    assert api.get(f"/api/resource/Test Note/{theirs}", user="w1@example.com").status_code == 403
    assert api.delete(f"/api/resource/Test Note/{theirs}", user="w1@example.com").status_code == 403
    assert api.delete(f"/api/resource/Test Note/{mine}", user="w1@example.com").status_code == 202
