"""get_all / get_list arguments (fields, ordering, paging) and the smooth.db read/write helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import smooth

NOTES = [
    {"title": "Alpha", "status": "Open", "priority": 1, "amount": 10.5},
    {"title": "Beta", "status": "Closed", "priority": 3, "amount": 20},
    {"title": "Gamma", "status": "Open", "priority": 5, "amount": 30},
    {"title": "Delta", "status": "Open", "priority": 3, "amount": None},
    {"title": "Epsilon", "status": "Closed", "priority": 0, "amount": 4.5},
]


@pytest.fixture
def notes(ctx: Any) -> dict[str, str]:
    """Title -> name, inserted in this order (so creation order is NOTES order)."""
    return {n["title"]: smooth.get_doc({"doctype": "Test Note", **n}).insert().name for n in NOTES}


def by_title(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["title"]: r for r in rows}


# -- fields -----------------------------------------------------------------------------------


def test_default_field_is_name(notes: dict[str, str]) -> None:
    rows = smooth.get_all("Test Note")
    assert {tuple(r) for r in rows} == {("name",)}
    assert {r["name"] for r in rows} == set(notes.values())


def test_named_fields_come_back_as_dict_keys(notes: dict[str, str]) -> None:
    rows = smooth.get_all("Test Note", fields=["name", "title", "priority"], filters={"title": "Beta"})
    assert rows == [{"name": notes["Beta"], "title": "Beta", "priority": 3}]


def test_fields_as_comma_separated_string(notes: dict[str, str]) -> None:
    rows = smooth.get_all("Test Note", fields="title, priority", filters={"title": "Beta"})
    assert rows == [{"title": "Beta", "priority": 3}]


def test_star_returns_every_column(notes: dict[str, str]) -> None:
    row = smooth.get_all("Test Note", fields=["*"], filters={"title": "Alpha"})[0]
    assert set(row) == set(smooth.get_meta("Test Note").columns)
    assert row["owner"] == "Administrator"
    assert row["amount"] == 10.5


def test_field_alias(notes: dict[str, str]) -> None:
    rows = smooth.get_all("Test Note", fields=["title as heading", "priority AS p"],
                          filters={"title": "Gamma"})
    assert rows == [{"heading": "Gamma", "p": 5}]


def test_table_qualified_field(notes: dict[str, str]) -> None:
    rows = smooth.get_all("Test Note", fields=["`tabTest Note`.title", "tabTest Note.priority"],
                          filters={"title": "Gamma"})
    assert rows == [{"title": "Gamma", "priority": 5}]


def test_count_star_and_count_with_alias(notes: dict[str, str]) -> None:
    assert smooth.get_all("Test Note", fields=["count(*)"]) == [{"count(*)": 5}]
    assert smooth.get_all("Test Note", fields=["count(name) as n"], filters={"status": "Open"}) == [{"n": 3}]
    assert smooth.get_all("Test Note", fields=["count(distinct priority) as n"]) == [{"n": 4}]


def test_aggregates_with_group_by_give_plain_numbers(notes: dict[str, str]) -> None:
    rows = smooth.get_all(
        "Test Note", group_by="status", order_by="status asc",
        fields=["status", "count(*) as n", "sum(priority) as total", "avg(priority) as mean",
                "min(priority) as lo", "max(priority) as hi", "sum(amount) as money",
                "avg(amount) as avg_money"])
    assert rows == [
        {"status": "Closed", "n": 2, "total": 3, "mean": 1.5, "lo": 0, "hi": 3, "money": 24.5,
         "avg_money": 12.25},
        {"status": "Open", "n": 3, "total": 9, "mean": 3.0, "lo": 1, "hi": 5, "money": 40.5,
         "avg_money": 20.25},
    ]
    assert type(rows[0]["total"]) is int
    assert type(rows[0]["mean"]) is float and type(rows[0]["money"]) is float


def test_order_by_an_aggregate(notes: dict[str, str]) -> None:
    rows = smooth.get_all("Test Note", fields=["status", "count(*) as n"], group_by="status",
                          order_by="count(*) desc")
    assert [r["status"] for r in rows] == ["Open", "Closed"]


def test_sum_of_a_text_field_is_refused(notes: dict[str, str]) -> None:
    with pytest.raises(smooth.FilterError, match="needs a number field"):
        smooth.get_all("Test Note", fields=["sum(title)"])


def test_pluck_returns_plain_values(notes: dict[str, str]) -> None:
    assert smooth.get_all("Test Note", pluck="title", order_by="title asc") == sorted(notes)


def test_as_list_returns_tuples(notes: dict[str, str]) -> None:
    rows = smooth.get_all("Test Note", fields=["title", "priority"], filters={"status": "Closed"},
                          order_by="priority asc", as_list=True)
    assert rows == [("Epsilon", 0), ("Beta", 3)]


def test_distinct(notes: dict[str, str]) -> None:
    assert sorted(smooth.get_all("Test Note", fields=["status"], distinct=True, order_by="status asc",
                                 pluck="status")) == ["Closed", "Open"]
    assert sorted(r["priority"] for r in smooth.get_all("Test Note", fields=["priority"], distinct=True,
                                                         order_by="priority asc")) == [0, 1, 3, 5]
    assert sorted(smooth.get_all("Test Note", fields=["status"], distinct=True, pluck="status")) == \
        ["Closed", "Open"]


# -- ordering and paging ----------------------------------------------------------------------


def test_order_by_several_columns(notes: dict[str, str]) -> None:
    assert smooth.get_all("Test Note", pluck="title", order_by="priority desc, title asc") == \
        ["Gamma", "Beta", "Delta", "Alpha", "Epsilon"]
    assert smooth.get_all("Test Note", pluck="title", order_by="`tabTest Note`.priority asc, title desc") == \
        ["Epsilon", "Alpha", "Delta", "Beta", "Gamma"]


def test_default_order_is_the_doctype_sort_field(notes: dict[str, str]) -> None:
    meta = smooth.get_meta("Test Note")
    assert (meta.sort_field, meta.sort_order) == ("creation", "DESC")
    assert smooth.get_all("Test Note", pluck="title") == [n["title"] for n in reversed(NOTES)]


def test_limit_start_and_page_length(notes: dict[str, str]) -> None:
    order = "priority desc, title asc"
    assert smooth.get_all("Test Note", pluck="title", order_by=order, limit_page_length=2) == \
        ["Gamma", "Beta"]
    assert smooth.get_all("Test Note", pluck="title", order_by=order, limit_start=2, limit_page_length=2) == \
        ["Delta", "Alpha"]
    assert smooth.get_all("Test Note", pluck="title", order_by=order, limit_start=4, limit_page_length=2) == \
        ["Epsilon"]
    assert smooth.get_all("Test Note", pluck="title", order_by=order, limit=3) == ["Gamma", "Beta", "Delta"]


def test_limit_start_without_page_length(notes: dict[str, str]) -> None:
    assert smooth.get_all("Test Note", pluck="title", order_by="priority desc, title asc", limit_start=3) == \
        ["Alpha", "Epsilon"]


@pytest.mark.parametrize("no_limit", [0, None, "0", ""])
def test_zero_or_none_page_length_means_no_limit(notes: dict[str, str], no_limit: Any) -> None:
    assert len(smooth.get_all("Test Note", limit_page_length=no_limit)) == 5
    assert len(smooth.get_all("Test Note", limit=no_limit)) == 5


def test_page_length_given_as_text_by_rest_clients(notes: dict[str, str]) -> None:
    assert smooth.get_all("Test Note", pluck="title", order_by="title asc", limit_page_length="2",
                          limit_start="1") == ["Beta", "Delta"]


@pytest.mark.parametrize("bad", [-1, "ten", "10; drop table `tabTest Note`", 2.5])
def test_bad_page_length_is_a_filter_error(notes: dict[str, str], bad: Any) -> None:
    with pytest.raises(smooth.FilterError, match="limit_page_length must be a whole number"):
        smooth.get_all("Test Note", limit_page_length=bad)


@pytest.mark.parametrize("bad", [-1, "ten", "1; drop table `tabTest Note`"])
def test_bad_limit_start_is_a_filter_error(notes: dict[str, str], bad: Any) -> None:
    with pytest.raises(smooth.FilterError, match="limit_start must be a whole number"):
        smooth.get_all("Test Note", limit_start=bad)


def test_frappe_v13_paging_names_are_refused_with_a_hint(notes: dict[str, str]) -> None:
    with pytest.raises(smooth.ValidationError, match="use limit_start and limit_page_length"):
        smooth.get_list("Test Note", start=0, page_length=2)


# -- smooth.db helpers ------------------------------------------------------------------------


def test_get_value_single_field(notes: dict[str, str]) -> None:
    assert smooth.db.get_value("Test Note", notes["Beta"], "title") == "Beta"
    assert smooth.db.get_value("Test Note", {"title": "Beta"}) == notes["Beta"]
    assert smooth.db.get_value("Test Note", {"title": "Beta"}, "priority") == 3


def test_get_value_several_fields(notes: dict[str, str]) -> None:
    assert smooth.db.get_value("Test Note", notes["Gamma"], ["title", "priority"]) == ("Gamma", 5)
    assert smooth.db.get_value("Test Note", notes["Gamma"], ["title", "priority"], as_dict=True) == \
        {"title": "Gamma", "priority": 5}


def test_get_value_takes_the_first_row_in_order(notes: dict[str, str]) -> None:
    assert smooth.db.get_value("Test Note", {"status": "Open"}, "title", order_by="priority desc") == "Gamma"
    assert smooth.db.get_value("Test Note", {"status": "Open"}, "title", order_by="priority asc") == "Alpha"


def test_get_value_of_a_missing_row_is_none(notes: dict[str, str]) -> None:
    assert smooth.db.get_value("Test Note", "NOTE-1999-00001", "title") is None
    assert smooth.db.get_value("Test Note", {"title": "Nope"}, ["title", "priority"]) is None
    assert smooth.db.get_value("Test Note", {"title": "Nope"}, "title", as_dict=True) is None


def test_get_value_checks_fields(notes: dict[str, str]) -> None:
    with pytest.raises(smooth.FilterError, match="does not exist"):
        smooth.db.get_value("Test Note", notes["Beta"], "no_such_field")


def test_exists(notes: dict[str, str]) -> None:
    assert smooth.db.exists("Test Note", notes["Alpha"]) == notes["Alpha"]
    assert smooth.db.exists("Test Note", {"title": "Alpha", "priority": 1}) == notes["Alpha"]
    assert smooth.db.exists("Test Note", {"doctype": "Test Note", "title": "Alpha"}) == notes["Alpha"]
    assert smooth.db.exists("Test Note", "NOTE-1999-00001") is None
    assert smooth.db.exists("Test Note", {"title": "Alpha", "priority": 2}) is None


def test_exists_with_frappe_dict_form(notes: dict[str, str]) -> None:
    """Frappe's idiom `frappe.db.exists({"doctype": ..., field: value})`."""
    assert smooth.db.exists({"doctype": "Test Note", "title": "Alpha"}) == notes["Alpha"]
    assert smooth.db.exists({"doctype": "Test Note", "title": "Nope"}) is None


def test_count(notes: dict[str, str]) -> None:
    assert smooth.db.count("Test Note") == 5
    assert smooth.db.count("Test Note", {"status": "Open"}) == 3
    assert smooth.db.count("Test Note", [["priority", ">=", 3]]) == 3
    assert smooth.db.count("Test Note", {"status": "Open"}, or_filters={"priority": 1, "title": "Gamma"}) == 2
    assert smooth.db.count("Test Note", {"title": "Nope"}) == 0


def test_set_value_writes_directly_and_updates_modified(notes: dict[str, str]) -> None:
    name = notes["Alpha"]
    before = smooth.db.get_value("Test Note", name, "modified")
    smooth.set_user("Guest")
    smooth.db.set_value("Test Note", name, "priority", 9)
    smooth.set_user("Administrator")
    row = smooth.db.get_value("Test Note", name, ["priority", "modified", "modified_by"], as_dict=True)
    assert row["priority"] == 9
    assert row["modified"] > before
    assert row["modified_by"] == "Guest"


def test_set_value_several_fields_without_touching_modified(notes: dict[str, str]) -> None:
    name = notes["Alpha"]
    before = smooth.db.get_value("Test Note", name, "modified")
    smooth.db.set_value("Test Note", name, {"title": "Alpha 2", "due_date": "2024-05-01"},
                        update_modified=False)
    row = smooth.db.get_value("Test Note", name, ["title", "due_date", "modified"], as_dict=True)
    assert row == {"title": "Alpha 2", "due_date": dt.date(2024, 5, 1), "modified": before}


def test_set_value_by_filters_updates_every_match(notes: dict[str, str]) -> None:
    smooth.db.set_value("Test Note", {"status": "Closed"}, "priority", 7)
    assert smooth.get_all("Test Note", filters={"priority": 7}, pluck="title", order_by="title asc") == \
        ["Beta", "Epsilon"]
    assert smooth.db.get_value("Test Note", notes["Gamma"], "priority") == 5


def test_set_value_refuses_unknown_fields(notes: dict[str, str]) -> None:
    with pytest.raises(smooth.DoesNotExistError, match="does not exist on Test Note"):
        smooth.db.set_value("Test Note", notes["Alpha"], "no_such_field", 1)
