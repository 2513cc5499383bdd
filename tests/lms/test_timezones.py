"""Wall clock <-> instant, across DST changes and midnight, checked against plain zoneinfo."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smooth.exceptions import ValidationError
from smooth_lms.timezones import (
    AmbiguousTimeError,
    describe,
    end_after,
    format_offset,
    occurrences,
    overlaps,
    parse_offset,
    to_utc,
    to_wall,
)

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "Pacific/Auckland",
         "America/Sao_Paulo", "Asia/Tokyo", "Asia/Kathmandu", "America/St_Johns", "Australia/Lord_Howe"]


def test_plain_conversion_uses_the_offset_in_force():
    assert to_utc(dt.date(2026, 1, 15), dt.time(10, 0), "Europe/Berlin") == dt.datetime(2026, 1, 15, 9)
    assert to_utc(dt.date(2026, 7, 15), dt.time(10, 0), "Europe/Berlin") == dt.datetime(2026, 7, 15, 8)
    assert to_wall(dt.datetime(2026, 3, 1, 18), "Asia/Kathmandu") == dt.datetime(2026, 3, 1, 23, 45)


def test_a_wall_clock_crossing_midnight_moves_the_date():
    assert to_utc(dt.date(2026, 3, 2), dt.time(0, 30), "Asia/Tokyo") == dt.datetime(2026, 3, 1, 15, 30)
    assert to_wall(dt.datetime(2026, 3, 1, 20), "Pacific/Auckland") == dt.datetime(2026, 3, 2, 9)


def test_time_skipped_by_spring_forward_is_refused_with_a_clear_message():
    assert occurrences(dt.date(2026, 3, 29), dt.time(2, 30), "Europe/Berlin") == []
    with pytest.raises(ValidationError, match="does not exist on 2026-03-29 in Europe/Berlin"):
        to_utc(dt.date(2026, 3, 29), dt.time(2, 30), "Europe/Berlin")


def test_a_repeated_time_has_two_instants_and_needs_its_offset():
    day, clock = dt.date(2026, 10, 25), dt.time(2, 30)
    assert occurrences(day, clock, "Europe/Berlin") == [dt.datetime(2026, 10, 25, 0, 30),
                                                        dt.datetime(2026, 10, 25, 1, 30)]
    with pytest.raises(AmbiguousTimeError, match=r"happens twice in Europe/Berlin .*utc_offset \+02:00 or \+01:00"):
        to_utc(day, clock, "Europe/Berlin")
    assert to_utc(day, clock, "Europe/Berlin", "+02:00") == dt.datetime(2026, 10, 25, 0, 30)
    assert to_utc(day, clock, "Europe/Berlin", "+0100") == dt.datetime(2026, 10, 25, 1, 30)
    with pytest.raises(ValidationError, match=r"is at UTC\+02:00 or \+01:00, not \+05:30"):
        to_utc(day, clock, "Europe/Berlin", "+05:30")


def test_an_offset_that_does_not_match_an_unambiguous_time_is_refused():
    assert to_utc(dt.date(2026, 1, 5), dt.time(9), "America/St_Johns", "-03:30") == dt.datetime(2026, 1, 5, 12, 30)
    with pytest.raises(ValidationError, match=r"is at UTC-03:30, not -02:30"):
        to_utc(dt.date(2026, 1, 5), dt.time(9), "America/St_Johns", "-02:30")
    with pytest.raises(ValidationError, match="not an offset like"):
        parse_offset("5 hours")


def test_offsets_format_and_parse_both_ways():
    for minutes in (0, 345, -210, 330, -300, 780):
        offset = dt.timedelta(minutes=minutes)
        assert parse_offset(format_offset(offset)) == offset
    assert format_offset(dt.timedelta(minutes=-210)) == "-03:30"
    assert parse_offset("Z") == dt.timedelta()


def test_an_end_time_is_the_first_time_the_clock_reads_it_after_the_start():
    start = to_utc(dt.date(2026, 11, 1), dt.time(1, 30), "America/New_York", "-04:00")
    assert end_after(start, dt.time(1, 0), "America/New_York") == dt.datetime(2026, 11, 1, 6)  # 01:00 EST
    late = to_utc(dt.date(2026, 1, 1), dt.time(23, 30), "UTC")
    assert end_after(late, dt.time(0, 30), "UTC") == dt.datetime(2026, 1, 2, 0, 30)


def test_unknown_zone_is_a_validation_error():
    with pytest.raises(ValidationError, match="not an IANA time zone"):
        to_utc(dt.date(2026, 1, 1), dt.time(9), "Mars/Olympus")


def test_overlap_is_interval_overlap_not_equal_starts():
    a = (dt.datetime(2026, 1, 1, 10), dt.datetime(2026, 1, 1, 11))
    assert overlaps(a, (dt.datetime(2026, 1, 1, 10, 30), dt.datetime(2026, 1, 1, 11, 30)))
    assert not overlaps(a, (dt.datetime(2026, 1, 1, 11), dt.datetime(2026, 1, 1, 12)))


def test_labels_follow_dst_and_name_the_occurrence_of_a_repeated_hour():
    assert describe(dt.datetime(2026, 1, 1, 12), "Europe/Berlin") == "2026-01-01 13:00 (Europe/Berlin)"
    assert describe(dt.datetime(2026, 7, 1, 12), "Europe/Berlin") == "2026-07-01 14:00 (Europe/Berlin)"
    assert describe(dt.datetime(2026, 11, 1, 6, 30), "America/New_York") == "2026-11-01 01:30 -05:00 (America/New_York)"
    assert describe(dt.datetime(2026, 11, 2, 6, 30), "America/New_York", with_zone=False) == "2026-11-02 01:30"


@settings(max_examples=400, deadline=None)
@given(
    instant=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 12, 31)),
    name=st.sampled_from(ZONES),
)
def test_every_instant_round_trips_through_its_wall_clock_and_offset(instant, name):
    instant = instant.replace(microsecond=0)
    reference = instant.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(name))
    wall = to_wall(instant, name)
    assert wall == reference.replace(tzinfo=None)
    assert instant in occurrences(wall.date(), wall.time(), name)
    assert to_utc(wall.date(), wall.time(), name, reference.isoformat()[-6:]) == instant
