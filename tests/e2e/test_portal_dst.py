"""The day Europe/Berlin changes its clocks: the slot picker, the confirmation and the .ics all say the right time."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import Page, expect

import smooth
from tests.e2e.conftest import LiveSite, assert_accessible, screenshot
from tests.e2e.portal import BERLIN, KOLKATA, course_with_evaluator, enrol_and_complete, learner, log_in_learner, utc

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def next_berlin_change() -> dt.date:
    """The next date (at least 3 days ahead) on which Berlin's UTC offset changes."""
    day = dt.date.today() + dt.timedelta(days=3)
    while True:
        before = dt.datetime.combine(day, dt.time(0, 30), tzinfo=BERLIN).utcoffset()
        after = dt.datetime.combine(day, dt.time(23, 30), tzinfo=BERLIN).utcoffset()
        if before != after:
            return day
        day += dt.timedelta(days=1)


def _slots(page: Page) -> list[tuple[dt.datetime, str]]:
    values = page.locator("#slot-form input[name=slot]").evaluate_all("els => els.map(e => e.value)")
    labels = page.locator("#slot-form .slot-grid label").all_inner_texts()
    return [(utc(v), label.strip()) for v, label in zip(values, labels, strict=True)]


def test_slots_on_berlins_clock_change_day_read_right_in_both_zones_and_in_the_ics(
        page: Page, live: LiveSite, tmp_path: Path) -> None:
    change = next_berlin_change()
    course, lessons = course_with_evaluator(live, schedule=[(WEEKDAYS[change.weekday()], "00:00", "06:00")])
    with live.handle.context():
        smooth.db.set_single_value("LMS Settings", "availability_window_days",
                                   min(366, (change - dt.date.today()).days + 7))
        learner("dst@example.com")
    enrol_and_complete(live, "dst@example.com", course, lessons)
    log_in_learner(page, "dst@example.com")

    page.goto(f"/lms/courses/{course}/certification?timezone=Europe/Berlin&date={change.isoformat()}")
    berlin = _slots(page)
    assert berlin, "the evaluator's clock-change day offers slots"
    for instant, label in berlin:
        wall = instant.astimezone(BERLIN)
        assert label.startswith(f"{wall:%H:%M}–"), (instant, label)
    walls = [f"{i.astimezone(BERLIN):%H:%M}" for i, _ in berlin]
    if len(set(walls)) < len(walls):  # autumn: the repeated hour is listed twice, told apart by its offset
        repeated = [label for label in (lb for _i, lb in berlin) if "GMT" in label]
        assert {"GMT+02:00", "GMT+01:00"} <= {re.search(r"GMT[+-]\d\d:\d\d", r).group(0)  # type: ignore[union-attr]
                                             for r in repeated}
    else:  # spring: no slot starts in the skipped hour
        assert not any(w.startswith("02:") for w in walls)
    assert_accessible(page)
    screenshot(page, "portal-dst-berlin", live.handle.backend)

    after_change = next(i for i, _ in berlin if i.astimezone(BERLIN).hour >= 4)
    page.goto(f"/lms/courses/{course}/certification?timezone=Asia/Kolkata&date="
              f"{after_change.astimezone(KOLKATA).date().isoformat()}")
    kolkata = dict(_slots(page))
    assert kolkata[after_change].startswith(f"{after_change.astimezone(KOLKATA):%H:%M}–")
    page.locator(f"#slot-form input[value='{after_change:%Y-%m-%dT%H:%M:%S}Z']").check()
    page.get_by_role("button", name="Book this slot").click()
    local = after_change.astimezone(KOLKATA)
    expect(page.locator("#local-date")).to_have_text(f"{local:%A, %d %B %Y}")
    expect(page.locator("#local-time")).to_have_text(re.compile(rf"^{local:%H:%M}–"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    ics = tmp_path / "dst.ics"
    download.value.save_as(ics)
    event = next(iter(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")))
    assert event.decoded("dtstart") == after_change
    assert f"{local:%Y-%m-%d %H:%M} (Asia/Kolkata)" in str(event["description"])
