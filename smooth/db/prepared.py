"""INSERTs compiled once per table and column list, then run as the driver's own statement.

`connection.execute(insert(table), row)` looks the statement up in SQLAlchemy's compiled cache and
turns the row into parameters on every call: on SQLite that costs about as much as the INSERT itself.
A document insert always writes the same columns of its table, so the SQL text and each column's
bind processor (SQLite keeps dates as text, written here by `isoformat` in the same form) are worked
out once and the row goes to the driver as a tuple of bound parameters. Events, error translation and
the transaction are SQLAlchemy's as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert, Table, insert
from sqlalchemy.engine import Dialect

from smooth.exceptions import ValidationError
from smooth.i18n.deferred import _

_KEY = "smooth.prepared_inserts"  # in `Table.info`: the statements die with the table (a metadata reload)


@dataclass(frozen=True, slots=True)
class PreparedInsert:
    sql: str
    columns: tuple[str, ...]
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (position, bind processor) of the columns with one

    def parameters(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """`row`'s values in the statement's order, as the driver takes them (a missing column is NULL)."""
        get = row.get
        values = [get(c) for c in self.columns]
        for position, process in self.processors:
            values[position] = process(values[position])
        return tuple(values)


def prepared_insert(table: Table, dialect: Dialect, columns: Sequence[str], *,
                    ignore_duplicates: bool = False) -> PreparedInsert | None:
    """The INSERT of `columns` into `table` (`ignore_duplicates`: rows a unique key refuses are skipped);
    None for a driver that takes named parameters (then the caller runs the Core statement)."""
    key = (dialect.name, tuple(columns), ignore_duplicates)
    known: dict[Any, PreparedInsert | None] = table.info.setdefault(_KEY, {})
    if key not in known:
        known[key] = _prepare(table, dialect, key[1], ignore_duplicates)
    return known[key]


def insert_statement(table: Table, *, ignore_duplicates: bool = False) -> Insert:
    """The Core INSERT into `table`, skipping rows a unique key refuses when `ignore_duplicates`."""
    statement = insert(table)
    if ignore_duplicates:
        statement = (statement.prefix_with("OR IGNORE", dialect="sqlite")
                     .prefix_with("IGNORE", dialect="mariadb").prefix_with("IGNORE", dialect="mysql"))
    return statement


def _prepare(table: Table, dialect: Dialect, columns: tuple[str, ...],
             ignore_duplicates: bool) -> PreparedInsert | None:
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise ValidationError(_("{0} has no column {1}", table.name, ", ".join(map(repr, unknown))))
    statement = insert_statement(table, ignore_duplicates=ignore_duplicates)
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))
    order = tuple(compiled.positiontup or ())
    if not compiled.positional or sorted(order) != sorted(columns):
        return None
    processors = ((i, _bind_processor(table.c[name].type.dialect_impl(dialect), dialect))
                  for i, name in enumerate(order))
    return PreparedInsert(str(compiled), order, tuple((i, p) for i, p in processors if p is not None))


def _iso_datetime(value: dt.datetime) -> str:
    return value.isoformat(" ", "microseconds")


def _iso_time(value: dt.time) -> str:
    return value.isoformat("microseconds")


# SQLite keeps dates and times as text in SQLAlchemy's default formats, which `isoformat` writes alike (naive
# values) in a third of the time of SQLAlchemy's `%` formatting: three of them on every document row
_ISO: dict[str, tuple[type, Callable[[Any], str]]] = {
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d":
        (dt.datetime, _iso_datetime),
    "%(year)04d-%(month)02d-%(day)02d": (dt.date, dt.date.isoformat),
    "%(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d": (dt.time, _iso_time),
}


def _bind_processor(impl: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column type's bind processor; for SQLite's date and time text, one that takes the `isoformat` path
    for exactly a naive date, datetime or time and leaves any other value to SQLAlchemy's."""
    process: Callable[[Any], Any] | None = impl.bind_processor(dialect)
    fast = _ISO.get(getattr(impl, "_storage_format", None) or "") if dialect.name == "sqlite" else None
    if process is None or fast is None:
        return process
    kind, write = fast

    def processed(value: Any) -> Any:
        if type(value) is kind and getattr(value, "tzinfo", None) is None:
            return write(value)
        return process(value)

    return processed
