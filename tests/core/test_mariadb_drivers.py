"""Both MariaDB drivers serve a site alike: mysqlclient (the `mariadb` extra, what the test suite's MariaDB half
runs on) and PyMySQL (pure Python, always installed), and a URL naming no driver takes mysqlclient when installed.

The rest of the suite runs on one driver; this file checks on each what differs between them: value types on
the way back, a duplicate key and a lock wait refused with Smooth's own errors, SKIP LOCKED, rows matched by an
update.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

import smooth
from smooth.db.engine import with_driver
from smooth.exceptions import QueryLockError
from smooth.install import new_site
from tests.conftest import TEST_APP, TEST_ROLES, SiteHandle, drop_site, mariadb_server_url

pytestmark = pytest.mark.mariadb


@pytest.fixture(params=["pymysql", "mysqldb", ""])
def driver_site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, SiteHandle]]:
    server = make_url(mariadb_server_url())
    backend = server.get_backend_name()
    url = server.set(drivername=f"{backend}+{request.param}" if request.param else backend)
    name = f"driver-{request.param or 'none'}-{secrets.token_hex(3)}.test"
    db_url = f"{url.render_as_string(hide_password=False)}/smooth_driver_{secrets.token_hex(4)}"
    new_site(name, tmp_path, db_type="mariadb", db_url=db_url, admin_password="admin", apps=[str(TEST_APP)],
             echo=lambda _msg: None)
    handle = SiteHandle(name, tmp_path, "mariadb", [str(TEST_APP)])
    with handle.context():
        for role in TEST_ROLES:
            smooth.get_doc({"doctype": "Role", "role_name": role}).insert()
        smooth.db.commit()
    try:
        yield request.param or "mysqldb", handle  # mysqlclient is installed with the test venv's `mariadb` extra
    finally:
        drop_site(handle)


def test_a_site_works_the_same_on_each_driver(driver_site: tuple[str, SiteHandle]) -> None:
    driver, site = driver_site
    with site.context():
        assert smooth.local.site.engine.url.drivername.endswith(f"+{driver}")
        note = smooth.get_doc({"doctype": "Test Note", "title": "Grüße – ✓", "priority": 3, "amount": 12.5,
                               "due_date": "2026-03-29", "happened_at": "2026-03-29 02:30:00"}).insert()
        smooth.db.commit()
        row = smooth.db.get_value("Test Note", note.name, ["title", "priority", "amount", "due_date", "happened_at"],
                                  as_dict=True)
        assert row == {"title": "Grüße – ✓", "priority": 3, "amount": 12.5, "due_date": dt.date(2026, 3, 29),
                       "happened_at": dt.datetime(2026, 3, 29, 2, 30)}
        assert type(row["priority"]) is int and type(row["amount"]) is float
        assert smooth.db.set_value("Test Note", {"priority": 3}, "priority", 3, update_modified=False) == 1
        with pytest.raises(smooth.DuplicateEntryError):
            smooth.get_doc({"doctype": "Test Note", "name": note.name, "title": "again"}).insert(set_name=note.name)
        smooth.db.rollback()


@contextmanager
def held_elsewhere(site: SiteHandle, name: str) -> Iterator[None]:
    """Test Note `name` locked by another connection's open transaction while the block runs (which may wait one
    second for a lock at most)."""
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with site.context():
            smooth.db.get_value("Test Note", name, "name", for_update=True)
            held.set()
            done.wait(30)
            smooth.db.rollback()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(30)
        with site.context():
            smooth.db.sql("SET SESSION innodb_lock_wait_timeout = 1")
            yield
            smooth.db.rollback()
    finally:
        done.set()
        holder.join(30)


def notes(site: SiteHandle, *titles: str) -> list[str]:
    with site.context():
        names = [smooth.get_doc({"doctype": "Test Note", "title": title}).insert().name for title in titles]
        smooth.db.commit()
    return names


def test_a_lock_wait_is_refused_as_a_query_lock_error_on_each_driver(driver_site: tuple[str, SiteHandle]) -> None:
    _driver, site = driver_site
    [name] = notes(site, "locked")
    with held_elsewhere(site, name), pytest.raises(QueryLockError):
        smooth.db.get_value("Test Note", name, "name", for_update=True)


def test_skip_locked_leaves_out_the_rows_another_transaction_holds(driver_site: tuple[str, SiteHandle]) -> None:
    """`for_update=True, skip_locked=True` (a booking taking the first evaluator nobody else is booking) locks the
    free rows and leaves the held ones out at once, where a plain locking read would wait."""
    _driver, site = driver_site
    names = notes(site, "held", "free")
    with held_elsewhere(site, names[0]):
        assert smooth.db.get_all("Test Note", filters={"name": ["in", names]}, pluck="name", for_update=True,
                                 skip_locked=True) == [names[1]]
        assert smooth.db.get_value("Test Note", names[0], "name", for_update=True, skip_locked=True) is None


def test_a_url_without_a_driver_takes_mysqlclient_when_it_is_installed() -> None:
    assert with_driver(make_url("mariadb://u:p@db:3306/x")).drivername == "mariadb+mysqldb"
    assert with_driver(make_url("mysql://u:p@db/x")).drivername == "mysql+mysqldb"
    assert with_driver(make_url("mariadb+pymysql://u:p@db/x")).drivername == "mariadb+pymysql"
    assert with_driver(make_url("sqlite:///x.db")).drivername == "sqlite"
