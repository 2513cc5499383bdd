"""Translation catalogs: extract the marked strings, merge them into each language's .po, list the gaps.

The commands carry Frappe's names (its gettext workflow). No `compile-po-to-mo`: Smooth reads the
.po files themselves (smooth.i18n.catalogs), so nothing generated has to be built or committed.
"""

from __future__ import annotations

import click

from smooth.cli.bench import Bench, pass_bench
from smooth.i18n import catalogs, extraction
from smooth.lint import site_apps
from smooth.messages import _
from smooth.site import current_site


def _owners(bench: Bench, app: str | None) -> list[extraction.Owner]:
    found = extraction.owners(site_apps(bench.sites_path, bench._site or current_site(bench.sites_path)))
    chosen = [o for o in found if app in (None, o.name)]
    if not chosen:
        raise click.UsageError(_("No catalog for app {0!r}; there are: {1}", app, ', '.join(o.name for o in found)))
    return chosen


_app_option = click.option("--app", help="Only this app module's catalog (smooth, smooth_lms, ...).")


@click.command("generate-pot-file")
@_app_option
@pass_bench
def generate_pot_file(bench: Bench, app: str | None) -> None:
    """Write each catalog's template, locale/messages.pot, from the sources (not committed)."""
    for owner in _owners(bench, app):
        click.echo(f"{extraction.generate_pot(owner)}")


@click.command("update-po-files")
@_app_option
@click.option("--locale", "lang", help="Only this language (default: every language with a catalog).")
@pass_bench
def update_po_files(bench: Bench, app: str | None, lang: str | None) -> None:
    """Merge the sources' strings into each language's messages.po: new ones empty, gone ones dropped."""
    for owner in _owners(bench, app):
        template = extraction.extract_catalog(owner)
        for code in [lang] if lang else catalogs.language_codes([owner.locale]):
            path, gaps = extraction.update_po(owner, code, template)
            click.echo(f"{path}: {len(template)} strings, {gaps} untranslated")
    catalogs.clear()


@click.command("create-po-file")
@click.argument("lang")
@_app_option
@pass_bench
def create_po_file(bench: Bench, lang: str, app: str | None) -> None:
    """Start LANG's catalogs (e.g. `fr`), every string untranslated."""
    for owner in _owners(bench, app):
        try:
            click.echo(f"{extraction.create_po(owner, lang)}")
        except FileExistsError as exc:
            click.echo(str(exc))


@click.command("get-untranslated")
@click.argument("lang")
@_app_option
@pass_bench
def get_untranslated(bench: Bench, lang: str, app: str | None) -> None:
    """List the strings LANG lacks (empty or fuzzy, or not merged yet); exit 1 when there is any."""
    total = 0
    for owner in _owners(bench, app):
        for text in extraction.untranslated(owner, lang):
            click.echo(f"{owner.name}: {text}")
            total += 1
    click.echo(f"{total} untranslated string(s) in {lang}")
    if total:
        raise click.exceptions.Exit(1)
