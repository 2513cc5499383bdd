"""`bench migrate` and site installation.

migrate: before_migrate hooks -> [pre_model_sync] patches -> schema sync of the doctypes whose
table definition changed since the last sync (every doctype with `compare_all`) -> [post_model_sync]
patches -> `finally:` patches -> fixtures -> after_migrate hooks.

Alembic (smooth.db.sync) is imported only when a table is to be compared: a migrate with nothing
to do never loads it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import MetaData, inspect

import smooth.patches as patches
from smooth.apps import App
from smooth.context import db, local, unit_of_work
from smooth.db import schema_state
from smooth.db.schema import build_internal_tables, build_table
from smooth.fixtures import sync_fixtures

if TYPE_CHECKING:
    from smooth.db.sync import SchemaPlan

Echo = Callable[[str], None]


@dataclass
class MigrateReport:
    patches_run: list[str] = field(default_factory=list)
    schema_changes: list[str] = field(default_factory=list)
    kept_columns: list[str] = field(default_factory=list)
    fixtures: dict[str, int] = field(default_factory=dict)


def _bootstrap_tables() -> list[str]:
    """Patch Log and the framework tables must exist before pre-model-sync patches can be recorded."""
    site = local().site
    metadata = MetaData()
    build_internal_tables(metadata)
    build_table(site.get_meta("Patch Log"), metadata)
    existing = set(inspect(site.engine).get_table_names())
    missing = [t for name, t in metadata.tables.items() if name not in existing]
    if missing:
        metadata.create_all(site.engine, tables=missing)
    return [f"create table {table.name}" for table in missing]


def migrate(*, drop_removed_columns: bool = False, compare_all: bool = False, echo: Echo = print,
            then: Callable[[], None] | None = None) -> MigrateReport:
    """Run on a bound site; each step is its own unit of work, so a failure keeps what came before.

    `compare_all` compares every table with the database, not only those whose definition changed
    since the last sync: it repairs a schema changed by hand (dropping a removed column implies it).
    `then` runs in the last unit, with the fixtures: an install's records commit together or not at all.
    """
    site = local().site
    site.refresh_metadata()
    report = MigrateReport()
    with unit_of_work():
        for hook in site.hooks.lists["before_migrate"]:
            hook()
    report.schema_changes = _bootstrap_tables()
    for change in report.schema_changes:
        echo(f"  {change}")
    _run_patches(patches.PRE, report, echo)
    db().close()  # DDL runs on its own connection; ours must not hold locks meanwhile
    with site.engine.connect() as connection:
        stale = schema_state.stale_tables(connection, site.metadata)
    if compare_all or drop_removed_columns:
        stale = set(site.metadata.tables)
    echo(f"Syncing schema of {len(site.registry.metas)} doctypes ({len(stale)} tables to compare) ...")
    schema = _sync_schema(stale, drop_removed_columns)
    changes = schema.changes if schema is not None else []
    report.schema_changes += changes
    report.kept_columns = schema.kept_columns if schema is not None else []
    for change in changes:
        echo(f"  {change}")
    if not report.schema_changes:
        echo("  schema is up to date: no DDL issued")
    for column in report.kept_columns:
        echo(f"  kept column {column} (no longer in metadata; pass --drop-removed-columns to drop it)")
    _run_patches(patches.POST, report, echo)
    _run_patches(patches.FINAL, report, echo)

    def fixtures(customizations: bool) -> dict[str, int]:
        return sync_fixtures(site.apps, progress=lambda path: echo(f"Syncing fixtures {path}"),
                             notice=lambda text: echo(f"  {text}"), customizations=customizations)

    with unit_of_work():  # Custom Fields first: their columns exist once this unit commits
        counts = [fixtures(True)]
    with unit_of_work():  # the other records and the hooks: one unit, so a failed install leaves none of them
        counts.append(fixtures(False))
        report.fixtures = {key: sum(c[key] for c in counts) for key in counts[0]}
        for hook in site.hooks.lists["after_migrate"]:
            hook()
        if then is not None:
            then()
    site.cache.bump()  # tables may have changed under rows other processes keep (smooth.site_cache)
    return report


def sync_tables(tables: set[str]) -> list[str]:
    """Bring `tables` to the loaded metadata now (a Custom Field saved in the desk), never dropping a column.

    Runs outside any transaction of ours (after the commit), so DDL never waits on a lock this unit holds."""
    db().close()
    schema = _sync_schema(tables & set(local().site.metadata.tables), drop_removed_columns=False)
    return schema.changes if schema is not None else []


def _sync_schema(tables: set[str], drop_removed_columns: bool) -> SchemaPlan | None:
    """Compare `tables` with the database, change what differs, then record them as synced (None: nothing to do)."""
    if not tables:
        return None
    from smooth.db import sync  # Alembic: heavy, and needed only when a table definition changed

    site = local().site
    schema = sync.sync(site.engine, site.metadata, drop_removed_columns=drop_removed_columns, tables=tables)
    with site.engine.begin() as connection:
        schema_state.record(connection, site.metadata, tables)
    return schema


def _run_patches(section: str, report: MigrateReport, echo: Echo) -> None:
    if local().flags.in_install:
        return  # a new site starts at the latest schema and data: install marks every patch done instead
    done = patches.executed()
    todo = [p for p in patches.all_patches(local().site.apps, section) if p.line not in done]
    for position, patch in enumerate(todo, start=1):
        echo(f"Running {section} patch {position}/{len(todo)}: {patch.line}")
        patches.run_patch(patch)
        report.patches_run.append(patch.line)


def check() -> SchemaPlan:
    """Differences between the database and the metadata (every table), without changing anything."""
    from smooth.db import sync  # Alembic, as in _sync_schema

    site = local().site
    site.refresh_metadata()
    return sync.pending(site.engine, site.metadata)


def mark_all_patches_done(apps: Sequence[App] | None = None) -> None:
    """A fresh site (or an app just installed: `apps`) already has the latest schema and data: its patches must
    never run."""
    done = patches.executed()
    site = local().site
    for section in (patches.PRE, patches.POST, patches.FINAL):
        for patch in patches.all_patches(site.apps if apps is None else list(apps), section):
            if patch.line not in done:
                patches.record(patch)
