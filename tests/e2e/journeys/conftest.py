"""Journeys: each role's working day on the demo site, through the pages only.

One demo site per walk (`scripts/run`'s data, dates relative to today, site zone UTC, people in
Berlin, Kolkata and New York), served by a real Uvicorn and walked in real Chromium: on SQLite at
desk and phone width, on MariaDB at desk width. Every step writes a screenshot (not committed);
every page a journey reaches is checked for horizontal scrolling at phone width, and every link on
it is fetched at the end: a 404 or a 5xx fails the journey.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, Page

import smooth
from smooth_hr import demo as hr_demo
from smooth_lms import demo as lms_demo
from tests.api.serving import running_server
from tests.conftest import SessionPool, SiteHandle, session_site
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, SCREENSHOTS, log_in

REPO_ROOT = Path(__file__).resolve().parents[3]
PASSWORD = lms_demo.PASSWORD
WIDTHS = {"desk": DESK_WIDTH, "phone": PHONE_WIDTH}
# Links a crawler must not follow: they end the session or answer with a file download.
NOT_CRAWLED = re.compile(r"/logout|/api/method/logout|download|/printview.*pdf|\.ics$|\.pdf$|\.zip$|\.csv$")


@dataclass
class DemoSite:
    url: str
    handle: SiteHandle
    width: str


@contextmanager
def _demo_site(tmp_root: Path, backend: str, width: str) -> Iterator[DemoSite]:
    with session_site(tmp_root, backend, [str(REPO_ROOT)], "journey") as handle:
        with handle.context():
            lms_demo.make_demo_data()
            hr_demo.make_demo_data()
            smooth.db.commit()
        with running_server(handle) as url:
            yield DemoSite(url, handle, width)


# Every day is walked at both widths on SQLite and at desk width on MariaDB too: the layout at 390 px does not
# depend on the database, while the MariaDB walk builds the demo data there and reaches every page a role sees.
WALKS = [("sqlite", "desk"), ("sqlite", "phone"), ("mariadb", "desk")]


@pytest.fixture(scope="session", params=WALKS, ids=[f"{b}-{w}" for b, w in WALKS])
def demo_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              pool: SessionPool) -> DemoSite:
    """The demo data as `scripts/run` loads it, served: one site per walk, so the
    desk-width and phone-width walks each find the day as it starts (the roles' walks within one
    site touch different records)."""
    backend, width = request.param
    return pool.get(("demo_site", backend, width),
                    lambda: _demo_site(tmp_path_factory.mktemp(f"journey-{backend}"), backend, width))


@dataclass
class Journey:
    """One person's walk: steps with screenshots, the links they saw, and what went wrong."""

    page: Page
    site: DemoSite
    role: str
    width: str
    links: dict[str, str] = field(default_factory=dict)  # link -> the page it was seen on
    count: int = 0

    @property
    def backend(self) -> str:
        return self.site.handle.backend

    def log_in(self, user: str, password: str = PASSWORD, then: str = "") -> None:
        log_in(self.page, user, password, then)

    def go(self, path: str) -> Page:
        response = self.page.goto(path)
        assert response is not None and response.status < 400, f"{path} answered {response and response.status}"
        return self.page

    def step(self, name: str) -> None:
        """Record the page as the person sees it now: screenshot, width check, links to crawl."""
        self.page.wait_for_load_state()
        self.count += 1
        folder = SCREENSHOTS / "journeys" / f"{self.role}-{self.width}-{self.backend}"
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{self.count:02d}-{name}.png"), full_page=True)
        if self.width == "phone":
            overflow = self.page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= PHONE_WIDTH["width"] + 1, (
                f"{self.page.url} needs horizontal scrolling at {PHONE_WIDTH['width']} px ({overflow} px wide)")
        for href in self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            self._remember(href)

    def _remember(self, href: str) -> None:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            return
        absolute = urljoin(self.page.url, href).split("#", 1)[0]
        if urlsplit(absolute).netloc != urlsplit(self.site.url).netloc or NOT_CRAWLED.search(absolute):
            return
        self.links.setdefault(absolute, self.page.url)

    def crawl(self) -> None:
        """Fetch every link seen on the way, as this person: none may be dead or fail."""
        bad = []
        for link, seen_on in sorted(self.links.items()):
            response = self.page.request.get(link, max_redirects=5)
            if response.status == 404 or response.status >= 500:
                bad.append(f"{response.status} {link} (linked from {seen_on})")
        assert not bad, "dead or failing links:\n" + "\n".join(bad)


@pytest.fixture
def width(demo_site: DemoSite) -> str:
    return demo_site.width


@pytest.fixture
def journey_for(browser: Browser, demo_site: DemoSite) -> Iterator[Callable[..., Journey]]:
    """`journey_for("learner", zone)`: a fresh browser context for one role's day."""
    contexts = []

    def start(role: str, timezone_id: str = "UTC") -> Journey:
        ctx = browser.new_context(base_url=demo_site.url, viewport=WIDTHS[demo_site.width], timezone_id=timezone_id)
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        return Journey(ctx.new_page(), demo_site, role, demo_site.width)

    yield start
    for ctx in contexts:
        ctx.close()
