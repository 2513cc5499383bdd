"""One SQLAlchemy engine per site, configured for how Smooth uses each database.

SQLite: WAL journal, a busy timeout, and explicit BEGIN statements so a unit of work that
will write can take the write lock up front (`BEGIN IMMEDIATE`) instead of failing when it
tries to upgrade a stale read snapshot.

MariaDB: READ COMMITTED, so a check made after taking a row lock sees rows other
transactions committed while we waited for the lock (REPEATABLE READ would show the
snapshot from our first read and let a double booking through). A unit of work checks a
connection out of the pool and back in; the pool adds no round trip of its own to a busy
server: a connection is pinged only when it sat unused for `PING_AFTER_IDLE_SECONDS` (one
that died meanwhile is replaced before the unit sees it; the pool is LIFO, so the spare
ones are the idle ones), and one whose transaction was committed or rolled back is not
rolled back again on its way back (any other still is).
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, PoolResetState

SQLITE_BUSY_TIMEOUT_MS = 30_000
PING_AFTER_IDLE_SECONDS = 2.0
_RETURNED = "smooth_returned_at"  # the pool entry's info: when it was last checked in
_OPEN = "smooth_transaction_open"  # the pool entry's info: False once its transaction was committed or rolled back


def site_db_url(config: dict[str, Any], site_path: Path) -> str:
    url = config.get("db_url")
    if url:
        return str(url)
    db_file = config.get("db_path") or "site.sqlite3"
    path = Path(db_file)
    if not path.is_absolute():
        path = site_path / path
    return f"sqlite:///{path}"


def create_site_engine(url: str, config: dict[str, Any] | None = None) -> Engine:
    config = config or {}
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return _mariadb_engine(url, config)


def with_driver(url: URL) -> URL:
    """A MariaDB URL that names no driver (`mariadb://...`) gets mysqlclient when it is installed (its C parser
    spends about a quarter less server CPU per booking than PyMySQL: docs/deployment.md), else PyMySQL."""
    if url.get_backend_name() not in ("mariadb", "mysql") or "+" in url.drivername:
        return url
    return url.set(drivername=f"{url.get_backend_name()}+{'mysqldb' if _has_mysqlclient() else 'pymysql'}")


def _has_mysqlclient() -> bool:
    return importlib.util.find_spec("MySQLdb") is not None


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        pool_size=10,
        max_overflow=20,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.info.pop("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _mariadb_engine(url: str, config: dict[str, Any]) -> Engine:
    parsed = with_driver(make_url(url))
    query = dict(parsed.query)
    query.setdefault("charset", "utf8mb4")
    engine = create_engine(
        parsed.set(query=query),
        isolation_level="READ COMMITTED",
        pool_recycle=3600,
        pool_use_lifo=True,
        pool_reset_on_return=None,  # _reset below: only what is still open
        pool_size=int(config.get("db_pool_size", 10)),
        max_overflow=int(config.get("db_max_overflow", 40)),
    )
    lock_wait = int(config.get("lock_wait_timeout", 10))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET SESSION innodb_lock_wait_timeout = {lock_wait}")
        cursor.execute("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'")
        cursor.close()

    _track_transactions(engine)
    return engine


def _track_transactions(engine: Engine) -> None:
    """Ping a connection only after it sat idle; roll back on check-in only a transaction still open."""

    @event.listens_for(engine, "begin")
    def _begun(connection: Connection) -> None:
        connection.info[_OPEN] = True

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ended(connection: Connection) -> None:
        connection.info[_OPEN] = False

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, entry: ConnectionPoolEntry) -> None:
        entry.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, entry: ConnectionPoolEntry, _proxy: Any) -> None:
        returned = entry.info.get(_RETURNED)
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # gone: the pool connects afresh and tries again
            raise DisconnectionError(str(exc)) from exc

    @event.listens_for(engine, "reset")
    def _reset(dbapi_connection: Any, entry: ConnectionPoolEntry, state: PoolResetState) -> None:
        if state.asyncio_safe and not state.transaction_was_reset and entry.info.get(_OPEN) is not False:
            dbapi_connection.rollback()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def server_url(url: URL) -> URL:
    """The same server without a database (to create or drop one). `URL.set(database=None)` is a no-op."""
    return with_driver(url)._replace(database=None)
