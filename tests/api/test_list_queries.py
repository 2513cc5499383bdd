"""GET /api/resource/{doctype}: fields, every filter operator, or_filters, ordering, grouping, pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import Api, insert


@pytest.fixture
def notes(api: Api) -> Api:
    for values in (
        {"title": "Alpha", "status": "Open", "priority": 1, "due_date": "2026-01-10", "amount": 10.5, "code": "A1",
         "happened_at": "2026-01-10 08:00:00"},
        {"title": "Beta", "status": "Closed", "priority": 2, "due_date": "2026-02-10", "amount": 20,
         "happened_at": "2026-02-10 23:30:00"},
        {"title": "Gamma", "status": "Archived", "priority": 3, "code": "G3"},
    ):
        insert(api, {"doctype": "Test Note", **values})
    return api


def titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(row["title"] for row in response.json()["data"])


OPERATOR_CASES = [
    ([["status", "=", "Open"]], ["Alpha"]),
    ([["status", "!=", "Open"]], ["Beta", "Gamma"]),
    ([["priority", ">", 1]], ["Beta", "Gamma"]),
    ([["priority", "<", 2]], ["Alpha"]),
    ([["priority", ">=", 2]], ["Beta", "Gamma"]),
    ([["priority", "<=", 2]], ["Alpha", "Beta"]),
    ([["title", "like", "%mm%"]], ["Gamma"]),
    ([["title", "not like", "%a"]], []),
    ([["title", "not like", "A%"]], ["Beta", "Gamma"]),
    ([["status", "in", ["Open", "Closed"]]], ["Alpha", "Beta"]),
    ([["status", "in", "Open, Archived"]], ["Alpha", "Gamma"]),
    ([["status", "not in", ["Open"]]], ["Beta", "Gamma"]),
    ([["due_date", "between", ["2026-01-01", "2026-01-31"]]], ["Alpha"]),
    ([["happened_at", "between", ["2026-02-10", "2026-02-10"]]], ["Beta"]),
    ([["code", "is", "set"]], ["Alpha", "Gamma"]),
    ([["code", "is", "not set"]], ["Beta"]),
    ([["code", "!=", "A1"]], ["Beta", "Gamma"]),
    ([["amount", ">", 15]], ["Beta"]),
    ([["Test Note", "priority", "=", 3]], ["Gamma"]),
    ([["priority", 2]], ["Beta"]),
    ({"status": "Closed"}, ["Beta"]),
    ({"priority": [">=", 2], "status": ["!=", "Archived"]}, ["Beta"]),
    ([["status", "NOT IN", ["Open", "Closed"]]], ["Gamma"]),
]


@pytest.mark.parametrize(("filters", "expected"), OPERATOR_CASES, ids=[str(c[0]) for c in OPERATOR_CASES])
def test_filter_operator_over_http(notes: Api, filters: Any, expected: list[str]) -> None:
    assert titles(notes.list("Test Note", fields=["title"], filters=filters)) == expected


def test_or_filters_are_ored_and_anded_with_filters(notes: Api) -> None:
    response = notes.list("Test Note", fields=["title"], or_filters=[["status", "=", "Open"], ["priority", "=", 3]])
    assert titles(response) == ["Alpha", "Gamma"]
    response = notes.list("Test Note", fields=["title"], filters=[["code", "is", "set"]],
                          or_filters={"status": "Closed", "priority": 3})
    assert titles(response) == ["Gamma"]


def test_default_fields_are_name_only(notes: Api) -> None:
    rows = notes.list("Test Note").json()["data"]
    assert len(rows) == 3 and all(set(row) == {"name"} for row in rows)


def test_fields_star_returns_every_column(notes: Api) -> None:
    rows = notes.list("Test Note", fields=["*"], filters={"title": "Alpha"}).json()["data"]
    assert len(rows) == 1
    row = rows[0]
    assert {"name", "owner", "creation", "modified", "docstatus", "title", "status", "amount", "due_date"} <= set(row)
    assert row["amount"] == 10.5 and row["due_date"] == "2026-01-10" and row["happened_at"] == "2026-01-10 08:00:00"


def test_fields_may_be_a_bare_star_or_comma_separated(notes: Api) -> None:
    assert "title" in notes.list("Test Note", fields="*").json()["data"][0]
    row = notes.list("Test Note", fields="title, priority", order_by="priority asc").json()["data"][0]
    assert row == {"title": "Alpha", "priority": 1}


def test_order_by_and_as_dict_false(notes: Api) -> None:
    response = notes.list("Test Note", fields=["title", "priority"], order_by="priority desc", as_dict=0)
    assert response.json()["data"] == [["Gamma", 3], ["Beta", 2], ["Alpha", 1]]


def test_group_by_with_an_aggregate(notes: Api) -> None:
    insert(notes, {"doctype": "Test Note", "title": "Delta", "status": "Open", "priority": 5})
    response = notes.list("Test Note", fields=["status", "count(name) as n"], group_by="status",
                          order_by="status asc")
    assert response.json()["data"] == [{"status": "Archived", "n": 1}, {"status": "Closed", "n": 1},
                                       {"status": "Open", "n": 2}]


def test_default_page_length_is_20_and_limit_start_pages(api: Api) -> None:
    for number in range(25):
        insert(api, {"doctype": "Test Category", "category_name": f"Cat {number:02d}"})
    first = api.list("Test Category", order_by="name asc").json()["data"]
    assert len(first) == 20 and first[0]["name"] == "Cat 00"
    second = api.list("Test Category", order_by="name asc", limit_start=20).json()["data"]
    assert [r["name"] for r in second] == [f"Cat {n}" for n in range(20, 25)]
    assert len(api.list("Test Category", limit_page_length=5).json()["data"]) == 5
    assert len(api.list("Test Category", limit=7).json()["data"]) == 7
    assert len(api.list("Test Category", limit_page_length=0).json()["data"]) == 25


def test_list_of_an_unknown_doctype_is_404(api: Api) -> None:
    response = api.list("No Such Doctype")
    assert response.status_code == 404
    assert response.json()["exc_type"] == "DoesNotExistError"
    assert "No Such Doctype" in response.json()["exception"]
