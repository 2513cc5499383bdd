"""Shipped records: export them to the apps, put one back to its shipped version."""

from __future__ import annotations

import click

from smooth.cli.bench import Bench, pass_bench
from smooth.fixtures import export_fixtures as export
from smooth.fixtures import reset_fixture as reset_shipped


@click.command("export-fixtures")
@pass_bench
def export_fixtures(bench: Bench) -> None:
    """Write the records named by the apps' `fixtures` hook to their fixtures/ folders."""
    with bench.unit(commit=False):
        written = export(progress=lambda doctype, count: click.echo(f"Exporting {count} {doctype} records"))
    for path in written:
        click.echo(f"wrote {path}")


@click.command("reset-fixture")
@click.argument("doctype")
@click.argument("name")
@pass_bench
def reset_fixture(bench: Bench, doctype: str, name: str) -> None:
    """Put a shipped record (e.g. a Workflow) back to the version its app ships, dropping the site's edits."""
    with bench.unit() as bound:
        outcome = reset_shipped(bound.site.apps, doctype, name)
    click.echo(f"{doctype} {name}: {outcome}")
