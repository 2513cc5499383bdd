"""A crawler over the desk as the Administrator sees it on a demo site: no link leads to a 404 or a 500.

Starts at /app and every workspace in the nav, follows each same-origin link (GET only; not log
out, downloads, the API or files) three steps out from a workspace: its lists and pages, their
forms and views, and what those link to (a Link field's record, a DocType's list). A page's links
back to itself with another query (filters, sorting, paging: one code path) are not followed, a
query string is followed once per set of parameter names and one record's form per doctype,
which keeps the walk to under 300 pages. What links exist does
not depend on the database, so SQLite only.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

from smooth_hr import demo as hr_demo
from smooth_lms import demo as lms_demo
from tests.conftest import SiteHandle
from tests.lms.conftest import clean
from tests.pages.conftest import Desk

DEPTH = 3  # workspace -> list or page -> form or view -> what the form links to (visited, not followed)
LIMIT = 400
SKIPPED = ("/logout", "/api/", "/files/", "/private/files/", "/assets/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") and "download" not in values:
            self.found.append(str(values["href"]))


def links(html: str, here: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.found:
        target = urlsplit(urljoin("http://site" + here, href))
        if target.netloc != "site" or target.path.startswith(SKIPPED) or target.path.endswith("/ics"):
            continue
        if any(key == "format" for key, _ in parse_qsl(target.query)):
            continue  # CSV and PDF exports are downloads
        out.append(target.path + (f"?{target.query}" if target.query else ""))
    return out


def shape(url: str) -> tuple[str, frozenset[str]]:
    """What a link stands for: its path (one record's form standing for its doctype's) and its parameter names."""
    path, _, query = url.partition("?")
    parts = path.split("/")
    if len(parts) == 4 and parts[1] == "app" and parts[3] not in ("new", "view"):
        path = f"/app/{parts[2]}/<record>"
    return path, frozenset(key for key, _ in parse_qsl(query))


@pytest.fixture
def demo_site(lms_site: SiteHandle) -> Iterator[SiteHandle]:
    clean(lms_site)
    with lms_site.context():
        lms_demo.make_demo_data()
        hr_demo.make_demo_data()
    yield lms_site
    clean(lms_site)


def test_every_link_the_administrator_can_follow_from_a_workspace_opens(
        desk_server: tuple[str, SiteHandle], demo_site: SiteHandle) -> None:
    desk = Desk(desk_server[0]).login("Administrator", "admin")
    desk.http.follow_redirects = True
    home = desk.get("/app")
    assert home.status_code == 200
    workspaces = [u for u in links(home.text, "/app") if u.count("/") == 2 and u.startswith("/app/")]
    assert len(workspaces) >= 3, workspaces
    queue = [(u, 0, "/app") for u in ["/app", *workspaces]]
    seen = {shape(u) for u, _, _ in queue}
    broken: list[str] = []
    visited = 0
    while queue and visited < LIMIT:
        url, depth, source = queue.pop(0)
        response = desk.get(url)
        visited += 1
        if response.status_code == 404 or response.status_code >= 500:
            broken.append(f"{response.status_code} {url} (linked from {source})")
            continue
        if depth >= DEPTH or "text/html" not in response.headers.get("content-type", ""):
            continue
        here = urlsplit(str(response.url)).path
        for link in links(response.text, here):
            if shape(link) not in seen and urlsplit(link).path != here:
                seen.add(shape(link))
                queue.append((link, depth + 1, url))
    desk.http.close()
    assert not broken, "\n".join(broken)
    assert visited > 100, f"the crawl reached only {visited} pages"
    assert not queue, f"more than {LIMIT} pages: raise LIMIT or narrow the walk"
