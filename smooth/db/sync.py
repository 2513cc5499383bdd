"""Schema sync: make the live database match the tables metadata describes.

Alembic's autogenerate comparison finds the differences and Alembic Operations applies
them (SQLite's weak ALTER goes through batch mode, which recreates the table). We never
drop a table, and we drop a column only when asked to: a field removed from a JSON file
keeps its data until the administrator says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from alembic.autogenerate import produce_migrations
from alembic.migration import MigrationContext
from alembic.operations import Operations, ops
from sqlalchemy import MetaData, String, column, table, update
from sqlalchemy.engine import Connection, Engine

MANAGED_INDEX_PREFIXES = ("ix_", "ux_")


@dataclass
class SchemaPlan:
    operations: list[Any] = field(default_factory=list)  # alembic ops to apply, top-level
    changes: list[str] = field(default_factory=list)  # one readable line per change
    kept_columns: list[str] = field(default_factory=list)  # removed from metadata, still holding data

    def __bool__(self) -> bool:
        return bool(self.operations)


def _include_name(tables: Collection[str]) -> Callable[..., bool]:
    def include(name: str | None, type_: str, parent_names: Any) -> bool:
        return type_ != "table" or name in tables  # a table left out is not even reflected

    return include


def _include_object(tables: Collection[str]) -> Callable[..., bool]:
    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table":
            return name in tables  # tables we do not know are never touched
        if type_ == "index" and reflected and compare_to is None:
            return bool(name) and str(name).startswith(MANAGED_INDEX_PREFIXES)
        return True

    return include


def plan(connection: Connection, metadata: MetaData, *, drop_removed_columns: bool = False,
         tables: Collection[str] | None = None) -> SchemaPlan:
    """What to change so the database matches `metadata`; only `tables` of it are compared when given."""
    compared = set(metadata.tables) if tables is None else set(tables) & set(metadata.tables)
    context = MigrationContext.configure(connection, opts={
        "compare_type": True,
        "compare_server_default": False,
        "include_name": _include_name(compared),
        "include_object": _include_object(compared),
    })
    script = produce_migrations(context, metadata)
    result = SchemaPlan()
    for op in script.upgrade_ops.ops if script.upgrade_ops is not None else []:
        if isinstance(op, ops.ModifyTableOps):
            kept = []
            for sub in op.ops:
                if isinstance(sub, ops.DropColumnOp) and not drop_removed_columns:
                    result.kept_columns.append(f"{op.table_name}.{sub.column_name}")
                    continue
                kept.append(sub)
                result.changes.append(describe(sub, op.table_name))
            if kept:
                op.ops = kept
                result.operations.append(op)
        elif isinstance(op, ops.DropTableOp):
            continue
        else:
            result.operations.append(op)
            result.changes.append(describe(op, getattr(op, "table_name", "")))
    return result


def describe(op: Any, table: str) -> str:
    if isinstance(op, ops.CreateTableOp):
        return f"create table {op.table_name}"
    if isinstance(op, ops.AddColumnOp):
        return f"add column {table}.{op.column.name} {op.column.type}"
    if isinstance(op, ops.DropColumnOp):
        return f"drop column {table}.{op.column_name}"
    if isinstance(op, ops.AlterColumnOp):
        detail = []
        if op.modify_type is not None:
            detail.append(f"type {op.existing_type} -> {op.modify_type}")
        if op.modify_nullable is not None:
            detail.append("nullable" if op.modify_nullable else "not null")
        return f"alter column {table}.{op.column_name} ({', '.join(detail) or 'change'})"
    if isinstance(op, ops.CreateIndexOp):
        return f"create {'unique ' if op.unique else ''}index {op.index_name} on {op.table_name}"
    if isinstance(op, ops.DropIndexOp):
        return f"drop index {op.index_name} on {op.table_name}"
    return f"{type(op).__name__} on {table}"


def apply(connection: Connection, schema_plan: SchemaPlan) -> None:
    context = MigrationContext.configure(connection)
    operations = Operations(context)
    sqlite = connection.dialect.name == "sqlite"
    for op in schema_plan.operations:
        if isinstance(op, ops.ModifyTableOps):
            _blank_text_to_null(connection, op)
            needs_batch = sqlite and any(isinstance(s, ops.AlterColumnOp) for s in op.ops)
            if needs_batch:
                with operations.batch_alter_table(op.table_name, schema=op.schema, recreate="auto") as batch:
                    for sub in op.ops:
                        batch.invoke(sub)
            else:
                for sub in op.ops:
                    operations.invoke(sub)
        else:
            operations.invoke(op)


def _blank_text_to_null(connection: Connection, op: ops.ModifyTableOps) -> None:
    """A text column turning into a number or a date (a Data field made Float, Rating once stored as
    text) holds "" for "no value": NULL, before MariaDB's strict ALTER refuses it (SQLite would make it 0)."""
    for sub in op.ops:
        if not isinstance(sub, ops.AlterColumnOp) or sub.modify_type is None or sub.existing_type is None:
            continue
        before, after = sub.existing_type, getattr(sub.modify_type, "impl", sub.modify_type)
        if isinstance(before, String) and not isinstance(after, String):
            target = table(op.table_name, column(sub.column_name))
            connection.execute(update(target).where(target.c[sub.column_name] == "").values({sub.column_name: None}))


def sync(engine: Engine, metadata: MetaData, *, drop_removed_columns: bool = False,
         tables: Collection[str] | None = None) -> SchemaPlan:
    with engine.begin() as connection:
        schema_plan = plan(connection, metadata, drop_removed_columns=drop_removed_columns, tables=tables)
        if schema_plan:
            apply(connection, schema_plan)
    return schema_plan


def pending(engine: Engine, metadata: MetaData) -> SchemaPlan:
    with engine.connect() as connection:
        return plan(connection, metadata)
