"""SQL fragments in any query parameter are refused with a 417 (DataError) and never executed."""

from __future__ import annotations

import pytest

from tests.api.helpers import Api, insert, stored

FIELDS = [
    ["name, (select api_key from `tabUser`)"],
    ["name from `tabUser` --"],
    ["(select 1)"],
    ["sleep(1)"],
    ["version()"],
    ["count(name) from tabUser"],
    ["name as x, title as `y` from tabUser"],
    ["`tabUser`.`name`"],
    ["name; drop table `tabTest Note`"],
    "name, (select 1)",
]
FILTERS = [
    [["name) or (1=1", "=", "x"]],
    [["name", "= 'x' or 1=1 --", "x"]],
    [["title", "regexp", ".*"]],
    [["User", "name", "=", "Administrator"]],
    {"name`='x' or '1'='1": "x"},
    [["substr(name,1,1)", "=", "N"]],
    [["title", "in", [["nested"]]]],
    [["title", "=", {"$ne": 1}]],
]
ORDER_BY = ["name; drop table `tabTest Note`", "(select 1)", "sleep(1) desc", "name desc, (case when 1 then name end)",
            "creation desc limit 1", "field(name, 'x')", "name desc --", "`tabUser`.name"]
GROUP_BY = ["name; delete from `tabTest Note`", "(select 1)", "title having 1=1", "`tabUser`.name"]
LIMITS = [("limit_page_length", "1; drop table x"), ("limit_page_length", "-1"),
          ("limit_page_length", "1 union select 1"), ("limit", "abc"), ("limit_start", "1 or 1=1"),
          ("limit_start", "-5"), ("limit_page_length", "2.5")]


@pytest.fixture
def note(api: Api) -> str:
    return insert(api, {"doctype": "Test Note", "title": "Target"})


def assert_refused(response, note_api: Api, note: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 417, response.text
    assert response.json()["exc_type"] == "DataError"
    assert stored(note_api, "Test Note", note, "title") == "Target"


@pytest.mark.parametrize("fields", FIELDS, ids=range(len(FIELDS)))
def test_fields_injection_is_refused(api: Api, note: str, fields: object) -> None:
    assert_refused(api.list("Test Note", fields=fields), api, note)


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_filters_injection_is_refused(api: Api, note: str, filters: object) -> None:
    assert_refused(api.list("Test Note", filters=filters), api, note)
    assert_refused(api.call("frappe.client.get_count", doctype="Test Note", filters=filters), api, note)


@pytest.mark.parametrize("order_by", ORDER_BY, ids=range(len(ORDER_BY)))
def test_order_by_injection_is_refused(api: Api, note: str, order_by: str) -> None:
    assert_refused(api.list("Test Note", order_by=order_by), api, note)


@pytest.mark.parametrize("group_by", GROUP_BY, ids=range(len(GROUP_BY)))
def test_group_by_injection_is_refused(api: Api, note: str, group_by: str) -> None:
    assert_refused(api.list("Test Note", fields=["count(name)"], group_by=group_by), api, note)


@pytest.mark.parametrize(("param", "value"), LIMITS, ids=[f"{p}={v}" for p, v in LIMITS])
def test_limit_injection_is_refused(api: Api, note: str, param: str, value: str) -> None:
    assert_refused(api.list("Test Note", **{param: value}), api, note)


def test_get_value_fieldname_injection_is_refused(api: Api, note: str) -> None:
    response = api.call("frappe.client.get_value", doctype="Test Note", fieldname="title from `tabUser` --",
                        filters=note)
    assert_refused(response, api, note)


def test_values_are_bound_parameters_not_sql(api: Api, note: str) -> None:
    response = api.list("Test Note", filters=[["title", "=", "x' OR '1'='1"]])
    assert response.status_code == 200 and response.json() == {"data": []}
    response = api.list("Test Note", filters=[["title", "like", "%' OR 1=1 --"]])
    assert response.status_code == 200 and response.json() == {"data": []}
