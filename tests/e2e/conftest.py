"""Browser tests: Debian's Chromium driven by Playwright against a real Uvicorn server.

The server serves an LMS site (SQLite: what these tests check happens in the browser) from a thread of
the test process; the browser is a real headless Chromium (`/usr/bin/chromium`, or
$SMOOTH_CHROMIUM). A missing browser fails the tests: it never skips them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.api.serving import running_server
from tests.conftest import SessionPool, SiteHandle
from tests.lms.conftest import clean, lms_site  # noqa: F401  (the LMS site fixture, one per backend)

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(os.environ.get("SMOOTH_SCREENSHOT_DIR") or Path(__file__).parent / "screenshots")
DESK_WIDTH = {"width": 1280, "height": 860}
PHONE_WIDTH = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")


def chromium_path() -> str:
    path = os.environ.get("SMOOTH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        pytest.fail(f"Chromium is not installed at {path}: `bash scripts/test` installs Debian's chromium package "
                    "(or set $SMOOTH_CHROMIUM to a Chromium binary)")
    return path


class Chromium:
    """One Chromium for the session, launched again if it has crashed: a crash fails the test it
    happens in, not every browser test after it."""

    def __init__(self, playwright: Playwright) -> None:
        self.playwright = playwright
        self.current: Browser | None = None

    def connected(self) -> Browser:
        if self.current is None or not self.current.is_connected():
            self.current = self.playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        return self.current

    def close(self) -> None:
        if self.current is not None and self.current.is_connected():
            self.current.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    with sync_playwright() as playwright:
        launcher = Chromium(playwright)
        yield launcher
        launcher.close()


@pytest.fixture
def browser(chromium: Chromium) -> Browser:
    return chromium.connected()


@dataclass
class LiveSite:
    url: str
    handle: SiteHandle


@pytest.fixture(scope="session")
def live_server(lms_site: SiteHandle, pool: SessionPool) -> LiveSite:  # noqa: F811
    return LiveSite(pool.get(("live_server", lms_site.name), lambda: running_server(lms_site)), lms_site)


@pytest.fixture
def live(live_server: LiveSite) -> Iterator[LiveSite]:
    """The served LMS site, emptied of records before and after the test."""
    clean(live_server.handle)
    yield live_server
    clean(live_server.handle)


@pytest.fixture
def context(browser: Browser, live: LiveSite) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=live.url, viewport=DESK_WIDTH)
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def log_in(page: Page, user: str, password: str, then: str = "") -> None:
    """Log in through the login page (and land on `then`, when given)."""
    page.goto("/login" + (f"?redirect-to={then}" if then else ""))
    page.get_by_label("Email or user name").fill(user)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def assert_accessible(page: Page) -> None:
    """axe-core over the page as it is now: no serious or critical violation."""
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not bad, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} -> "
                              f"{[n.get('target') for n in v.get('nodes', [])][:5]}" for v in bad)


def screenshot(page: Page, name: str, backend: str) -> Path:
    """Write a full-page screenshot for people to look at (not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{backend}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
