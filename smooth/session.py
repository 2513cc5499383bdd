"""Per-unit-of-work state: the site, the user, the database connection, flags and messages.

It lives in a ContextVar, so each thread (and each asyncio task) has its own; a new thread
starts with none and must call `smooth.init`. Flags are an explicit object rather than
scattered module globals.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smooth.db.database import Database
from smooth.exceptions import SmoothError
from smooth.site import Site, current_site, get_site


@dataclass
class Flags:
    in_install: bool = False
    in_migrate: bool = False
    in_patch: bool = False
    in_test: bool = False
    mute_messages: bool = False


@dataclass
class Local:
    site: Site
    user: str = "Administrator"
    db: Database | None = None
    flags: Flags = field(default_factory=Flags)
    message_log: list[dict[str, Any]] = field(default_factory=list)
    roles: dict[str, list[str]] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)


_local: ContextVar[Local | None] = ContextVar("smooth_local", default=None)


class NotInitializedError(SmoothError):
    pass


def init(site: str | None = None, sites_path: str | Path | None = None, *, user: str = "Administrator") -> Local:
    """Bind a site to the current context (thread/task). Connecting happens on first use."""
    path = Path(sites_path) if sites_path else None
    name = site or current_site(path)
    if not name:
        raise NotInitializedError("No site given and no current site set; pass --site or run `bench use SITE`")
    local = Local(site=get_site(name, path), user=user)
    _local.set(local)
    return local


def local() -> Local:
    value = _local.get()
    if value is None:
        raise NotInitializedError("No site is initialised in this context; call smooth.init(site) first")
    return value


def is_initialized() -> bool:
    return _local.get() is not None


def connect(*, write_intent: bool = True) -> Database:
    loc = local()
    if loc.db is None:
        loc.db = Database(loc.site, write_intent=write_intent)
    return loc.db


def db() -> Database:
    loc = local()
    return loc.db if loc.db is not None else connect()


def destroy() -> None:
    loc = _local.get()
    if loc is not None and loc.db is not None:
        loc.db.close()
    _local.set(None)


def set_user(user: str) -> None:
    loc = local()
    loc.user = user


def session_user() -> str:
    loc = _local.get()
    return loc.user if loc is not None else "Administrator"


@contextmanager
def unit_of_work(*, user: str | None = None) -> Iterator[Database]:
    """One transaction: commit (then after_commit callbacks) on success, roll back everything on error."""
    database = db()
    previous = session_user()
    if user:
        set_user(user)
    try:
        yield database
    except BaseException:
        database.rollback()
        raise
    else:
        database.commit()
    finally:
        if user:
            set_user(previous)


@contextmanager
def site_context(site: str, sites_path: str | Path | None = None, *, user: str = "Administrator",
                 write_intent: bool = True) -> Iterator[Local]:
    """init + connect for the length of a block, restoring whatever context was there before."""
    token = _local.set(None)
    try:
        loc = init(site, sites_path, user=user)
        connect(write_intent=write_intent)
        yield loc
    finally:
        destroy()
        _local.reset(token)


def system_time_zone() -> str:
    loc = _local.get()
    return loc.site.time_zone if loc is not None else "UTC"


def now_datetime() -> dt.datetime:
    """Now as a naive datetime in the system time zone (how Smooth stores datetimes)."""
    return dt.datetime.now(zoneinfo.ZoneInfo(system_time_zone())).replace(tzinfo=None)


def today() -> dt.date:
    return now_datetime().date()
