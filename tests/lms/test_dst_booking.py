"""Booking across DST changes on a real site (SQLite and MariaDB): the tricky instants, end to end.

Every expectation is computed with zoneinfo here, independently of smooth_lms.timezones.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

import smooth
from smooth.exceptions import ValidationError
from smooth_lms import api
from tests.lms.conftest import book, make_course, make_evaluator, make_learner

pytestmark = pytest.mark.both_backends  # DST instants stored and compared in each database's DATETIME

UTC = dt.UTC
EVERY_DAY = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@pytest.fixture
def system_zone(lms):
    """Switch the site's system zone (System Settings) for one test; back to UTC afterwards."""

    def use(name: str) -> None:
        settings = smooth.get_doc("System Settings")
        settings.time_zone = name
        settings.save()
        smooth.db.commit()

    yield use
    smooth.db.rollback()
    smooth.set_user("Administrator")
    use("UTC")


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)


def flat(groups):
    return [slot for group in groups for slot in group["slots"]]


def wall(instant: dt.datetime, zone_name: str) -> dt.datetime:
    return instant.replace(tzinfo=UTC).astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)


def test_learner_labels_are_converted_per_instant_when_both_zones_change_the_same_day(system_zone):
    # 2027-03-14: New York springs forward at 07:00 UTC, Los Angeles at 10:00 UTC
    system_zone("America/New_York")
    course = make_course()
    make_evaluator("eva@example.com", [course], [("Saturday", "20:00", "23:30"), ("Sunday", "00:00", "23:30")],
                   timezone="America/New_York")
    slots = flat(api.get_available_slots(course, from_date="2027-03-13", days=3, timezone="America/Los_Angeles"))
    assert len(slots) > 40
    expected = []
    for slot in slots:
        start = dt.datetime.combine(dt.date.fromisoformat(slot["date"]), dt.time.fromisoformat(slot["start_time"]))
        instant = start.replace(tzinfo=zoneinfo.ZoneInfo("America/New_York")).astimezone(UTC)
        local = instant.astimezone(zoneinfo.ZoneInfo("America/Los_Angeles"))
        expected.append((local.date().isoformat(), f"{local:%H:%M}"))
    assert [(s["local_date"], s["local_start_time"]) for s in slots] == expected
    for slot in slots:
        instant = utc(slot["start_utc"]).replace(tzinfo=UTC)
        assert slot["utc_offset"] == instant.astimezone(zoneinfo.ZoneInfo("America/Los_Angeles")).isoformat()[-6:]


def test_fall_back_in_the_system_zone_keeps_every_slot_whole_and_bookable(system_zone):
    # 2027-10-31 in Berlin: 02:00-03:00 happens twice. A Kolkata evaluator's 06:00-08:00 is 00:30-02:30 UTC.
    system_zone("Europe/Berlin")
    course = make_course()
    make_evaluator("eva@example.com", [course], [("Sunday", "06:00", "08:00")], timezone="Asia/Kolkata")
    make_learner("kim@example.com", course, time_zone="Asia/Kolkata")
    slots = flat(api.get_available_slots(course, from_date="2027-10-31", days=1, timezone="Asia/Kolkata"))
    assert [(s["local_start_time"], s["start_utc"]) for s in slots] == [
        ("06:00", "2027-10-31T00:30:00Z"), ("06:30", "2027-10-31T01:00:00Z"),
        ("07:00", "2027-10-31T01:30:00Z"), ("07:30", "2027-10-31T02:00:00Z")]
    for slot in slots:
        assert utc(slot["end_utc"]) - utc(slot["start_utc"]) == dt.timedelta(minutes=30)
    # 06:30 in Kolkata is 02:00 CET, the second 02:00 of the night in Berlin
    smooth.set_user("kim@example.com")
    booked = api.book_evaluation(course, "2027-10-31", "06:30", timezone="Asia/Kolkata")
    smooth.set_user("Administrator")
    request = smooth.get_doc("LMS Certificate Request", booked["name"])
    assert (request.start_utc, request.end_utc) == (dt.datetime(2027, 10, 31, 1), dt.datetime(2027, 10, 31, 1, 30))
    assert (request.date, request.start_time, request.end_time) == (dt.date(2027, 10, 31), dt.time(2), dt.time(2, 30))
    remaining = flat(api.get_available_slots(course, from_date="2027-10-31", days=1, timezone="Asia/Kolkata"))
    assert [s["local_start_time"] for s in remaining] == ["06:00", "07:00", "07:30"]


def test_an_evaluators_repeated_hour_is_offered_twice_and_each_occurrence_can_be_booked(system_zone):
    # 2027-11-07 in New York: 01:00-02:00 happens twice (EDT, then EST)
    system_zone("UTC")
    course = make_course()
    make_evaluator("eva@example.com", [course], [("Sunday", "00:00", "03:00")], timezone="America/New_York")
    make_learner("nia@example.com", course, time_zone="America/New_York")
    make_learner("ned@example.com", course, time_zone="America/New_York")
    slots = flat(api.get_available_slots(course, from_date="2027-11-07", days=1, timezone="America/New_York"))
    assert [(s["local_start_time"], s["utc_offset"]) for s in slots] == [
        ("00:00", "-04:00"), ("00:30", "-04:00"), ("01:00", "-04:00"), ("01:30", "-04:00"),
        ("01:00", "-05:00"), ("01:30", "-05:00"), ("02:00", "-05:00"), ("02:30", "-05:00")]
    smooth.set_user("nia@example.com")
    with pytest.raises(ValidationError, match=r"01:30 on 2027-11-07 happens twice in America/New_York.*"
                                              r"utc_offset -04:00.*or -05:00"):
        api.book_evaluation(course, "2027-11-07", "01:30", timezone="America/New_York")
    smooth.db.rollback()
    second = api.book_evaluation(course, "2027-11-07", "01:30", timezone="America/New_York", utc_offset="-05:00")
    smooth.set_user("ned@example.com")
    first = api.book_evaluation(course, "2027-11-07", "01:30", timezone="America/New_York", utc_offset="-04:00")
    smooth.set_user("Administrator")
    assert (second["start_utc"], first["start_utc"]) == ("2027-11-07 06:30:00", "2027-11-07 05:30:00")
    assert [(s["local_start_time"], s["utc_offset"]) for s in flat(api.get_available_slots(
        course, from_date="2027-11-07", days=1, timezone="America/New_York"))] == [
        ("00:00", "-04:00"), ("00:30", "-04:00"), ("01:00", "-04:00"), ("01:00", "-05:00"), ("02:00", "-05:00"),
        ("02:30", "-05:00")]


def test_a_time_the_spring_forward_skips_is_never_offered_and_refused_when_asked(system_zone):
    system_zone("Europe/Berlin")
    course = make_course()
    make_evaluator("eva@example.com", [course], [("Sunday", "01:00", "04:00")], timezone="Europe/Berlin")
    make_learner("lea@example.com", course)
    slots = flat(api.get_available_slots(course, from_date="2027-03-28", days=1, timezone="Europe/Berlin"))
    assert [s["local_start_time"] for s in slots] == ["01:00", "01:30", "03:00", "03:30"]
    smooth.set_user("lea@example.com")
    with pytest.raises(ValidationError, match="02:30 does not exist on 2027-03-28 in Europe/Berlin"):
        api.book_evaluation(course, "2027-03-28", "02:30", timezone="Europe/Berlin")
    smooth.set_user("Administrator")


def test_overlap_is_checked_on_instants_across_the_repeated_hour(system_zone):
    # Berlin system clock: a booking at 02:30 CEST must not block 02:30 CET, an hour later
    system_zone("Europe/Berlin")
    course = make_course()
    make_evaluator("eva@example.com", [course], [("Sunday", "00:00", "06:00")], timezone="UTC")
    make_learner("lea@example.com", course)
    make_learner("leo@example.com", course)
    smooth.set_user("lea@example.com")
    api.book_evaluation(course, "2027-10-31", "02:30", timezone="Europe/Berlin", utc_offset="+02:00")
    smooth.set_user("leo@example.com")
    later = api.book_evaluation(course, "2027-10-31", "02:30", timezone="Europe/Berlin", utc_offset="+01:00")
    smooth.set_user("Administrator")
    assert later["start_utc"] == "2027-10-31 01:30:00"
    assert wall(utc(later["start_utc"]), "Europe/Berlin") == dt.datetime(2027, 10, 31, 2, 30)


def test_a_repeated_system_wall_clock_without_its_instant_is_refused_through_the_document(system_zone):
    system_zone("Europe/Berlin")
    course = make_course()
    make_evaluator("eva@example.com", [course], [("Sunday", "00:00", "06:00")], timezone="UTC")
    make_learner("kim@example.com", course, time_zone="Asia/Kolkata")
    with pytest.raises(ValidationError, match=r"2027-10-31 02:30 happens twice in Europe/Berlin .*set Start \(UTC\) "
                                              r"to 2027-10-31 00:30 \(2027-10-31 06:00 \(Asia/Kolkata\)\) or "
                                              r"2027-10-31 01:30 \(2027-10-31 07:00 \(Asia/Kolkata\)\)"):
        book("kim@example.com", course, dt.date(2027, 10, 31), "02:30")
    with pytest.raises(ValidationError, match=r"Start \(UTC\) 2027-10-31 05:00 is 2027-10-31 06:00 in Europe/Berlin, "
                                              r"not 2027-10-31 02:30"):
        book("kim@example.com", course, dt.date(2027, 10, 31), "02:30", start_utc="2027-10-31 05:00")
    second = book("kim@example.com", course, dt.date(2027, 10, 31), "02:30", start_utc="2027-10-31T01:30:00Z")
    assert (second.start_utc, second.end_utc, second.end_time) == (
        dt.datetime(2027, 10, 31, 1, 30), dt.datetime(2027, 10, 31, 2), dt.time(3))
