"""Checks: lint the apps' metadata, diagnose a site's configuration."""

from __future__ import annotations

import click

from smooth.cli.bench import Bench, pass_bench
from smooth.doctor import diagnose, has_errors, line
from smooth.lint import lint_apps
from smooth.site import current_site


@click.command("check")
@pass_bench
def check_command(bench: Bench) -> None:
    """Lint every doctype JSON, hooks.py and patches.txt; exit 1 on any error."""
    issues = lint_apps(bench.sites_path, bench._site or current_site(bench.sites_path))
    for issue in issues:
        click.echo(f"{issue.level.upper():7} {issue}")
    errors = sum(1 for i in issues if i.level == "error")
    click.echo(f"{errors} error(s), {len(issues) - errors} warning(s)")
    if errors:
        raise click.exceptions.Exit(1)


@click.command("doctor")
@pass_bench
def doctor(bench: Bench) -> None:
    """Show what the site is configured with and whether each part is reachable (exit 1 on errors, not warnings)."""
    checks = diagnose(bench.site, bench.sites_path)
    for finding in checks:
        click.echo(line(finding))
    if has_errors(checks):
        raise click.exceptions.Exit(1)
