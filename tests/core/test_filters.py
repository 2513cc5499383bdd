"""Filters in every accepted shape and with every operator, with Frappe's NULL semantics.

Each expectation is a set of note titles and must hold on SQLite and MariaDB alike; the
last test checks that `smooth.filters.matches` (the Python side, used by record rules)
picks exactly the rows the database returns, for random rows and filters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import smooth
from smooth.filters import matches, normalize

NOTES = [
    {"title": "Alpha", "status": "Open", "priority": 1, "amount": 10.5, "due_date": "2024-01-10",
     "happened_at": "2024-01-10 08:00:00", "summary": "first note", "code": "A-1"},
    {"title": "Beta", "status": "Closed", "priority": 3, "amount": 20, "due_date": "2024-01-15",
     "happened_at": "2024-01-15 23:59:59", "summary": "", "code": "B-2"},
    {"title": "Gamma", "status": "Open", "priority": 5, "amount": 30, "due_date": "2024-01-20",
     "happened_at": "2024-01-20 00:00:00", "summary": "third note", "code": "C-3"},
    {"title": "Delta", "status": "Archived", "priority": None, "amount": None, "due_date": None,
     "happened_at": None, "summary": None, "code": None},
    {"title": "Epsilon", "status": "Closed", "priority": 0, "amount": 0, "due_date": "2024-02-01",
     "happened_at": "2024-02-01 12:00:00", "summary": "fifth", "code": "E-5"},
]
ALL = {n["title"] for n in NOTES}


@pytest.fixture
def notes(ctx: Any) -> Any:
    for values in NOTES:
        smooth.get_doc({"doctype": "Test Note", **values}).insert()
    return ctx


def titles(filters: Any = None, **kwargs: Any) -> set[str]:
    return set(smooth.get_all("Test Note", filters=filters, pluck="title", **kwargs))


# -- shapes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("filters", [
    {"status": "Open"},
    {"status": ["=", "Open"]},
    [["status", "=", "Open"]],
    [["Test Note", "status", "=", "Open"]],
    [["status", "Open"]],
    ["status", "=", "Open"],
    [{"status": "Open"}],
], ids=["dict", "dict-op", "list3", "list4", "list2", "bare", "list-of-dict"])
def test_every_filter_shape_means_the_same(notes: Any, filters: Any) -> None:
    assert titles(filters) == {"Alpha", "Gamma"}


def test_dict_with_operator_value(notes: Any) -> None:
    assert titles({"priority": [">", 2]}) == {"Beta", "Gamma"}


def test_several_filters_are_anded(notes: Any) -> None:
    assert titles({"status": "Closed", "priority": [">", 1]}) == {"Beta"}
    assert titles([["status", "=", "Open"], ["due_date", ">=", "2024-01-15"]]) == {"Gamma"}


def test_or_filters_are_one_group_anded_with_filters(notes: Any) -> None:
    or_filters = [["priority", ">", 4], ["title", "=", "Alpha"], ["status", "=", "Closed"]]
    assert titles(or_filters=or_filters) == {"Alpha", "Beta", "Gamma", "Epsilon"}
    assert titles({"status": "Open"}, or_filters=or_filters) == {"Alpha", "Gamma"}
    assert titles({"priority": ["<", 4]}, or_filters={"status": "Closed", "title": "Gamma"}) == \
        {"Beta", "Epsilon"}


def test_operators_are_case_and_space_insensitive(notes: Any) -> None:
    assert titles([["title", "LIKE", "%ta"]]) == {"Beta", "Delta"}
    assert titles([["status", "Not  In", ["Open"]]]) == {"Beta", "Delta", "Epsilon"}
    assert titles([["status", "<>", "Open"]]) == {"Beta", "Delta", "Epsilon"}


def test_filter_on_another_doctype_is_refused(notes: Any) -> None:
    with pytest.raises(smooth.FilterError, match="other doctypes"):
        titles([["Test Category", "category_name", "=", "x"]])


def test_filters_on_standard_columns(notes: Any) -> None:
    assert titles({"owner": "Administrator", "docstatus": 0}) == ALL
    assert titles({"creation": [">", "2000-01-01"]}) == ALL
    assert titles({"name": ["like", "NOTE-%"]}) == ALL


# -- operators --------------------------------------------------------------------------------


@pytest.mark.parametrize("field, op, value, expected", [
    ("priority", "=", 3, {"Beta"}),
    ("priority", "!=", 3, {"Alpha", "Gamma", "Delta", "Epsilon"}),
    ("priority", ">", 1, {"Beta", "Gamma"}),
    ("priority", ">=", 1, {"Alpha", "Beta", "Gamma"}),
    ("priority", "<", 3, {"Alpha", "Delta", "Epsilon"}),
    ("priority", "<=", 3, {"Alpha", "Beta", "Delta", "Epsilon"}),
    ("priority", "=", "3", {"Beta"}),
    ("amount", ">", 10, {"Alpha", "Beta", "Gamma"}),
    ("amount", "<=", 10.5, {"Alpha", "Delta", "Epsilon"}),
    ("due_date", "=", "2024-01-15", {"Beta"}),
    ("due_date", ">", "2024-01-15", {"Gamma", "Epsilon"}),
    ("due_date", "<", "2024-01-15", {"Alpha", "Delta"}),
    ("due_date", ">=", dt.date(2024, 1, 15), {"Beta", "Gamma", "Epsilon"}),
    ("happened_at", ">", "2024-01-15", {"Beta", "Gamma", "Epsilon"}),
    ("happened_at", "<=", "2024-01-15 23:59:59", {"Alpha", "Beta", "Delta"}),
    ("title", ">", "Delta", {"Epsilon", "Gamma"}),
    ("title", "like", "%ta", {"Beta", "Delta"}),
    ("title", "like", "_amma", {"Gamma"}),
    ("title", "like", "alp%", {"Alpha"}),
    ("title", "not like", "%ta", {"Alpha", "Gamma", "Epsilon"}),
    ("summary", "like", "%note", {"Alpha", "Gamma"}),
    ("summary", "not like", "%note", {"Beta", "Delta", "Epsilon"}),
    ("status", "in", ["Open", "Archived"], {"Alpha", "Gamma", "Delta"}),
    ("status", "in", "Open,Archived", {"Alpha", "Gamma", "Delta"}),
    ("status", "in", "Open, Archived", {"Alpha", "Gamma", "Delta"}),
    ("status", "not in", ["Open", "Archived"], {"Beta", "Epsilon"}),
    ("status", "not in", "Open,Archived", {"Beta", "Epsilon"}),
    ("priority", "in", [1, "5"], {"Alpha", "Gamma"}),
    ("priority", "not in", [1, 5], {"Beta", "Delta", "Epsilon"}),
    ("summary", "in", ["", "fifth"], {"Beta", "Delta", "Epsilon"}),
    ("summary", "not in", ["", "fifth"], {"Alpha", "Gamma"}),
    ("due_date", "between", ["2024-01-10", "2024-01-15"], {"Alpha", "Beta"}),
    ("due_date", "between", [dt.date(2024, 1, 16), dt.date(2024, 2, 1)], {"Gamma", "Epsilon"}),
    ("happened_at", "between", ["2024-01-10", "2024-01-15"], {"Alpha", "Beta"}),
    ("happened_at", "between", [dt.date(2024, 1, 10), dt.date(2024, 1, 15)], {"Alpha", "Beta"}),
    ("happened_at", "between", ["2024-01-10", "2024-01-15 12:00:00"], {"Alpha"}),
    ("happened_at", "between", ["2024-01-20", "2024-01-20"], {"Gamma"}),
    ("priority", "between", [1, 3], {"Alpha", "Beta"}),
    ("summary", "is", "set", {"Alpha", "Gamma", "Epsilon"}),
    ("summary", "is", "not set", {"Beta", "Delta"}),
    ("priority", "is", "set", {"Alpha", "Beta", "Gamma", "Epsilon"}),
    ("priority", "is", "not set", {"Delta"}),
    ("due_date", "is", "not set", {"Delta"}),
    ("happened_at", "is", "set", {"Alpha", "Beta", "Gamma", "Epsilon"}),
])
def test_operator(notes: Any, field: str, op: str, value: Any, expected: set[str]) -> None:
    assert titles([[field, op, value]]) == expected


def test_between_includes_the_whole_last_day_for_creation(notes: Any) -> None:
    today = smooth.today().isoformat()
    assert titles({"creation": ["between", [today, today]]}) == ALL
    assert titles({"modified": ["between", ["2000-01-01", "2000-01-02"]]}) == set()


# -- NULL semantics (Frappe's ifnull) ---------------------------------------------------------


def test_not_equal_matches_null(notes: Any) -> None:
    smooth.db.set_value("Test Note", _name("Delta"), "status", None)
    assert titles({"status": ["!=", "Open"]}) == {"Beta", "Delta", "Epsilon"}
    assert titles({"code": ["!=", "A-1"]}) == ALL - {"Alpha"}


def test_equals_empty_string_matches_null_and_empty(notes: Any) -> None:
    assert titles({"summary": ""}) == {"Beta", "Delta"}
    assert titles({"summary": ["!=", ""]}) == {"Alpha", "Gamma", "Epsilon"}


def test_none_as_a_value_means_unset(notes: Any) -> None:
    assert titles({"summary": None}) == {"Beta", "Delta"}
    assert titles({"summary": ["!=", None]}) == {"Alpha", "Gamma", "Epsilon"}
    assert titles({"priority": None}) == {"Delta", "Epsilon"}
    assert titles({"due_date": None}) == {"Delta"}
    assert titles({"summary": ["in", [None, "fifth"]]}) == {"Beta", "Delta", "Epsilon"}


def test_number_comparisons_count_null_as_zero(notes: Any) -> None:
    assert titles({"priority": ["<", 1]}) == {"Delta", "Epsilon"}
    assert titles({"priority": 0}) == {"Delta", "Epsilon"}
    assert titles({"priority": [">", 0]}) == {"Alpha", "Beta", "Gamma"}
    assert titles({"amount": ["<=", 0]}) == {"Delta", "Epsilon"}


def test_number_in_list_follows_equals(notes: Any) -> None:
    """`in [0, 5]` means `= 0 or = 5`, so a NULL number (counted as 0) is in it."""
    assert titles({"priority": ["in", [0, 5]]}) == {"Gamma", "Delta", "Epsilon"}
    assert titles({"priority": ["not in", [0, 5]]}) == {"Alpha", "Beta"}


def test_empty_string_on_dates_means_not_set(notes: Any) -> None:
    assert titles({"due_date": ""}) == {"Delta"}
    assert titles({"due_date": ["!=", ""]}) == ALL - {"Delta"}


def test_like_never_matches_null_and_not_like_always_does(notes: Any) -> None:
    assert titles({"summary": ["like", "%"]}) == {"Alpha", "Beta", "Gamma", "Epsilon"}
    assert titles({"summary": ["not like", "%"]}) == {"Delta"}


def test_in_with_empty_list_matches_blank_values(notes: Any) -> None:
    assert titles({"summary": ["in", []]}) == {"Beta", "Delta"}
    assert titles({"summary": ["not in", []]}) == {"Alpha", "Gamma", "Epsilon"}


# -- text comparisons ignore case (Frappe on MariaDB: utf8mb4_unicode_ci) ----------------------


def test_text_equality_ignores_case(notes: Any) -> None:
    assert titles({"status": "open"}) == {"Alpha", "Gamma"}
    assert titles({"status": ["in", ["OPEN", "archived"]]}) == {"Alpha", "Gamma", "Delta"}
    assert titles({"status": ["!=", "OPEN"]}) == {"Beta", "Delta", "Epsilon"}
    assert titles({"title": ["like", "ALPHA"]}) == {"Alpha"}


def test_text_order_ignores_case(ctx: Any) -> None:
    for title in ("banana", "Cherry", "apple", "Apricot"):
        smooth.get_doc({"doctype": "Test Note", "title": title}).insert()
    assert smooth.get_all("Test Note", pluck="title", order_by="title asc") == \
        ["apple", "Apricot", "banana", "Cherry"]
    assert titles({"title": [">", "B"]}) == {"banana", "Cherry"}


def test_python_matches_ignores_case_like_sql() -> None:
    from smooth.filters import Filter

    assert matches({"status": "Open"}, [Filter("status", "=", "open", "Select")])
    assert matches({"status": "Open"}, [Filter("status", "in", ("OPEN",), "Select")])
    assert not matches({"status": "Open"}, [Filter("status", "!=", "oPeN", "Select")])
    assert matches({"title": "banana"}, [Filter("title", ">", "B", "Data")])


# -- bad values -------------------------------------------------------------------------------


@pytest.mark.parametrize("filters, words", [
    ({"priority": "high"}, "whole number"),
    ({"due_date": ["between", ["2024-01-01"]]}, "[from, to]"),
    ({"due_date": ["between", ["", "2024-01-01"]]}, "needs both bounds"),
    ({"due_date": ["in", 5]}, "list of values"),
    ({"summary": ["is", "maybe"]}, "'set' or 'not set'"),
    ({"due_date": "yesterday-ish"}, "Due Date"),
    ({"status": ["=", ["Open"]]}, "single value"),
    ([["status", "=", "Open", "x", "y"]], "[field, operator, value]"),
    ({"nope": 1}, "does not exist"),
    ({"tags": "x"}, "does not exist"),
    (42, "list or an object"),
])
def test_bad_filter_values_are_filter_errors(notes: Any, filters: Any, words: str) -> None:
    with pytest.raises(smooth.FilterError) as info:
        titles(filters)
    assert words in str(info.value)
    assert info.value.http_status_code == 417


def _name(title: str) -> str:
    return smooth.db.get_value("Test Note", {"title": title})


# -- Python-side evaluation agrees with SQL ---------------------------------------------------

TEXT = st.sampled_from([None, "", "a", "ab", "b", "ba", "abc"])
ROWS = st.fixed_dictionaries({
    "summary": TEXT,
    "code": st.none(),
    "priority": st.one_of(st.none(), st.integers(-3, 3)),
    "amount": st.one_of(st.none(), st.sampled_from([-1.5, 0, 0.5, 2])),
    "due_date": st.one_of(st.none(), st.dates(dt.date(2023, 12, 30), dt.date(2024, 1, 3))),
    "happened_at": st.one_of(st.none(), st.sampled_from([
        dt.datetime(2024, 1, 1, 0, 0), dt.datetime(2024, 1, 1, 23, 59, 59),
        dt.datetime(2024, 1, 2, 12, 30)])),
    "is_done": st.sampled_from([0, 1]),
})
VALUES = {
    "summary": st.sampled_from([None, "", "a", "ab", "b", "ba"]),
    "priority": st.one_of(st.integers(-3, 3), st.sampled_from(["", None])),
    "amount": st.sampled_from([-1.5, 0, 0.5, 1, 2, ""]),
    "due_date": st.one_of(st.dates(dt.date(2023, 12, 30), dt.date(2024, 1, 3)).map(str), st.just("")),
    "happened_at": st.sampled_from(
        ["2024-01-01", "2024-01-02", "2024-01-01 23:59:59", "2024-01-02 12:30:00", ""]),
    "is_done": st.sampled_from([0, 1]),
}
PATTERNS = st.sampled_from(["", "%", "a%", "%a", "%b%", "_", "a_", "ab"])
COMPARISONS = st.sampled_from(["=", "!=", ">", "<", ">=", "<="])


@st.composite
def a_filter(draw: Any) -> list[Any]:
    field = draw(st.sampled_from(sorted(VALUES)))
    kind = draw(st.sampled_from(["compare", "in", "not in", "between", "is", "like"]))
    value = VALUES[field]
    if kind == "compare":
        return [field, draw(COMPARISONS), draw(value)]
    if kind in ("in", "not in"):
        return [field, kind, draw(st.lists(value, max_size=3))]
    if kind == "between":
        bound = value.filter(lambda v: v not in ("", None))
        low, high = draw(bound), draw(bound)
        return [field, "between", [low, high]]
    if kind == "is":
        return [field, "is", draw(st.sampled_from(["set", "not set"]))]
    if field != "summary":
        return [field, "in", [draw(value)]]
    return [field, draw(st.sampled_from(["like", "not like"])), draw(PATTERNS)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROWS, min_size=1, max_size=6), filters=st.lists(a_filter(), min_size=1, max_size=2),
       or_filters=st.lists(a_filter(), max_size=2))
def test_matches_agrees_with_sql(ctx: Any, rows: list[dict[str, Any]], filters: list[Any],
                                 or_filters: list[Any]) -> None:
    meta = smooth.get_meta("Test Note")
    try:
        for i, row in enumerate(rows):
            smooth.get_doc({"doctype": "Test Note", "title": f"row {i}", **row}).insert()
        stored = smooth.get_all("Test Note", fields=["*"])
        and_rules, or_rules = normalize(meta, filters), normalize(meta, or_filters)
        expected = {r["title"] for r in stored
                    if matches(r, and_rules) and (not or_rules or any(matches(r, [f]) for f in or_rules))}
        assert titles(filters, or_filters=or_filters) == expected
    finally:
        smooth.db.rollback()


def test_a_condition_worked_out_once_is_the_same_and_keeps_each_value_type_apart(ctx: Any) -> None:
    """normalize keeps each checked condition per doctype: asking again (or with an equal value of another
    type, True beside 1) gives what working it out afresh gives, and a refused one is refused every time."""
    meta = smooth.get_meta("Test Note")
    meta.filter_memo.clear()
    first = normalize(meta, {"priority": 1, "title": "Alpha", "due_date": dt.date(2024, 1, 10)})
    assert normalize(meta, [["priority", "=", 1], ["title", "=", "Alpha"], ["due_date", "=", dt.date(2024, 1, 10)]]) \
        == first
    assert len(meta.filter_memo) == 3
    assert normalize(meta, {"priority": True})[0].value == normalize(meta, [["priority", "=", 1]])[0].value
    assert {key[2] for key in meta.filter_memo if key[0] == "priority"} == {int, bool}
    for _attempt in range(2):
        with pytest.raises(smooth.FilterError, match="is not"):
            normalize(meta, {"priority": "many"})
