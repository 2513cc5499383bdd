"""`bench --site SITE migrate-from-frappe-lms URL --api-key K --api-secret S`."""

from __future__ import annotations

from typing import Any

import click

import smooth
from smooth_lms.frappe_migration.run import PAGE_LENGTH, migrate


class Bars:
    """One progress bar per source doctype on the terminal (a count where the source gives no total)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.label, self.read = "", 0

    def begin(self, doctype: str, total: int | None, done: int) -> None:
        self.label, self.read = f"{doctype:<28}", done
        if total is not None:
            self.bar = click.progressbar(length=max(total, done, 1), label=self.label, show_pos=True)
            self.bar.update(done)
            self.bar.render_progress()

    def advance(self, count: int) -> None:
        self.read += count
        if self.bar:
            self.bar.update(count)

    def end(self) -> None:
        if self.bar:
            self.bar.render_finish()
        else:
            click.echo(f"{self.label}  {self.read} read")
        self.bar = None


@click.command("migrate-from-frappe-lms")
@click.argument("url")
@click.option("--api-key", required=True, envvar="FRAPPE_LMS_API_KEY",
              help="API key of a System Manager on the Frappe LMS site (or $FRAPPE_LMS_API_KEY).")
@click.option("--api-secret", required=True, envvar="FRAPPE_LMS_API_SECRET",
              help="Its API secret (or $FRAPPE_LMS_API_SECRET, kept out of the process list).")
@click.option("--page-length", type=click.IntRange(1, 1000), default=PAGE_LENGTH, show_default=True,
              help="Records read per request (and committed per unit of work).")
def migrate_from_frappe_lms(url: str, api_key: str, api_secret: str, page_length: int) -> None:
    """Copy a running Frappe LMS site's users, courses, cohorts and certification history onto this site.

    Resumable (an interrupted run continues where it stopped) and idempotent (a re-run creates
    nothing twice). The report is printed and kept on the LMS Migration Run.
    """
    source = smooth.frappe_client.FrappeSite(url, api_key, api_secret)
    report = migrate(source, page_length=page_length, progress=Bars())
    click.echo(report.text())
