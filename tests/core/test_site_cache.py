"""The site cache (smooth/site_cache.py): roles, Singles and linked User rows are read once, and a change
committed by another process is seen by this one's next unit of work.

Two real processes share one site. SQLite only: the generation scheme does not depend on the dialect. It
runs once with the embedded token file and once with the token in Redis ($SMOOTH_TEST_REDIS_URL).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import event

import smooth
from smooth.email.rendering import render_template
from smooth.model.validation import validate_links
from smooth.site import get_site
from smooth.site_cache import MISSING, SiteCache
from tests.conftest import SiteHandle, make_user

REPO = Path(__file__).resolve().parents[2]
USER = "cached@example.com"

# another process: give USER a role and change a Single, each committed by its unit of work
OTHER_PROCESS = """
import sys
from pathlib import Path
import smooth
from smooth.site import get_site
from smooth.site_cache import MISSING, SiteCache
name, path, redis_url, user = sys.argv[1:5]
site = get_site(name, Path(path))
if redis_url:
    site.cache = SiteCache(name, site.path, redis_url)
with smooth.unit_of_work(name, sites_path=path):
    doc = smooth.get_doc("User", user)
    doc.append("roles", {"role": "Test Writer"})
    doc.first_name = "Renamed"
    doc.save()
with smooth.unit_of_work(name, sites_path=path):
    smooth.db.set_value("Test Single", None, "site_title", "changed elsewhere")
"""

SQLITE_SITE = pytest.mark.parametrize("test_site", ["sqlite"], indirect=True)


@pytest.fixture(params=["file", "redis"])
def source(request: pytest.FixtureRequest, site: SiteHandle) -> Iterator[str]:
    """Where the generation token lives: this process's Site uses the same source as the other process."""
    bound = get_site(site.name, site.sites_path)
    kept = bound.cache
    url = os.environ.get("SMOOTH_TEST_REDIS_URL", "") if request.param == "redis" else ""
    if request.param == "redis" and not url:
        pytest.fail("SMOOTH_TEST_REDIS_URL is not set")
    bound.cache = SiteCache(site.name, bound.path, url or None)
    try:
        yield url
    finally:
        bound.cache = kept


def _reads(site: SiteHandle) -> tuple[list[str], str, str, int]:
    """(roles, the Single's title, the user's first name as a Link check reads it, statements sent but BEGIN)."""
    sent: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.startswith("BEGIN"):
            sent.append(statement)

    with smooth.unit_of_work(site.name, sites_path=site.sites_path, commit=False):
        engine = smooth.local.site.engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            roles = smooth.get_roles(USER)
            title = smooth.db.get_single_value("Test Single", "site_title")
            validate_links(smooth.get_doc({"doctype": "Test Note", "title": "x", "assignee": USER}))  # the User row
            first_name = smooth.db.get_value("User", USER, "first_name")  # answered from the row the check read
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    return roles, title, first_name, len(sent)


@SQLITE_SITE
def test_another_process_change_is_seen_by_the_next_unit(site: SiteHandle, source: str) -> None:
    with site.context():
        make_user(USER, "Test Reader")
    roles, title, first_name, _ = _reads(site)
    assert "Test Reader" in roles and "Test Writer" not in roles
    assert first_name == "cached"
    again = _reads(site)
    assert again[:3] == (roles, title, first_name)
    assert again[3] == 0  # roles, the Single and the linked User row came from the cache: no query

    subprocess.run([sys.executable, "-c", OTHER_PROCESS, site.name, str(site.sites_path), source, USER],
                   cwd=REPO, check=True, timeout=120)

    roles, title, first_name, sent = _reads(site)
    assert "Test Writer" in roles
    assert title == "changed elsewhere"
    assert first_name == "Renamed"
    assert sent > 0


@SQLITE_SITE
def test_a_unit_that_writes_a_cached_doctype_reads_its_own_writes(site: SiteHandle, source: str) -> None:
    with site.context():
        make_user(USER, "Test Reader")
    assert "Test Writer" not in _reads(site)[0]
    with smooth.unit_of_work(site.name, sites_path=site.sites_path):
        doc = smooth.get_doc("User", USER)
        doc.append("roles", {"role": "Test Writer"})
        doc.save()
        smooth.local.roles.clear()
        assert "Test Writer" in smooth.get_roles(USER)  # not the cached roles of before the write
        smooth.db.set_value("Test Single", None, "site_title", "mine")
        assert smooth.db.get_single_value("Test Single", "site_title") == "mine"
    assert "Test Writer" in _reads(site)[0]


@SQLITE_SITE
def test_a_raw_sql_write_naming_a_cached_table_changes_the_token(site: SiteHandle, source: str) -> None:
    with site.context():
        make_user(USER, "Test Reader")
    assert "Test Writer" not in _reads(site)[0]
    with smooth.unit_of_work(site.name, sites_path=site.sites_path):
        smooth.db.sql("update `tabHas Role` set role = %s where parent = %s", ("Test Writer", USER))
    assert "Test Writer" in _reads(site)[0]


@pytest.mark.parametrize("where", ["file", "redis"])
def test_a_lost_token_never_brings_old_entries_back(tmp_path: Path, where: str) -> None:
    """A deleted token file, or a flushed or restarted Redis, gives a token never used before."""
    url = os.environ.get("SMOOTH_TEST_REDIS_URL") if where == "redis" else None
    cache = SiteCache(f"lost-{tmp_path.name}", tmp_path, url)
    first = cache.generation()
    assert first is not None
    cache.put(first, "roles", ("Old",))
    if url:
        redis.Redis.from_url(url).delete(f"smooth:lost-{tmp_path.name}:cache_generation")
    else:
        (tmp_path / "cache.generation").unlink()
    second = cache.generation()
    assert second not in (None, first)
    assert cache.peek(second, "roles") is MISSING


@SQLITE_SITE
def test_an_email_template_is_read_once_until_it_is_edited(site: SiteHandle, source: str) -> None:
    """A job queueing many mails reads its template once; an edit (by any process) is used from the next unit."""
    name = f"Cached Hello {secrets.token_hex(3)}"  # core records outlive the test app's cleaning
    with site.context():
        smooth.get_doc({"doctype": "Email Template", "name": name, "subject": "Hello {{ who }}",
                        "response": "Hi {{ who }}"}).insert()
        smooth.db.commit()

    def subject() -> tuple[str, int]:
        """The rendered subject and how many statements read the template."""
        sent: list[str] = []

        def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            sent.append(statement)

        with smooth.unit_of_work(site.name, sites_path=site.sites_path, commit=False):
            engine = smooth.local.site.engine
            event.listen(engine, "before_cursor_execute", seen)
            try:
                rendered = render_template(name, {"who": "Ann"}).subject
            finally:
                event.remove(engine, "before_cursor_execute", seen)
        return rendered, len([s for s in sent if "Email Template" in s])

    assert subject() == ("Hello Ann", 1)
    assert subject() == ("Hello Ann", 0)
    with smooth.unit_of_work(site.name, sites_path=site.sites_path):
        template = smooth.get_doc("Email Template", name)
        template.subject = "Welcome {{ who }}"
        template.save()
    assert subject() == ("Welcome Ann", 1)


@SQLITE_SITE
def test_a_login_stamp_keeps_the_cache_and_is_never_read_stale(site: SiteHandle, source: str) -> None:
    """Every login writes User.last_login: that must not empty every process's cache at shift start, and a
    cached User row must not answer last_login with the value of before."""
    with site.context():
        make_user(USER, "Test Reader")
    _reads(site)  # the User row is now in the site cache
    before = get_site(site.name, site.sites_path).cache.generation()
    stamp = smooth.now_datetime().replace(microsecond=0)
    with smooth.unit_of_work(site.name, sites_path=site.sites_path):
        smooth.db.set_value("User", USER, "last_login", stamp, update_modified=False)  # as a login writes it
    assert get_site(site.name, site.sites_path).cache.generation() == before
    assert _reads(site)[3] == 0  # roles, the Single and the linked row still come from the cache
    with smooth.unit_of_work(site.name, sites_path=site.sites_path, commit=False):
        validate_links(smooth.get_doc({"doctype": "Test Note", "title": "x", "assignee": USER}))
        assert smooth.db.get_value("User", USER, "last_login") == stamp
    with smooth.unit_of_work(site.name, sites_path=site.sites_path):
        smooth.db.set_value("User", USER, {"last_login": stamp, "first_name": "Both"})
    assert get_site(site.name, site.sites_path).cache.generation() != before


@SQLITE_SITE
def test_a_transaction_asks_the_site_cache_once_per_read_and_afresh_after_its_own_write(
        site: SiteHandle, source: str) -> None:
    """`db.cached` keeps its answers for the rest of the transaction (a bulk insert asks the same reads per
    record), until the transaction writes a cached doctype or the metadata is reloaded; the next transaction
    asks the site cache again."""
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    with smooth.unit_of_work(site.name, sites_path=site.sites_path):
        asked: list[object] = []
        real_get = smooth.local.site.cache.get
        smooth.local.site.cache.get = lambda *args: asked.append(args[1]) or real_get(*args)  # type: ignore[method-assign]
        try:
            first = [smooth.db.cached(("probe", 1), load) for _ in range(3)]
            assert first == [1, 1, 1] and asked == [("probe", 1)]
            smooth.local.site.load_metadata()
            assert smooth.db.cached(("probe", 1), load) == 2 and len(asked) == 2  # emptied with the metadata
            smooth.db.set_value("Test Single", None, "site_title", "written")
            assert smooth.db.cached(("probe", 1), load) == 3  # its own write: read afresh, not kept
            assert smooth.db.cached(("probe", 1), load) == 4
        finally:
            del smooth.local.site.cache.get
    with smooth.unit_of_work(site.name, sites_path=site.sites_path, commit=False):
        assert smooth.db.cached(("probe", 1), load) == 5  # the write changed the generation
