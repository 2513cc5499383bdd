"""Coercion refuses what it used to read leniently, and keeps reading what clients really send.

Found by fuzzing and by hand (issue 8): a trailing NUL after a date, other scripts' digits in
a time, "yes" for a Check, NaN / 1e400 for an Int (a 500), a time with a UTC offset (the offset
silently dropped), and 9999-12-31 (an OverflowError in the first date arithmetic after it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import smooth
from smooth.meta.coerce import (
    DATE_RANGE,
    CoercionError,
    coercer_for,
    to_check,
    to_date,
    to_datetime,
    to_float,
    to_int,
    to_json_text,
    to_time,
)

REFUSED = [
    (to_int, float("nan")), (to_int, float("inf")), (to_int, "nan"), (to_int, "inf"), (to_int, "1e400"),
    (to_int, Decimal("NaN")), (to_int, Decimal("Infinity")), (to_int, "\u0661\u0660"), (to_int, "\uff11"),
    (to_int, "1_000"), (to_int, 2.5),
    (to_float, "\u0661.5"), (to_float, "nan"),
    (to_check, "yes"), (to_check, "no"), (to_check, "on"), (to_check, "off"), (to_check, 2), (to_check, "2"),
    (to_date, "2026-01-01\x00"), (to_date, "2026-01-01xyz"), (to_date, "\uff12\uff10\uff12\uff16-01-01"),
    (to_date, "9999-12-31"), (to_date, "0999-12-31"), (to_date, dt.date.max), (to_date, "2026-02-30"),
    (to_datetime, "9999-12-31 10:00:00"), (to_datetime, "2026-01-01 10:00:00\x00"),
    (to_time, "10:00:00+05:30"), (to_time, "10:00Z"), (to_time, "10:00:00-03:30"),
    (to_time, dt.time(10, tzinfo=dt.UTC)), (to_time, "\u0661\u0660:\u0660\u0660"),
    (to_time, "\uff11\uff10:00"), (to_time, "24:00"), (to_time, "10:60"), (to_time, "10:00:00\x00"),
]


@pytest.mark.parametrize("coerce, value", REFUSED, ids=[f"{c.__name__}-{v!r}" for c, v in REFUSED])
def test_lenient_or_impossible_values_are_refused(coerce: Any, value: Any) -> None:
    with pytest.raises(CoercionError):
        coerce(value)


ACCEPTED = [
    (to_int, " 1,000 ", 1000), (to_int, "1e3", 1000), (to_int, 5.0, 5), (to_int, Decimal("7"), 7), (to_int, "-3", -3),
    (to_check, "1", 1), (to_check, "0", 0), (to_check, "true", 1), (to_check, "False", 0), (to_check, True, 1),
    (to_check, "", 0), (to_check, None, 0),
    (to_date, "2026-01-01", dt.date(2026, 1, 1)), (to_date, " 2026-01-01 ", dt.date(2026, 1, 1)),
    (to_date, "2026-01-01 10:30:00", dt.date(2026, 1, 1)), (to_date, DATE_RANGE[1], DATE_RANGE[1]),
    (to_date, "1000-01-01", dt.date(1000, 1, 1)),
    (to_time, "9:05", dt.time(9, 5)), (to_time, "09:05:07", dt.time(9, 5, 7)),
    (to_time, "09:05:07.25", dt.time(9, 5, 7, 250000)), (to_time, dt.timedelta(hours=10), dt.time(10)),
    (to_time, dt.datetime(2026, 1, 1, 10, 30), dt.time(10, 30)),
    (to_datetime, "2026-01-01T10:00:00", dt.datetime(2026, 1, 1, 10)),
]


@pytest.mark.parametrize("coerce, value, expected", ACCEPTED,
                         ids=[f"{c.__name__}-{v!r}" for c, v, _ in ACCEPTED])
def test_what_clients_send_is_still_read(coerce: Any, value: Any, expected: Any) -> None:
    assert coerce(value) == expected


def test_json_too_deep_to_read_back_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(CoercionError, match="nested too deeply"):
        to_json_text("[" * 100_000 + "]" * 100_000)
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(CoercionError, match="nested too deeply"):
        to_json_text(deep)
    assert to_json_text({"b": [1, {"c": None}], "a": 1}) == '{"a": 1, "b": [1, {"c": null}]}'


def test_messages_say_what_to_send() -> None:
    with pytest.raises(CoercionError, match="from 1000-01-01 to 9998-12-31"):
        to_date("9999-12-31")
    with pytest.raises(CoercionError, match="UTC offset: a time is wall-clock time"):
        to_time("10:00Z")
    assert coercer_for("Int") is not to_int  # bounded to the column's range


def test_filters_may_compare_with_dates_beyond_what_is_stored(ctx: Any) -> None:
    """9999-12-31 is a common "no end" bound in a filter; only stored values are held to DATE_RANGE."""
    smooth.get_doc({"doctype": "Test Note", "title": "dated", "due_date": "2026-05-01",
                    "happened_at": "2026-05-01 10:00:00"}).insert()
    assert smooth.get_all("Test Note", filters={"due_date": ["<", "9999-12-31"]}, pluck="title") == ["dated"]
    assert smooth.get_all("Test Note", filters={"happened_at": ["between", ["0001-01-01", "9999-12-31"]]},
                          pluck="title") == ["dated"]
    assert smooth.get_all("Test Note", filters={"modified": ["<", "9999-12-31 23:59:59"]}, pluck="title") == \
        ["dated"]
    with pytest.raises(smooth.DataError, match="Due Date"):
        smooth.get_doc({"doctype": "Test Note", "title": "far", "due_date": "9999-12-31"}).insert()
