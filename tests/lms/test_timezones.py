"""Learner-local <-> system conversion, across DST changes and midnight."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smooth.exceptions import ValidationError
from smooth_lms.timezones import convert, interval, localize, overlaps, utc_offset_label

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "Pacific/Auckland",
         "America/Sao_Paulo", "Asia/Tokyo"]


def test_plain_conversion_shifts_by_the_offset_in_force():
    assert convert(dt.date(2026, 1, 15), dt.time(10, 0), "Europe/Berlin", "UTC") == (dt.date(2026, 1, 15),
                                                                                    dt.time(9, 0))
    assert convert(dt.date(2026, 7, 15), dt.time(10, 0), "Europe/Berlin", "UTC") == (dt.date(2026, 7, 15),
                                                                                    dt.time(8, 0))


def test_slot_crossing_midnight_in_the_learner_zone_moves_the_date():
    # 23:30 on the 1st in Kolkata is 18:00 UTC the same day; 00:30 on the 2nd in Tokyo is 15:30 UTC on the 1st
    assert convert(dt.date(2026, 3, 1), dt.time(23, 30), "Asia/Kolkata", "UTC") == (dt.date(2026, 3, 1),
                                                                                   dt.time(18, 0))
    assert convert(dt.date(2026, 3, 2), dt.time(0, 30), "Asia/Tokyo", "UTC") == (dt.date(2026, 3, 1),
                                                                                dt.time(15, 30))
    assert convert(dt.date(2026, 3, 1), dt.time(20, 0), "UTC", "Pacific/Auckland") == (dt.date(2026, 3, 2),
                                                                                      dt.time(9, 0))


def test_time_skipped_by_spring_forward_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError, match="does not exist on 2026-03-29 in Europe/Berlin"):
        localize(dt.date(2026, 3, 29), dt.time(2, 30), "Europe/Berlin")


def test_repeated_hour_at_fall_back_means_its_first_occurrence():
    # 02:30 happens twice in Berlin on 2026-10-25; the first is still summer time (UTC+2)
    assert convert(dt.date(2026, 10, 25), dt.time(2, 30), "Europe/Berlin", "UTC") == (dt.date(2026, 10, 25),
                                                                                     dt.time(0, 30))


def test_dst_change_in_new_york_on_the_same_wall_clock():
    before = convert(dt.date(2026, 3, 7), dt.time(9, 0), "America/New_York", "UTC")
    after = convert(dt.date(2026, 3, 9), dt.time(9, 0), "America/New_York", "UTC")
    assert before[1] == dt.time(14, 0) and after[1] == dt.time(13, 0)


def test_unknown_zone_is_a_validation_error():
    with pytest.raises(ValidationError, match="not an IANA time zone"):
        convert(dt.date(2026, 1, 1), dt.time(9), "Mars/Olympus", "UTC")


def test_interval_end_before_start_is_next_day():
    start, end = interval(dt.date(2026, 1, 1), dt.time(23, 30), dt.time(0, 30))
    assert end - start == dt.timedelta(hours=1)


def test_overlap_is_interval_overlap_not_equal_starts():
    a = interval(dt.date(2026, 1, 1), dt.time(10, 0), dt.time(11, 0))
    assert overlaps(a, interval(dt.date(2026, 1, 1), dt.time(10, 30), dt.time(11, 30)))
    assert not overlaps(a, interval(dt.date(2026, 1, 1), dt.time(11, 0), dt.time(12, 0)))


def test_offset_label_follows_dst():
    assert utc_offset_label("Europe/Berlin", dt.datetime(2026, 1, 1, 12)) == "Europe/Berlin (GMT+01:00)"
    assert utc_offset_label("Europe/Berlin", dt.datetime(2026, 7, 1, 12)) == "Europe/Berlin (GMT+02:00)"
    assert utc_offset_label("America/New_York", dt.datetime(2026, 1, 1, 12)) == "America/New_York (GMT-05:00)"


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31)),
    clock=st.times(),
    learner=st.sampled_from(ZONES),
    system=st.sampled_from(ZONES),
)
def test_round_trip_returns_the_learners_wall_clock(day, clock, learner, system):
    clock = clock.replace(microsecond=0)
    try:
        moved = convert(day, clock, learner, system)
    except ValidationError:
        return  # a skipped wall-clock time; refused by design
    back = convert(*moved, system, learner)
    assert back == (day, clock) or _is_repeated(day, clock, learner)


def _is_repeated(day: dt.date, clock: dt.time, zone_name: str) -> bool:
    import zoneinfo

    naive = dt.datetime.combine(day, clock)
    tz = zoneinfo.ZoneInfo(zone_name)
    return naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset()
