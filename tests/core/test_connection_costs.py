"""What a unit of work costs the database server beyond its own statements.

SQLite: a writer of this process waits for its turn on an in-process lock, not in SQLite's
busy handler (which polls 1-100 ms apart), so the next writer begins the moment the last one
commits. MariaDB: a busy pooled connection is neither pinged on check-out nor rolled back on
check-in after its unit committed; one idle for a while is pinged, and a dead one replaced.
"""

from __future__ import annotations

import gc
import threading
import time
import warnings
from typing import Any

import pytest
from sqlalchemy import event, text

import smooth
from smooth.db import engine as engine_module
from smooth.db.writer_lock import WriterLock

SQLITE = pytest.mark.parametrize("test_site", ["sqlite"], indirect=True)
MARIADB = pytest.mark.parametrize("test_site", ["mariadb"], indirect=True)


def test_a_thread_holding_the_writer_lock_does_not_wait_on_itself() -> None:
    lock = WriterLock(timeout=30)
    assert lock.acquire() is True
    began = time.monotonic()
    assert lock.acquire() is False  # a second unit of this thread goes straight to SQLite, as before
    assert time.monotonic() - began < 1
    lock.release()
    assert lock.acquire() is True
    lock.release()


@SQLITE
def test_a_second_sqlite_writer_waits_in_the_process_until_the_first_commits(site: Any) -> None:
    began: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            began.append(threading.current_thread().name)

    holding, release, second_done = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with smooth.unit_of_work(site.name, sites_path=site.sites_path):
            smooth.db.sql("SELECT 1")
            holding.set()
            release.wait(30)

    def second() -> None:
        holding.wait(30)
        with smooth.unit_of_work(site.name, sites_path=site.sites_path):
            smooth.db.sql("SELECT 1")
        second_done.set()

    with site.context():
        engine = smooth.local.site.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        threads = [threading.Thread(target=first, name="first"), threading.Thread(target=second, name="second")]
        for thread in threads:
            thread.start()
        holding.wait(30)
        time.sleep(0.3)
        assert began == ["first"], "the second writer went to SQLite while the first held the write lock"
        release.set()
        assert second_done.wait(30)
        for thread in threads:
            thread.join(30)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert began == ["first", "second"]


def _session_counters(connection: Any) -> dict[str, int]:
    rows = connection.exec_driver_sql(
        "SHOW SESSION STATUS WHERE Variable_name IN ('Com_rollback', 'Com_admin_commands')").all()
    return {name: int(value) for name, value in rows}


@MARIADB
def test_a_busy_mariadb_connection_costs_no_ping_and_no_extra_rollback(site: Any) -> None:
    with site.context():
        engine = smooth.local.site.engine
    with engine.connect() as connection:
        before = _session_counters(connection)
        connection_id = connection.exec_driver_sql("SELECT CONNECTION_ID()").scalar()
    for _ in range(5):
        with smooth.unit_of_work(site.name, sites_path=site.sites_path):
            smooth.db.sql("SELECT 1")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT CONNECTION_ID()").scalar() == connection_id  # the pool is LIFO
        after = _session_counters(connection)
    # the SHOW above left its own transaction open once: that one rollback on check-in is owed
    assert after["Com_rollback"] - before["Com_rollback"] <= 1
    assert after["Com_admin_commands"] == before["Com_admin_commands"]  # no COM_PING


@MARIADB
def test_an_idle_mariadb_connection_killed_meanwhile_is_replaced(site: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    with site.context():
        engine = smooth.local.site.engine
    with engine.connect() as connection:
        killed = connection.exec_driver_sql("SELECT CONNECTION_ID()").scalar()
    with engine_module.create_site_engine(str(engine.url.render_as_string(hide_password=False))).connect() as other:
        other.exec_driver_sql(f"KILL {killed}")
    with smooth.unit_of_work(site.name, sites_path=site.sites_path):
        assert smooth.db.sql("SELECT CONNECTION_ID()")[0][0] != killed


@MARIADB
def test_a_connection_dropped_with_its_transaction_open_is_rolled_back(site: Any) -> None:
    with site.context():
        engine = smooth.local.site.engine
    connection = engine.connect()
    connection.execute(text("CREATE TEMPORARY TABLE smooth_left_open (n INT) ENGINE=InnoDB"))
    connection.execute(text("INSERT INTO smooth_left_open VALUES (1)"))
    del connection  # never closed: the pool takes it back when it is collected
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gc.collect()
    with engine.connect() as again:
        assert again.execute(text("SELECT COUNT(*) FROM smooth_left_open")).scalar() == 0
