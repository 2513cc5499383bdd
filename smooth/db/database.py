"""`smooth.db`: one connection and one transaction per unit of work.

Nothing is committed implicitly: a request, job or CLI command commits once at the end
(`commit`) or rolls everything back. `after_commit` callbacks (emails, jobs) run only after
the commit succeeded; a rollback discards them.

This layer moves rows in and out. It knows tables and filters, not documents: callers hand
it values already coerced to their field types, and the timestamp and user to stamp
(`smooth.model.database_api` adds both for the Frappe-shaped `smooth.db`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, Table, TextClause, delete, insert, select, update
from sqlalchemy.engine import Connection, Result
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import ColumnElement

import smooth.filters as filter_rules
from smooth.db import query, table_versions
from smooth.db.engine import SQLITE_BUSY_TIMEOUT_MS
from smooth.db.prepared import insert_statement, prepared_insert
from smooth.db.writer_lock import writer_lock
from smooth.exceptions import DoesNotExistError, QueryDeadlockError, QueryLockError, ValidationError
from smooth.i18n.deferred import _
from smooth.meta import fieldtypes
from smooth.site_cache import MISSING, VOLATILE_COLUMNS, names_cached_table

if TYPE_CHECKING:
    from smooth.meta.doctype import Meta
    from smooth.site import Site

LOCK_WAIT_TIMEOUT, DEADLOCK = 1205, 1213  # MariaDB's error codes


class CallbackManager:
    """Functions queued to run at a transaction boundary (Frappe's `db.after_commit.add`)."""

    def __init__(self) -> None:
        self._callbacks: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []

    def add(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._callbacks.append((fn, args, kwargs))

    def run(self) -> None:
        while self._callbacks:
            fn, args, kwargs = self._callbacks.pop(0)
            fn(*args, **kwargs)

    def reset(self) -> None:
        self._callbacks.clear()

    def queued(self, fn: Callable[..., Any]) -> tuple[Any, ...] | None:
        """The arguments `fn` is queued with (the first time), or None: lets a caller queue one run per unit."""
        return next((args for queued, args, _ in self._callbacks if queued is fn), None)

    def discard_since(self, mark: int) -> None:
        """Forget what was queued after `mark` (a `len()` taken earlier): a savepoint rolled back."""
        del self._callbacks[mark:]

    def run_since(self, mark: int) -> None:
        queued, self._callbacks[mark:] = self._callbacks[mark:], []
        for fn, args, kwargs in queued:
            fn(*args, **kwargs)

    def __len__(self) -> int:
        return len(self._callbacks)


class Database:
    def __init__(self, site: Site, *, write_intent: bool = True) -> None:
        self.site = site
        self.engine = site.engine
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.write_intent = write_intent
        self._conn: Connection | None = None
        self._write_locked = False
        self._writer = writer_lock(self.engine, SQLITE_BUSY_TIMEOUT_MS / 1000) if self.is_sqlite else None
        self._holds_writer = False
        self.before_commit = CallbackManager()
        self.after_commit = CallbackManager()
        self.after_rollback = CallbackManager()
        self._singles: dict[str, dict[str, Any]] = {}  # per transaction; a write of that Single drops it
        self._singles_read = False  # every Single was read at once into _singles (missing there: none stored)
        self._singles_dropped: set[str] = set()
        self._rows: dict[tuple[str, str], dict[str, Any]] = {}  # whole rows read this transaction, until a write
        self._generation: str | None = None  # the site cache's token, read as this transaction began
        self._cache_written = False  # this transaction wrote a cached doctype: bump the token once committed
        self._cache_transaction: Any = None  # the transaction `_generation` belongs to
        # what `cached` answered in this transaction, for the metadata it was read with: a bulk insert asks the
        # same few reads per record, and the site cache's own look-up costs more than a dict's
        self._answers: dict[Any, Any] = {}
        self._answers_registry: Any = None
        self._tables_written: set[str] = set()  # tables this transaction wrote to (their change numbers move on commit)
        # naming series numbers this transaction reserved ahead: prefix -> (next, top, step); see smooth.model.naming
        self.series_blocks: dict[str, tuple[int, int, int]] = {}
        self._series_transaction: Any = None

    # -- connection and transaction -------------------------------------------------------

    @property
    def has_write_lock(self) -> bool:
        """Whether the current transaction may write without upgrading a read snapshot (SQLite)."""
        return self._write_locked

    @property
    def db_type(self) -> str:
        return "sqlite" if self.is_sqlite else "mariadb"

    def connection(self) -> Connection:
        if self._conn is None or self._conn.closed:
            self._conn = self.engine.connect()
        return self._conn

    def _ensure_transaction(self, write: bool) -> Connection:
        conn = self.connection()
        if not conn.in_transaction():
            self._generation = self.site.cache.generation()  # before the first statement: see smooth.site_cache
            self._cache_written = False
            self._answers = {}
            if self.is_sqlite and (write or self.write_intent):
                conn.info["sqlite_begin"] = "IMMEDIATE"
                self._write_locked = True
                self._take_write_turn()
            else:
                self._write_locked = False
            try:
                self._cache_transaction = conn.begin()
            except BaseException:
                self._end_write_turn()
                raise
        elif write and not self._write_locked:
            self._write_locked = True
        return conn

    def execute(self, statement: Any, params: Any = None, *, write: bool = False) -> Result[Any]:
        conn = self._ensure_transaction(write)
        if not isinstance(statement, Select):
            self._written(statement)
        try:
            return conn.execute(statement, params) if params is not None else conn.execute(statement)
        except DBAPIError as exc:
            _raise_lock_error(exc)
            raise

    def _written(self, statement: Any) -> None:
        """Forget what a statement may change: remembered rows of its table (all of them when the table is
        not known), and the site cache when it may write a cached doctype."""
        table = statement.table if isinstance(statement, UpdateBase) else None
        name = getattr(table, "name", None)
        if isinstance(name, str):
            self._table_written(name)
            return
        self._rows.clear()
        if not isinstance(statement, TextClause) or names_cached_table(statement.text, self.site.cached_tables):
            self._cache_written = True

    def _table_written(self, name: str) -> None:
        self._tables_written.add(name)
        if self._rows:
            doctype = name[3:] if name.startswith("tab") else name
            for key in [key for key in self._rows if key[0] == doctype]:
                del self._rows[key]
        if name in self.site.cached_tables:
            self._cache_written = True

    def cached(self, key: Any, load: Callable[[], Any]) -> Any:
        """`load()`'s value, kept across units of work and processes until a cached doctype changes
        (`smooth.site_cache`); `key` names the read. The value is shared: callers must not change it."""
        if not self._may_use_cache():
            return load()
        if self._answers_registry is not self.site.registry:  # metadata reloaded: rows may have changed shape
            self._answers, self._answers_registry = {}, self.site.registry
        answer = self._answers.get(key, MISSING)
        if answer is MISSING:
            answer = self._answers[key] = self.site.cache.get(self._generation or "", key, load)
        return answer

    def _may_use_cache(self) -> bool:
        if self._conn is None or not self._conn.in_transaction():
            self._ensure_transaction(write=False)  # reads the token, before any statement of the transaction
        return self._generation is not None and not self._cache_written and self._in_own_transaction()

    def _in_own_transaction(self) -> bool:
        """Whether the open transaction is the one whose token was read as it began (not one a caller began
        on the raw connection after committing it behind this object's back)."""
        return self._conn is not None and self._conn.get_transaction() is self._cache_transaction

    def commit(self) -> None:
        """Commit, then run the after-commit callbacks. For the framework: a unit of work commits once, at its door."""
        self.commit_transaction()
        self.after_commit.run()

    def commit_transaction(self) -> None:
        """Commit without running the after-commit callbacks (the door runs them once the unit is closed)."""
        self.before_commit.run()
        try:
            if self._conn is not None and self._conn.in_transaction():
                self._conn.commit()
        finally:
            self._end_write_turn()
        if self._tables_written:
            table_versions.bump(self.site.name, self._tables_written, self.site.config.get("redis_url"))
            self._tables_written.clear()
        self._write_locked = False
        self._forget_singles()
        self._rows.clear()
        self.series_blocks.clear()
        self._end_cache_transaction(committed=True)
        self.after_rollback.reset()

    def rollback(self) -> None:
        self.rollback_transaction()
        self.after_rollback.run()

    def rollback_transaction(self) -> None:
        """Roll back without running the after-rollback callbacks (the door runs them in a unit of their own)."""
        self.before_commit.reset()
        self.after_commit.reset()
        try:
            if self._conn is not None and self._conn.in_transaction():
                self._conn.rollback()
        finally:
            self._end_write_turn()
        self._tables_written.clear()
        self._write_locked = False
        self._forget_singles()
        self._rows.clear()
        self.series_blocks.clear()
        self._end_cache_transaction(committed=False)

    def series_blocks_of_transaction(self) -> dict[str, tuple[int, int, int]]:
        """The series numbers reserved ahead in the open transaction; emptied when the transaction is not the one
        they were reserved in (it was ended behind this object's back), so a number is never handed out twice."""
        transaction = self._conn.get_transaction() if self._conn is not None else None
        if transaction is not self._series_transaction:
            self.series_blocks.clear()
            self._series_transaction = transaction
        return self.series_blocks

    def _end_cache_transaction(self, *, committed: bool) -> None:
        if committed and self._cache_written:
            self.site.cache.bump()
        self._generation = None
        self._cache_written = False
        self._answers = {}

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: leaving it normally releases it (its work waits for the enclosing commit),
        an exception rolls its work back and propagates. Callbacks queued inside a rolled-back savepoint
        are dropped, except `after_rollback` ones, which run at once: their work is undone now."""
        conn = self._ensure_transaction(write=False)
        marks = len(self.before_commit), len(self.after_commit), len(self.after_rollback)
        series_blocks = dict(self.series_blocks)  # the counters roll back with the savepoint: so do these
        nested = conn.begin_nested()
        try:
            yield
        except BaseException:
            if nested.is_active:
                try:
                    nested.rollback()
                except DBAPIError:
                    pass  # the server already ended the whole transaction (a deadlock): the unit rolls back
            self._forget_singles()  # a Single written inside may have been cached
            self._rows.clear()
            self.series_blocks = series_blocks
            self.before_commit.discard_since(marks[0])
            self.after_commit.discard_since(marks[1])
            self.after_rollback.run_since(marks[2])
            raise
        if nested.is_active:
            nested.commit()

    def close(self) -> None:
        try:
            if self._conn is not None:
                if self._conn.in_transaction():
                    self._conn.rollback()
                self._conn.close()
                self._conn = None
        finally:
            self._end_write_turn()

    def _take_write_turn(self) -> None:
        """Queue behind this process's other SQLite writers before `BEGIN IMMEDIATE` (smooth.db.writer_lock)."""
        if self._writer is not None and not self._holds_writer:
            self._holds_writer = self._writer.acquire()

    def _end_write_turn(self) -> None:
        if self._holds_writer and self._writer is not None:
            self._holds_writer = False
            self._writer.release()

    # -- tables and filters ---------------------------------------------------------------

    def _filters(self, meta: Meta, filters: Any) -> list[filter_rules.Filter]:
        """Normalised filters; a datetime given with a UTC offset compares in its column's zone."""
        return [_wall_clock(f, fieldtypes.column_zone(meta.get_field(f.field), self.site.time_zone))
                for f in filter_rules.normalize(meta, filters)]

    def table(self, doctype: str) -> Table:
        return self.site.table(doctype)

    # -- reads ----------------------------------------------------------------------------

    def remember_rows(self, doctype: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Whole rows (every column) just read: a later `get_value` by name in this transaction answers from
        them instead of asking again, until the transaction ends or anything is written."""
        shared = doctype in self.site.cached_doctypes and self._may_use_cache()
        volatile = VOLATILE_COLUMNS.get(doctype, frozenset())
        for row in rows:
            self._rows[(doctype, str(row["name"]))] = kept = dict(row)
            if shared:
                if volatile:
                    kept = {column: value for column, value in kept.items() if column not in volatile}
                self.site.cache.put(self._generation or "", ("row", doctype, str(row["name"])), kept)

    def remembered_row(self, doctype: str, name: str) -> dict[str, Any] | None:
        row = self._remembered(doctype, name)
        return None if row is None else dict(row)

    def _remembered(self, doctype: str, name: str) -> dict[str, Any] | None:
        """A whole row read this transaction, or (a cached doctype: User, Role, ...) kept by the site cache."""
        row = self._rows.get((doctype, name))
        if row is None and doctype in self.site.cached_doctypes and self._may_use_cache():
            kept = self.site.cache.peek(self._generation or "", ("row", doctype, name))
            if kept is not MISSING:
                row = self._rows[(doctype, name)] = kept
        return row

    def get_all(
        self,
        doctype: str,
        *,
        fields: Sequence[str] | str | None = None,
        filters: Any = None,
        or_filters: Any = None,
        extra_filters: Sequence[filter_rules.Filter] = (),
        extra_or_filters: Sequence[filter_rules.Filter] = (),
        order_by: str | None = None,
        group_by: str | None = None,
        limit_start: int = 0,
        limit_page_length: int | None = None,
        distinct: bool = False,
        pluck: str | None = None,
        as_list: bool = False,
        for_update: bool = False,
        skip_locked: bool = False,
    ) -> list[Any]:
        """Rows without permission checks; `smooth.get_list` is the permission-checked door. With `for_update`
        and `skip_locked` (MariaDB), rows another transaction holds locked are left out rather than waited for."""
        meta = self.site.get_meta(doctype)
        table = self.table(doctype)
        if pluck:
            fields = [pluck]
        normalized = self._filters(meta, filters) + list(extra_filters)
        normalized_or = self._filters(meta, or_filters)
        params: dict[str, Any] | None = None
        if extra_or_filters and not for_update and query.union_branches(table, extra_or_filters):
            stmt, params = query.union_select(
                meta, table, branches=list(extra_or_filters), fields=fields, filters=normalized,
                or_filters=normalized_or, order_by=order_by, group_by=group_by, limit=limit_page_length or None,
                offset=limit_start or 0, distinct=distinct)
        else:
            stmt, params = query.prepared_select(
                meta, table, fields=fields, filters=normalized, or_filters=normalized_or, order_by=order_by,
                group_by=group_by, limit=limit_page_length or None, offset=limit_start or 0, distinct=distinct,
                for_update=for_update, skip_locked=skip_locked,
            )
            if extra_or_filters:
                stmt = stmt.where(_required(query.where(table, [], list(extra_or_filters))))
        result = self.execute(stmt, params, write=for_update)
        if pluck:
            return [row[0] for row in result]
        if as_list:
            return [tuple(row) for row in result]
        keys = list(result.keys())
        return [dict(zip(keys, row, strict=True)) for row in result]

    def get_value(
        self,
        doctype: str,
        filters: Any = None,
        fieldname: str | Sequence[str] = "name",
        *,
        as_dict: bool = False,
        order_by: str | None = None,
        for_update: bool = False,
        skip_locked: bool = False,
    ) -> Any:
        """First matching row's field(s)."""
        if self.site.get_meta(doctype).issingle:
            raise ValidationError(_("{0} is a Single doctype: use get_singles_dict", doctype))
        if filters is None:
            filters = {}
        if isinstance(filters, str):
            filters = {"name": filters}
        fields = [fieldname] if isinstance(fieldname, str) else list(fieldname)
        row = None if for_update else self._remembered_fields(doctype, filters, fields)
        if row is None:
            rows = self.get_all(doctype, fields=fields, filters=filters, order_by=order_by, limit_page_length=1,
                                for_update=for_update, skip_locked=skip_locked)
            if not rows:
                return None
            row = rows[0]
        if as_dict:
            return row
        if isinstance(fieldname, str) and fieldname != "*":
            return next(iter(row.values()))
        return tuple(row.values())

    def _remembered_fields(self, doctype: str, filters: Any, fields: list[str]) -> dict[str, Any] | None:
        """`fields` of the row named by `filters` when a whole row of it was read this transaction."""
        if not isinstance(filters, Mapping) or len(filters) != 1:
            return None
        name = filters.get("name")
        row = self._remembered(doctype, name) if isinstance(name, str) else None
        if row is None or not all(isinstance(f, str) and f in row for f in fields):
            return None
        return {f: row[f] for f in fields}

    def exists(self, doctype: str | Mapping[str, Any], filters: Any = None) -> str | None:
        if isinstance(doctype, Mapping):  # Frappe's exists({"doctype": ..., field: value})
            filters = dict(doctype)
            doctype = filters.pop("doctype")
        if isinstance(filters, Mapping) and "doctype" in filters:
            filters = {k: v for k, v in filters.items() if k != "doctype"}
        if filters is None:
            return None
        name = str(doctype)
        if self.site.get_meta(name).issingle:
            return name
        return self.get_value(name, filters, "name", order_by="")

    def count(self, doctype: str, filters: Any = None, *, or_filters: Any = None,
              extra_filters: Sequence[filter_rules.Filter] = (),
              extra_or_filters: Sequence[filter_rules.Filter] = (), at_most: int | None = None) -> int:
        """How many rows match; with `at_most`, counting stops there (a list's exact count up to a threshold)."""
        stmt, params = self._count_select(doctype, filters, or_filters, extra_filters, extra_or_filters, at_most)
        return int(self.execute(stmt, params).scalar_one())

    def estimate_count(self, doctype: str, filters: Any = None, *, or_filters: Any = None,
                       extra_filters: Sequence[filter_rules.Filter] = (),
                       extra_or_filters: Sequence[filter_rules.Filter] = ()) -> int | None:
        """The optimizer's estimate of how many rows match (MariaDB's EXPLAIN: rows x filtered of each read of
        the table), without counting them; None where the database gives no estimate (SQLite)."""
        if self.is_sqlite:
            return None
        stmt = self._count_select(doctype, filters, or_filters, extra_filters, extra_or_filters, None, prepare=False)[0]
        compiled = stmt.compile(dialect=self.engine.dialect, compile_kwargs={"render_postcompile": True})
        conn = self._ensure_transaction(False)
        result = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
        keys = list(result.keys())
        table = self.table(doctype).name
        total = 0.0
        for row in result:
            plan = dict(zip(keys, row, strict=True))
            if plan.get("table") == table and plan.get("rows") is not None:
                total += float(plan["rows"]) * float(plan.get("filtered") or 100) / 100
        return round(total)

    def _count_select(self, doctype: str, filters: Any, or_filters: Any,
                      extra_filters: Sequence[filter_rules.Filter], extra_or_filters: Sequence[filter_rules.Filter],
                      at_most: int | None, *, prepare: bool = True) -> tuple[Select[Any], dict[str, Any] | None]:
        meta = self.site.get_meta(doctype)
        return query.count_select(self.table(doctype), filters=self._filters(meta, filters) + list(extra_filters),
                                  or_filters=self._filters(meta, or_filters), extra_or_filters=extra_or_filters,
                                  at_most=at_most, prepare=prepare)

    # -- writes ---------------------------------------------------------------------------

    def set_value(self, doctype: str, name: str | Mapping[str, Any] | Sequence[Sequence[Any]],
                  values: Mapping[str, Any], *,
                  modified: Any = None, modified_by: str | None = None) -> int:
        """Write columns directly (no validation, hooks or versions); stamps `modified` when given.

        Returns how many rows matched, so set-based jobs can report what they changed."""
        meta = self.site.get_meta(doctype)
        if meta.issingle:
            raise ValidationError(_("{0} is a Single doctype: use set_single_value", doctype))
        values = dict(values)
        for key in values:
            if key not in meta.column_set:
                raise DoesNotExistError(_("Field {0} does not exist on {1}", repr(key), _(doctype)))
        if modified is not None:
            values["modified"] = modified
            values["modified_by"] = modified_by
        table = self.table(doctype)
        filters = {"name": name} if isinstance(name, str) else name
        clause = query.where(table, self._filters(meta, filters))
        stmt = update(table).values(**values)
        if clause is not None:
            stmt = stmt.where(clause)
        cache_written = self._cache_written
        result: Any = self.execute(stmt, write=True)
        if values.keys() <= VOLATILE_COLUMNS.get(doctype, frozenset()):
            self._cache_written = cache_written  # cached rows never hold these columns
        return int(result.rowcount)

    def write_now(self, statement: Any, params: Any = None) -> None:
        """Commit `statement` at once, on a connection of its own: what it records (a session touched, a
        document opened) outlives the unit, even a read-only or failing one, and the unit never commits
        early. A unit already holding SQLite's write lock (a write request) takes the write into its own
        transaction instead: a second connection would wait for that lock until the request ends."""
        if self._write_locked and self.is_sqlite:
            self.execute(statement, params, write=True)
            return
        with self.engine.begin() as connection:
            connection.execute(statement, params)

    def insert_row(self, table: Table, row: Mapping[str, Any]) -> None:
        self.insert_rows(table, (row,))

    def insert_rows(self, table: Table, rows: Iterable[Mapping[str, Any]], *, ignore_duplicates: bool = False) -> None:
        """One executemany (a multi-row INSERT on MariaDB) of rows with the first one's columns, through a
        statement prepared once (`smooth.db.prepared`); `ignore_duplicates` skips rows a unique key refuses."""
        rows = rows if isinstance(rows, list | tuple) else list(rows)
        if not rows:
            return
        conn = self._ensure_transaction(True)
        prepared = prepared_insert(table, conn.dialect, list(rows[0]), ignore_duplicates=ignore_duplicates)
        if prepared is None:
            statement = insert_statement(table, ignore_duplicates=ignore_duplicates)
            self.execute(statement, [dict(r) for r in rows], write=True)
            return
        self._table_written(table.name)
        parameters = prepared.parameters
        try:
            conn.exec_driver_sql(prepared.sql, parameters(rows[0]) if len(rows) == 1 else [parameters(r) for r in rows])
        except DBAPIError as exc:
            _raise_lock_error(exc)
            raise

    def delete(self, doctype: str, filters: Any) -> int:
        meta = self.site.get_meta(doctype)
        table = self.table(doctype)
        clause = query.where(table, self._filters(meta, filters))
        stmt = delete(table)
        if clause is not None:
            stmt = stmt.where(clause)
        result: Any = self.execute(stmt, write=True)
        return int(result.rowcount)

    # -- singles --------------------------------------------------------------------------

    def get_singles_dict(self, doctype: str) -> dict[str, Any]:
        """A Single's stored text values. Every Single (a few settings records) is read at once and kept by
        the site cache, so the settings a request consults cost no query until one of them is saved."""
        singles = self.table("Singles")
        if not self._singles_read:
            self._singles = dict(self.cached(("singles",), self._all_singles))
            self._singles_read = True
        cached = self._singles.get(doctype)
        if cached is None and doctype in self._singles_dropped:
            rows = self.execute(select(singles.c.field, singles.c.value).where(singles.c.doctype == doctype))
            cached = self._singles[doctype] = {str(row.field): row.value for row in rows}
            self._singles_dropped.discard(doctype)
        return dict(cached or {})

    def _all_singles(self) -> dict[str, dict[str, Any]]:
        singles = self.table("Singles")
        found: dict[str, dict[str, Any]] = {}
        for row in self.execute(select(singles.c.doctype, singles.c.field, singles.c.value)):
            found.setdefault(str(row.doctype), {})[str(row.field)] = row.value
        return found

    def _forget_singles(self) -> None:
        self._singles.clear()
        self._singles_read = False
        self._singles_dropped.clear()

    def set_single_value(self, doctype: str, fieldname: str, text: str | None) -> None:
        """Store one field of a Single as text (None removes it)."""
        self._singles.pop(doctype, None)
        self._singles_dropped.add(doctype)
        singles = self.table("Singles")
        self.execute(delete(singles).where((singles.c.doctype == doctype) & (singles.c.field == fieldname)),
                     write=True)
        if text is not None:
            self.execute(insert(singles).values(doctype=doctype, field=fieldname, value=text), write=True)


def _wall_clock(condition: filter_rules.Filter, zone: str) -> filter_rules.Filter:
    def local(value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
        return value

    value = condition.value
    converted = tuple(local(v) for v in value) if isinstance(value, tuple) else local(value)
    return condition if converted == value else dataclasses.replace(condition, value=converted)


def _required(clause: ColumnElement[bool] | None) -> ColumnElement[bool]:
    """A WHERE clause built from a non-empty filter list (never None there)."""
    if clause is None:
        raise ValueError("a filter list that should have produced a condition produced none")
    return clause


def _raise_lock_error(exc: DBAPIError) -> None:
    """A statement stopped by a lock raises its QueryLockError: a deadlock (the whole transaction was rolled
    back: run it again), a lock wait that timed out or a busy SQLite file (retry). Any other error returns, for
    the caller to re-raise as it was."""
    orig = getattr(exc, "orig", None)
    code = orig.args[0] if orig is not None and getattr(orig, "args", None) else None
    text = str(orig or exc).lower()
    if code == DEADLOCK:
        raise QueryDeadlockError(_("This change and another one waited for each other's records, and the database "
                                   "stopped this one; please retry")) from exc
    if code == LOCK_WAIT_TIMEOUT or "database is locked" in text or "database is busy" in text:
        raise QueryLockError(_("The database is busy with another change to the same records; please retry")) \
            from exc
