"""The LMS site served by a real Uvicorn server for page tests, and readers of the rendered HTML.

The site trusts `X-Smooth-Test-User` (site config `allow_test_user_header`), so a test picks
who is looking per request. tests/pages/conftest.py makes the fixtures available.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import smooth
from tests.api.helpers import Api, set_site_config
from tests.api.serving import running_server
from tests.conftest import SessionPool, SiteHandle
from tests.lms.conftest import clean, lms_site  # noqa: F401  (the LMS site fixture, one per backend)

EVERY_DAY = [(d, "00:00", "23:30") for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                                             "Sunday")]


@contextmanager
def _served(handle: SiteHandle) -> Iterator[Api]:
    set_site_config(handle, allow_test_user_header=True)
    with running_server(handle) as url:
        api = Api(url, handle)
        yield api
        api.http.close()


@pytest.fixture(scope="session")
def served_site(lms_site: SiteHandle, pool: SessionPool) -> Api:  # noqa: F811
    return pool.get(("served_site", lms_site.name), lambda: _served(lms_site))


@pytest.fixture
def served(served_site: Api) -> Iterator[Api]:
    """The served LMS site (any user per request by header), emptied of LMS records and users around the test."""
    clean(served_site.handle)
    yield served_site
    clean(served_site.handle)


@dataclass
class CalendarBlock:
    day: str
    name: str
    when: str
    href: str
    text: str
    classes: str


class _Reader(HTMLParser):
    """Collects the calendar's blocks (with their day column) and the text of elements by CSS class."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[CalendarBlock] = []
        self.day = ""
        self.open_block: CalendarBlock | None = None
        self.li_classes = ""
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "section" and values.get("aria-labelledby", "").startswith("cal-day-"):
            self.day = values["aria-labelledby"].removeprefix("cal-day-")
        if tag == "li" and "cal-block" in values.get("class", ""):
            self.li_classes = values["class"]
        if tag == "a" and "data-name" in values:
            self.open_block = CalendarBlock(self.day, values["data-name"], values.get("data-start", ""),
                                            values.get("href", ""), "", self.li_classes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.open_block is not None:
            self.open_block.text = " ".join(" ".join(self.text).split())
            self.blocks.append(self.open_block)
            self.open_block, self.text = None, []

    def handle_data(self, data: str) -> None:
        if self.open_block is not None:
            self.text.append(data)


def calendar_blocks(html: str) -> list[CalendarBlock]:
    reader = _Reader()
    reader.feed(html)
    return reader.blocks


def page_text(html: str) -> str:
    """The visible text of a page, whitespace collapsed (for asserting what a person reads)."""
    parts: list[str] = []

    class _Text(HTMLParser):
        skip = 0

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            self.skip += tag in ("script", "style", "head")

        def handle_endtag(self, tag: str) -> None:
            self.skip -= tag in ("script", "style", "head")

        def handle_data(self, data: str) -> None:
            if not self.skip:
                parts.append(data)

    _Text().feed(html)
    return " ".join(" ".join(parts).split())


def next_offset_change(zone_name: str, after: dt.date) -> dt.date:
    """The first day after `after` on which the zone's UTC offset changes (its clocks go forward or back)."""
    zone = ZoneInfo(zone_name)
    day = after
    for _ in range(400):
        start = dt.datetime.combine(day, dt.time(), tzinfo=zone).utcoffset()
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone).utcoffset()
        if start != end:
            return day
        day += dt.timedelta(days=1)
    raise AssertionError(f"{zone_name} has no offset change within 400 days of {after}")


def as_user(email: str, **values: Any) -> None:
    """Set User fields (e.g. time_zone) of a test user, committed."""
    smooth.db.set_value("User", email, values)
    smooth.db.commit()
