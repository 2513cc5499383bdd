"""Metadata -> SQLAlchemy tables: `tab<DocType>` with Frappe's standard columns.

Every index gets an explicit, database-wide unique name (SQLite's index names are global),
so schema sync can diff and recreate them by name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Time,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from smooth.meta import fieldtypes
from smooth.meta.doctype import DocField, Meta, scrub

DATETIME = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
LONGTEXT = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb").with_variant(Text(collation="NOCASE"), "sqlite")


class FloatDecimal(TypeDecorator):
    """DECIMAL(21,9) read back as float on every backend.

    SQLite's NUMERIC affinity stores 5.0 as the integer 5, so without this a Float field
    would read as int on SQLite and as float on MariaDB.
    """

    impl = Numeric(21, 9, asdecimal=False)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> float | None:
        return None if value is None else float(value)


DECIMAL = FloatDecimal()
MAX_INDEX_NAME = 60
NAME_LENGTH = 140


def text(length: int) -> TypeEngine:
    """VARCHAR that compares like MariaDB's utf8mb4_unicode_ci: case-insensitively, SQLite included."""
    return String(length).with_variant(String(length, collation="NOCASE"), "sqlite")


def long_text() -> TypeEngine:
    return Text().with_variant(Text(collation="NOCASE"), "sqlite")


def column_type(field: DocField) -> TypeEngine:
    fieldtype = field.fieldtype
    if fieldtype in ("Int", "Check"):
        return Integer()
    if fieldtype == "Long Int":
        return BigInteger()
    if fieldtype in fieldtypes.DECIMAL:
        return DECIMAL
    if fieldtype == "Date":
        return Date()
    if fieldtype == "Time":
        return Time()
    if fieldtype == "Datetime":
        return DATETIME
    if fieldtype in ("Small Text", "Text"):
        return long_text()
    if fieldtype in fieldtypes.LONG_TEXT:
        return LONGTEXT
    return text(field.length or fieldtypes.DEFAULT_LENGTH)


def index_name(table: str, columns: Iterable[str], unique: bool = False) -> str:
    stem = ("ux_" if unique else "ix_") + scrub(table[3:] if table.startswith("tab") else table)
    name = f"{stem}__{'__'.join(columns)}"
    if len(name) <= MAX_INDEX_NAME:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:10]
    return f"{name[:MAX_INDEX_NAME - 11]}_{digest}"


def standard_columns(meta: Meta) -> list[Column]:
    columns = [
        Column("name", BigInteger() if meta.autoincrement else text(NAME_LENGTH), primary_key=True,
               autoincrement=False),
        Column("owner", text(NAME_LENGTH)),
        Column("creation", DATETIME),
        Column("modified", DATETIME),
        Column("modified_by", text(NAME_LENGTH)),
        Column("docstatus", Integer, nullable=False, server_default="0"),
        Column("idx", Integer, nullable=False, server_default="0"),
    ]
    if meta.istable:
        columns += [
            Column("parent", text(NAME_LENGTH)),
            Column("parenttype", text(NAME_LENGTH)),
            Column("parentfield", text(NAME_LENGTH)),
        ]
    return columns


def build_table(meta: Meta, metadata: MetaData) -> Table:
    table_name = meta.table_name
    columns = standard_columns(meta) + [
        Column(field.fieldname, column_type(field)) for field in meta.value_fields
    ]
    table = Table(table_name, metadata, *columns)
    wanted: dict[tuple[str, ...], bool] = {}
    if meta.istable:
        wanted[("parent",)] = False
    else:
        wanted[("modified",)] = False
    for field in meta.value_fields:
        if field.unique:
            wanted[(field.fieldname,)] = True
        elif field.search_index or field.fieldtype == "Link" or field.fieldname == meta.sort_field:
            wanted.setdefault((field.fieldname,), False)
    for spec in meta.indexes:
        key = tuple(spec["fields"])
        wanted[key] = wanted.get(key, False) or spec["unique"]
    for cols, unique in wanted.items():
        if all(c in table.c for c in cols) and not _is_long_text(meta, cols):
            Index(index_name(table_name, cols, unique), *(table.c[c] for c in cols), unique=unique)
    return table


def _is_long_text(meta: Meta, cols: tuple[str, ...]) -> bool:
    return any((f := meta.get_field(c)) is not None and f.fieldtype in fieldtypes.LONG_TEXT for c in cols)


SCHEMA_STATE = "__Schema State"  # smooth.db.schema_state: each table's definition as of the last schema sync


def build_internal_tables(metadata: MetaData) -> None:
    """Framework tables that are not doctypes."""
    Table(
        "tabSingles", metadata,
        Column("doctype", text(NAME_LENGTH), primary_key=True),
        Column("field", text(NAME_LENGTH), primary_key=True),
        Column("value", LONGTEXT),
    )
    Table(
        "tabSeries", metadata,
        Column("name", text(NAME_LENGTH), primary_key=True),
        Column("current", Integer, nullable=False, server_default="0"),
    )
    Table(
        "__Auth", metadata,
        Column("doctype", text(NAME_LENGTH), primary_key=True),
        Column("name", text(255), primary_key=True),
        Column("fieldname", text(NAME_LENGTH), primary_key=True),
        Column("password", Text, nullable=False),
        Column("encrypted", Integer, nullable=False, server_default="0"),
    )
    sessions = Table(  # login sessions when the site has no redis_url (smooth.auth.sessions)
        "__Sessions", metadata,
        Column("sid", String(64), primary_key=True),  # sha256 of the cookie value, never the value itself
        Column("user", text(NAME_LENGTH), nullable=False),
        Column("csrf_token", String(64), nullable=False),
        Column("ip", String(64)),
        Column("created", BigInteger, nullable=False),  # epoch milliseconds
        Column("last_seen", BigInteger, nullable=False),
    )
    Index("ix_sessions__user", sessions.c.user)
    Index("ix_sessions__last_seen", sessions.c.last_seen)
    Table(  # a user's second factor (smooth.auth.two_factor): TOTP secret (Fernet) and SHA-256s of recovery codes
        "__Two Factor", metadata,
        Column("user", text(NAME_LENGTH), primary_key=True),
        Column("secret", Text, nullable=False),
        Column("recovery_codes", Text, nullable=False),  # JSON list of unused codes' digests
        Column("enrolled", Integer, nullable=False, server_default="0"),
        Column("last_step", BigInteger, nullable=False, server_default="0"),  # newest TOTP step used: no replays
        Column("created", BigInteger, nullable=False),  # epoch milliseconds: enrolment start; binds remembered devices
    )
    Table(
        SCHEMA_STATE, metadata,
        Column("table_name", text(NAME_LENGTH), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
    )


def build_metadata(metas: Iterable[Meta]) -> MetaData:
    metadata = MetaData()
    build_internal_tables(metadata)
    for meta in metas:
        if not meta.issingle:
            build_table(meta, metadata)
    return metadata
