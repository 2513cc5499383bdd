"""The unit of work: which site, which user, which connection, and the one door every entry point uses.

A unit of work is one transaction on one site for one user. The framework's entry points (an
HTTP request, a job, a CLI command, a scheduler tick, migrate and each patch, site installation)
go through `unit_of_work`, so commit, rollback, after-commit callbacks and per-unit state are
handled in one place. Only that door commits: opening a committing unit inside another on the
same context raises NestedUnitOfWorkError, and code inside a unit isolates a step that may fail
with `savepoint()`. The state lives in a ContextVar: each thread (and each asyncio task) has its
own, and a new thread starts with none.

Login sessions (the `sid` cookie) are a different thing and live in `smooth.auth.sessions`.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from smooth.db.database import Database
from smooth.exceptions import NestedUnitOfWorkError, QueryDeadlockError, SmoothError
from smooth.site import Site, current_site, get_site

ADMINISTRATOR = "Administrator"
RERUNS_AFTER_DEADLOCK = 1
log = logging.getLogger("smooth.context")
Result = TypeVar("Result")


@dataclass
class Flags:
    """Unit-wide switches (Frappe's `frappe.flags`); apps may set their own attributes too."""

    in_install: bool = False
    in_import: bool = False  # records are being carried in from elsewhere (a migration): side effects stay off
    in_patch: bool = False  # a patch runs (smooth.patches): document events do not send Notifications, as in Frappe

    @property
    def carrying_in(self) -> bool:
        """Installing, patching or importing: records go in as they stand (no Notifications, as in Frappe), and
        a table a patch has not made yet may be missing."""
        return self.in_install or self.in_patch or self.in_import


@dataclass
class Local:
    site: Site
    user: str = ADMINISTRATOR
    db: Database | None = None
    flags: Flags = field(default_factory=Flags)
    message_log: list[dict[str, Any]] = field(default_factory=list)
    roles: dict[str, list[str]] = field(default_factory=dict)
    user_permissions: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)  # per unit, as roles
    request_url: str = ""  # the base URL of the HTTP request this unit serves, if any (smooth.urls)
    form_dict: dict[str, Any] = field(default_factory=dict)  # the request's arguments (Frappe's form_dict), if any
    request_ip: str = ""  # the client address and User-Agent of the HTTP request, if any (smooth.access_log)
    user_agent: str = ""
    lang: tuple[str, str] | None = None  # (user, language) once a string is translated (smooth.i18n.language)
    in_unit: bool = False  # a unit of work is open on this context: another one here would be nested


_database_class: type[Database] = Database


_local: ContextVar[Local | None] = ContextVar("smooth_local", default=None)


class NotInitializedError(SmoothError):
    pass


def init(site: str | None = None, sites_path: str | Path | None = None, *, user: str = ADMINISTRATOR) -> Local:
    """Bind a site to the current context (thread/task). Connecting happens on first use."""
    path = Path(sites_path) if sites_path else None
    name = site or current_site(path)
    if not name:
        raise NotInitializedError("No site given and no current site set; pass --site or run `bench use SITE`")
    bound = Local(site=get_site(name, path), user=user)
    _local.set(bound)
    return bound


def local() -> Local:
    value = _local.get()
    if value is None:
        raise NotInitializedError("No site is initialised in this context; call smooth.init(site) first")
    return value


def is_initialized() -> bool:
    return _local.get() is not None


def install_database_class(cls: type[Database]) -> None:
    """The class of every unit's database object: the model layer installs its Frappe-shaped subclass
    (coercion, timestamps, Password fields) when it is imported, so `smooth.db` is one object."""
    global _database_class
    _database_class = cls


def connect(*, write_intent: bool = True) -> Database:
    bound = local()
    if bound.db is None:
        bound.db = _database_class(bound.site, write_intent=write_intent)
    return bound.db


def db() -> Database:
    bound = local()
    return bound.db if bound.db is not None else connect()


def destroy() -> None:
    bound = _local.get()
    if bound is not None and bound.db is not None:
        bound.db.close()
    _local.set(None)


def set_user(user: str) -> None:
    local().user = user


def session_user() -> str:
    bound = _local.get()
    return bound.user if bound is not None else ADMINISTRATOR


@contextmanager
def unit_of_work(site: str | None = None, *, user: str | None = None, sites_path: str | Path | None = None,
                 commit: bool = True, write_intent: bool = True) -> Iterator[Local]:
    """One transaction: commit (then after_commit callbacks) on success, roll everything back on error.

    The framework's entry-point door. With `site`, the unit binds that site for its length (a
    fresh context and connection, so it nests in nothing) and restores whatever context the
    thread had before. Without it, the unit is a transaction on the site already bound (a patch
    inside migrate, a test, `bench console`), and raises NestedUnitOfWorkError when a unit is
    already open there: use `savepoint()` inside a unit. `commit=False` rolls back even on
    success (read-only requests).
    """
    if site is not None:
        with site_context(site, sites_path, user=user or ADMINISTRATOR, write_intent=write_intent), \
                _transaction(None, commit) as bound:
            yield bound
        return
    with _transaction(user, commit) as bound:
        yield bound


def rerun_on_deadlock(attempt: Callable[[], Result], *, reruns: int = RERUNS_AFTER_DEADLOCK) -> Result:
    """`attempt()`, called again (up to `reruns` times) when the database stopped its unit to break a deadlock.

    InnoDB breaks a deadlock by rolling one transaction back whole and asks the application to run it again; by
    then the other one has usually committed. Row locks are held until commit, so a unit that locked a row it then
    had no use for may still wait for another's row while holding it. `attempt` opens its own unit of work and must
    not do, outside the database, what it would repeat.
    """
    left = reruns
    while True:
        try:
            return attempt()
        except QueryDeadlockError:
            if left <= 0:
                raise
            left -= 1
            log.info("a deadlock stopped this unit of work; running it again")
            time.sleep(random.uniform(0.005, 0.05))  # let the transaction that won commit first


@contextmanager
def _transaction(user: str | None, commit: bool) -> Iterator[Local]:
    bound = local()
    if bound.in_unit:
        raise NestedUnitOfWorkError(
            "A unit of work is already open here, and only the outermost one (the request, job or command) "
            "commits. Use `with smooth.savepoint():` for a step whose failure must not undo the rest.")
    database = db()
    previous = bound.user
    if user:
        bound.user = user
    bound.in_unit = True
    committed = False
    try:
        try:
            yield bound
        except BaseException:
            database.rollback_transaction()
            raise
        if commit:
            try:
                database.commit_transaction()
            except BaseException:
                database.rollback_transaction()
                raise
            committed = True
        else:
            database.rollback_transaction()
    finally:
        bound.in_unit = False  # the callbacks run once the unit is over: they may open units of their own
        try:
            if committed:
                database.after_commit.run()
            elif len(database.after_rollback):
                _after_rollback(database)
        finally:
            bound.roles.clear()
            bound.user_permissions.clear()
            if user:
                bound.user = previous


def _after_rollback(database: Database) -> None:
    """Run the rolled-back unit's after_rollback callbacks in a unit of their own, so what they record
    (a refusal worth keeping) is committed. Their failure is logged: the rollback's cause is what counts."""
    try:
        with _transaction(None, True):
            database.after_rollback.run()
    except Exception:
        database.after_rollback.reset()
        log.exception("an after_rollback callback failed")


def savepoint() -> AbstractContextManager[None]:
    """A step inside the current unit of work that can fail on its own (Frappe's `frappe.db.savepoint`).

    `with smooth.savepoint(): ...` releases on success (the work is committed with the unit) and,
    on an exception, rolls back only the step's work and re-raises. after_commit callbacks queued
    inside a rolled-back savepoint are dropped.
    """
    return db().savepoint()


@contextmanager
def site_context(site: str, sites_path: str | Path | None = None, *, user: str = ADMINISTRATOR,
                 write_intent: bool = True) -> Iterator[Local]:
    """Bind a site for the length of a block without managing its transaction (tests, consoles).

    Work inside still commits through `unit_of_work()` or `smooth.db.commit()`; what is left
    uncommitted at the end is rolled back when the connection closes.
    """
    token = _local.set(None)
    try:
        bound = init(site, sites_path, user=user)
        connect(write_intent=write_intent)
        yield bound
    finally:
        destroy()
        _local.reset(token)


def system_time_zone() -> str:
    bound = _local.get()
    return bound.site.time_zone if bound is not None else "UTC"


def now_datetime() -> dt.datetime:
    """Now as a naive datetime in the system time zone (how Smooth stores datetimes)."""
    now = dt.datetime.now(zoneinfo.ZoneInfo(system_time_zone()))
    return dt.datetime.combine(now.date(), now.time())  # naive: a fifth of what replace(tzinfo=None) costs


def today() -> dt.date:
    return now_datetime().date()
