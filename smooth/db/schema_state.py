"""Which tables' definitions changed since the schema was last synced, so a no-op migrate compares none.

Alembic's comparison reflects every table of the live database (most of a no-op `bench migrate`).
After a sync, the fingerprint of each compared table's definition (columns, types, keys, indexes,
as built from the doctype JSON) is stored in `__Schema State`, in the database itself, so a
restored backup carries the state of its own schema. The next migrate compares only tables whose
fingerprint differs or is missing. A table changed by hand outside Smooth is not seen this way:
`bench migrate --check` and `bench migrate --compare-all` always compare every table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection

from sqlalchemy import MetaData, Table, select
from sqlalchemy.engine import Connection

from smooth.db.schema import SCHEMA_STATE


def fingerprint(table: Table) -> str:
    columns = [[c.name, repr(c.type), c.nullable, c.primary_key,
                None if c.server_default is None else str(getattr(c.server_default, "arg", c.server_default))]
               for c in table.columns]
    indexes = sorted([str(i.name), bool(i.unique), [c.name for c in i.columns]] for i in table.indexes)
    return hashlib.sha256(json.dumps([table.name, columns, indexes]).encode()).hexdigest()


def stale_tables(connection: Connection, metadata: MetaData) -> set[str]:
    """The tables of `metadata` whose definition is not the one recorded at the last sync."""
    state = metadata.tables[SCHEMA_STATE]
    rows = connection.execute(select(state.c.table_name, state.c.fingerprint))
    recorded = {row.table_name: row.fingerprint for row in rows}
    return {name for name, table in metadata.tables.items() if recorded.get(name) != fingerprint(table)}


def record(connection: Connection, metadata: MetaData, tables: Collection[str]) -> None:
    """Remember `tables` as synced to their current definition."""
    state = metadata.tables[SCHEMA_STATE]
    names = sorted(tables)
    if not names:
        return
    connection.execute(state.delete().where(state.c.table_name.in_(names)))
    connection.execute(state.insert(), [{"table_name": name, "fingerprint": fingerprint(metadata.tables[name])}
                                        for name in names])
