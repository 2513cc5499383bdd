"""The calendar view over HTTP: blocks at the viewer's local times (DST weeks too), only readable records."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

import smooth
from smooth.pages.desk.calendarview import Block, CalendarSettings, Day, _lanes, place, zone_named
from tests.api.helpers import Api
from tests.conftest import make_user
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday
from tests.pages.served import EVERY_DAY, as_user, calendar_blocks, next_offset_change, page_text

pytestmark = pytest.mark.both_backends  # a week's blocks are read by datetime range, DST weeks too

MONDAY = 0
CAL = "/app/lms-certificate-request/view/calendar"


def _setup(api: Api) -> tuple[str, str]:
    """Course A evaluated by eva, course B by ed (both on UTC schedules, every day)."""
    with api.handle.context():
        course_a = make_course("Safety Basics")
        course_b = make_course("Forklift")
        make_evaluator("eva@example.com", [course_a], EVERY_DAY, timezone="UTC")
        make_evaluator("ed@example.com", [course_b], EVERY_DAY, timezone="UTC")
        return course_a, course_b


def _learner(api: Api, email: str, *courses: str) -> str:
    with api.handle.context():
        for course in courses:
            if not smooth.db.exists("User", email):
                make_learner(email, course)
            else:
                smooth.get_doc({"doctype": "LMS Enrollment", "member": email, "course": course,
                                "progress": 100}).insert()
                smooth.db.commit()
    return email


def _book(api: Api, member: str, course: str, day: dt.date, start: str) -> str:
    with api.handle.context():
        name = book(member, course, day, start).name
        smooth.db.commit()
        return name


def test_an_evaluator_sees_their_own_requests_at_their_local_times(served: Api) -> None:
    course_a, course_b = _setup(served)
    monday = next_weekday(MONDAY, 7)
    _learner(served, "lea@example.com", course_a, course_b)
    _learner(served, "leo@example.com", course_a)
    morning = _book(served, "lea@example.com", course_a, monday, "15:00")
    late = _book(served, "leo@example.com", course_a, monday + dt.timedelta(days=1), "02:00")
    others = _book(served, "lea@example.com", course_b, monday, "16:00")
    with served.handle.context():
        as_user("eva@example.com", time_zone="America/Bogota")  # UTC-5 all year

    response = served.get(CAL, params={"date": monday.isoformat()}, user="eva@example.com")
    assert response.status_code == 200, response.text
    blocks = {b.name: b for b in calendar_blocks(response.text)}
    assert set(blocks) == {morning, late}, "ed's request is not eva's to see"
    assert (blocks[morning].day, blocks[morning].when) == (monday.isoformat(), "10:00–10:30")
    # 02:00 UTC on Tuesday is still Monday evening in Bogota
    assert (blocks[late].day, blocks[late].when) == (monday.isoformat(), "21:00–21:30")
    assert blocks[morning].href == f"/app/lms-certificate-request/{morning}"
    assert "cal-orange" in blocks[morning].classes and "Pending" in blocks[morning].text
    assert "lea · Safety Basics" in blocks[morning].text
    text = page_text(response.text)
    assert "Times in America/Bogota (UTC-05:00)" in text
    assert "2 records in this week" in text

    every = {b.name for b in calendar_blocks(served.get(CAL, params={"date": monday.isoformat()}).text)}
    assert {morning, late, others} <= every, "the Administrator sees every request"


def test_a_week_in_which_the_clocks_change_shows_each_block_at_its_own_offset(served: Api) -> None:
    course_a, _ = _setup(served)
    change = next_offset_change("America/New_York", smooth.today() + dt.timedelta(days=10))
    week_start = change - dt.timedelta(days=change.weekday())
    before, after = week_start, change + dt.timedelta(days=1) if change.weekday() < 6 else change
    _learner(served, "lea@example.com", course_a)
    _learner(served, "leo@example.com", course_a)
    first = _book(served, "lea@example.com", course_a, before, "15:00")
    second = _book(served, "leo@example.com", course_a, after, "15:00")
    with served.handle.context():
        as_user("eva@example.com", time_zone="America/New_York")

    response = served.get(CAL, params={"date": change.isoformat(), "view": "week"}, user="eva@example.com")
    assert response.status_code == 200, response.text
    blocks = {b.name: b for b in calendar_blocks(response.text)}
    # the same 15:00 UTC is 10:00 in EST (UTC-5) and 11:00 in EDT (UTC-4)
    spring = change.month < 7
    assert blocks[first].when == ("10:00–10:30" if spring else "11:00–11:30")
    assert blocks[second].when == ("11:00–11:30" if spring else "10:00–10:30")
    assert (blocks[first].day, blocks[second].day) == (before.isoformat(), after.isoformat())
    text = page_text(response.text)
    new_offset = "UTC-04:00" if spring else "UTC-05:00"
    assert f"{new_offset} from {change:%a %d %b}: the clocks change" in text


def test_tz_overrides_the_zone_and_a_wrong_zone_says_so(served: Api) -> None:
    course_a, _ = _setup(served)
    monday = next_weekday(MONDAY, 7)
    _learner(served, "lea@example.com", course_a)
    name = _book(served, "lea@example.com", course_a, monday, "15:00")
    response = served.get(CAL, params={"date": monday.isoformat(), "tz": "Asia/Kolkata"}, user="eva@example.com")
    blocks = calendar_blocks(response.text)
    assert [(b.name, b.when) for b in blocks] == [(name, "20:30–21:00")]
    assert 'value="Asia/Kolkata"' in response.text
    assert "tz=Asia%2FKolkata" in response.text, "the links keep the chosen zone"

    wrong = served.get(CAL, params={"tz": "Mars/Olympus"}, user="eva@example.com")
    assert wrong.status_code in (400, 417)
    assert "&#39;Mars/Olympus&#39; is not an IANA time zone name" in wrong.text


def test_day_view_and_its_links(served: Api) -> None:
    course_a, _ = _setup(served)
    monday = next_weekday(MONDAY, 7)
    _learner(served, "lea@example.com", course_a)
    _learner(served, "leo@example.com", course_a)
    on_monday = _book(served, "lea@example.com", course_a, monday, "09:00")
    _book(served, "leo@example.com", course_a, monday + dt.timedelta(days=2), "09:00")
    tuesday = (monday + dt.timedelta(days=1)).isoformat()
    response = served.get(CAL, params={"view": "day", "date": monday.isoformat()}, user="eva@example.com")
    assert [b.name for b in calendar_blocks(response.text)] == [on_monday]
    assert f'href="{CAL}?view=day&amp;date={tuesday}"' in response.text
    assert f'href="{CAL}?view=week&amp;date={monday.isoformat()}"' in response.text
    assert "1 record in this day" in page_text(response.text)

    empty = served.get(CAL, params={"view": "day", "date": tuesday}, user="eva@example.com")
    assert calendar_blocks(empty.text) == []

    for params, message in (({"date": "next monday"}, "date must be a day as YYYY-MM-DD"),
                            ({"view": "month"}, "view must be week or day")):
        bad = served.get(CAL, params=params, user="eva@example.com")
        assert bad.status_code in (400, 417) and message in bad.text


def test_a_doctype_without_calendar_settings_has_no_calendar_page(served: Api) -> None:
    response = served.get("/app/lms-course/view/calendar")
    assert response.status_code == 404
    assert "LMS Course has no calendar view" in response.text
    assert served.get("/app/no-such-doctype/view/calendar").status_code == 404


def test_portal_users_and_guests_do_not_get_the_desk_calendar(served: Api) -> None:
    with served.handle.context():
        make_user("learner@example.com", "LMS Student")
        as_user("learner@example.com", user_type="Website User")
    response = served.get(CAL, user="learner@example.com", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/lms"
    guest = served.get(CAL, user=None, follow_redirects=False)
    assert guest.status_code == 303 and guest.headers["location"].startswith("/login?redirect-to=")


def _block(start: int, end: int) -> Block:
    return Block("n", "/x", "t", "", "blue", "", start, end)


def test_overlapping_blocks_share_the_width_and_the_rest_keep_all_of_it() -> None:
    a, b, c, d = _block(540, 600), _block(570, 630), _block(600, 660), _block(720, 750)
    _lanes([a, b, c, d])
    assert [(x.lane, x.lanes) for x in (a, b, c, d)] == [(0, 2), (1, 2), (0, 2), (0, 1)]
    assert "left:50.000%;width:50.000%" in b.style(7)
    assert d.style(7).startswith("top:240.0px;height:24.0px")


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Australia/Lord_Howe"])
def test_next_offset_change_finds_a_real_change(zone: str) -> None:
    day = next_offset_change(zone, dt.date(2026, 1, 1))
    tz = ZoneInfo(zone)
    assert dt.datetime.combine(day, dt.time(), tzinfo=tz).utcoffset() != \
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz).utcoffset()


def test_a_record_across_midnight_is_drawn_on_both_days(served: Api) -> None:
    settings = CalendarSettings("start_utc", "end_utc", ["member_name"], "status", {"Pending": "orange"}, True, True)
    monday, tuesday = dt.date(2027, 3, 8), dt.date(2027, 3, 9)
    days = [Day(monday, False, ""), Day(tuesday, False, "")]
    row = {"name": "R1", "member_name": "lea", "status": "Pending",
           "start_utc": dt.datetime(2027, 3, 9, 4, 30), "end_utc": dt.datetime(2027, 3, 9, 5, 30)}
    with served.handle.context():
        place([row], days, settings, zone_named("America/Bogota"), "lms-certificate-request")  # 23:30-00:30
    (late,), (early,) = days[0].blocks, days[1].blocks
    assert (late.start_minute, late.end_minute, late.continues_after) == (23 * 60 + 30, 24 * 60, True)
    assert (early.start_minute, early.end_minute, early.continues_before) == (0, 30, True)
    assert late.when == "Mon 08 Mar 23:30 – Tue 09 Mar 00:30" and late.color == "orange"
