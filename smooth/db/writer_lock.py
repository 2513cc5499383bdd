"""SQLite's one writer, queued inside the process instead of polled for.

A unit of work that will write begins with `BEGIN IMMEDIATE`; while another holds the write
lock, SQLite's busy handler sleeps and retries (1, 2, 5 ... 100 ms apart), so under load the
waiters wake late and the file sits unlocked between two writers. Threads of one process take
turns on a `threading.Lock` per database file first: the next writer starts the moment the
previous one commits. Other processes on the same file still meet SQLite's busy handler, so
several servers stay correct, only without the queue between them.

A thread that already holds the file's lock (a unit opened inside another on its own
connection) does not wait on itself: it goes straight to SQLite, as it would without this
lock. A writer that waited the whole busy timeout goes to SQLite too, which then decides.
"""

from __future__ import annotations

import os
import threading

from sqlalchemy.engine import Engine


class WriterLock:
    """The write turn of one database file among this process's threads."""

    def __init__(self, timeout: float) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._timeout = timeout

    def acquire(self) -> bool:
        """Wait for the turn; False when it was not taken (this thread holds it already, or the wait timed out)."""
        me = threading.get_ident()
        if self._owner == me or not self._lock.acquire(timeout=self._timeout):
            return False
        self._owner = me
        return True

    def release(self) -> None:
        self._owner = None
        self._lock.release()


_locks: dict[str, WriterLock] = {}
_paths: dict[str, str] = {}  # a database path as configured -> the real path that keys its lock (looked up once)
_guard = threading.Lock()


def writer_lock(engine: Engine, timeout: float) -> WriterLock | None:
    """The lock shared by every engine of this process on `engine`'s SQLite file (None for MariaDB or memory)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    key = _paths.get(database)
    if key is None:
        key = _paths[database] = os.path.realpath(database)
    with _guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = WriterLock(timeout)
        return lock
