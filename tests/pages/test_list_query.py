"""The list view's URL state: parsing, the canonical query string, and the filters it gives get_list."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl

import pytest

import smooth
from smooth.exceptions import FilterError
from smooth.pages.desk import cells
from smooth.pages.desk.list_query import Column, ListContext, columns_of, parse_state, query_filters
from smooth.pages.desk.settings import view_settings


@pytest.fixture
def ctx(lms) -> ListContext:
    meta = smooth.get_meta("LMS Certificate Request")
    return ListContext(meta, view_settings(meta, "list"), columns_of(meta))


def roundtrip(ctx: ListContext, query: str):  # type: ignore[no-untyped-def]
    state = parse_state(ctx, parse_qsl(query.lstrip("?"), keep_blank_values=True))
    again = parse_state(ctx, parse_qsl(state.query().lstrip("?"), keep_blank_values=True))
    assert again == state
    return state


def test_the_canonical_query_reads_back_to_the_same_state(ctx) -> None:
    state = roundtrip(ctx, 'status=Pending&date=[">=","today"]&date=["<=","2030-01-01"]&course=[ "in", ["a","b"]]'
                           "&assigned_to_me=1&order_by=date desc&page=3&page_length=100")
    assert [c.param() for c in state.conditions][:2] == [("status", "Pending"), ("date", '[">=","today"]')]
    assert state.order == (("date", "desc"),) and state.page == 3 and state.page_length == 100
    assert state.assigned_to_me


def test_the_add_filter_fields_become_one_condition(ctx) -> None:
    state = roundtrip(ctx, "add_field=date&add_op=between&add_value=2030-01-01&add_value_to=2030-02-01&order_by=date")
    assert [c.param() for c in state.conditions] == [("date", '["between",["2030-01-01","2030-02-01"]]')]
    blank = roundtrip(ctx, "add_field=&status=&order_by=date")  # empty boxes of the forms: no filter
    assert blank.conditions == ()


def test_an_empty_query_gets_the_list_settings_defaults(ctx) -> None:
    state = parse_state(ctx, [])
    assert [c.param() for c in state.conditions] == [("date", '[">=","today"]')]
    assert state.order == (("start_utc", "asc"),)
    assert query_filters(ctx, state) == [["date", ">=", smooth.today().isoformat()]]


def test_quick_filters_name_the_user_who_looks(ctx) -> None:
    state = parse_state(ctx, [("assigned_to_me", "1"), ("created_by_me", "1")])
    smooth.set_user("eva@example.com")
    try:
        assert query_filters(ctx, state) == [["evaluator", "=", "eva@example.com"],
                                             ["owner", "=", "eva@example.com"]]
    finally:
        smooth.set_user("Administrator")


@pytest.mark.parametrize("pairs", [
    [("active_key", "x")], [("password", "x")], [("order_by", "date sideways")],
    [("order_by", "date, course, member, status")], [("page", "0")], [("status", '["==>", 1]')],
    [("status", '["=", {"a": 1}]')], [("group_by", "nope")],
])
def test_anything_outside_the_readable_fields_and_known_operators_is_refused(ctx, pairs) -> None:
    with pytest.raises(FilterError):
        parse_state(ctx, pairs, report=True)


def test_today_resolves_when_the_query_runs(ctx) -> None:
    state = parse_state(ctx, [("date", '["between",["today","2099-01-01"]]')])
    assert query_filters(ctx, state) == [["date", "between", [smooth.today().isoformat(), "2099-01-01"]]]
    assert isinstance(smooth.today(), dt.date)


def test_a_time_whose_zone_varies_by_record_names_it_in_each_cell() -> None:
    """A Time whose options name a zone field (an evaluator's schedule) cannot be labelled once in the heading."""
    column = Column("start_time", "Start Time", "Time", "timezone")
    assert column.heading == "Start Time"
    assert cells.cell(column, dt.time(9), {"timezone": "Europe/Berlin"}).text == "09:00 (Europe/Berlin)"
    assert cells.cell(column, dt.time(9), {"timezone": ""}).text == "09:00 (UTC)"  # none set: the system's
