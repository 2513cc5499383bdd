"""`bench migrate`: patches, schema sync, fixtures; `--check` only reports."""

from __future__ import annotations

import click

from smooth.cli.bench import Bench, pass_bench
from smooth.migrate import check, migrate


@click.command("migrate")
@click.option("--check", "only_check", is_flag=True,
              help="Only report differences (every table is compared); exit 1 if there are any.")
@click.option("--drop-removed-columns", is_flag=True, help="Drop columns of fields removed from metadata.")
@click.option("--compare-all", is_flag=True,
              help="Compare every table with the database, not only those whose doctype changed since the last "
                   "migrate (repairs a schema changed by hand).")
@pass_bench
def migrate_command(bench: Bench, only_check: bool, drop_removed_columns: bool, compare_all: bool) -> None:
    """Run patches, sync the schema to the doctype JSON files, sync fixtures."""
    if only_check:
        with bench.unit(commit=False):
            plan = check()
        for change in plan.changes:
            click.echo(f"pending: {change}")
        for column in plan.kept_columns:
            click.echo(f"removed from metadata, still in the database: {column}")
        if plan.changes:
            raise click.exceptions.Exit(1)
        click.echo(f"{bench.site}: database and metadata agree")
        return
    with bench.context():  # each migrate step is a unit of its own
        report = migrate(drop_removed_columns=drop_removed_columns, compare_all=compare_all, echo=click.echo)
    click.echo(f"Migrated {bench.site}: {len(report.patches_run)} patches, {len(report.schema_changes)} schema "
               f"changes, fixtures {report.fixtures}")
