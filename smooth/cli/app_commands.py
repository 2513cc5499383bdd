"""Commands that installed apps add to `bench`, named in their hooks.py `commands` (dotted paths to Click commands).

Frappe apps list theirs in `<app>/commands/__init__.py`; here the manifest names them, so the
CLI finds them without importing the app. They are looked up only when a name is not one of
the core's, among the apps of the chosen site, and imported then.

An app's command is an entry point of its own: the CLI binds the site (as `bench console`
does) and the command opens its units of work (`smooth.unit_of_work()`), one per step it
wants kept should a later step fail, which a long import needs to be resumable.
"""

from __future__ import annotations

from typing import Any

import click

from smooth.cli import Options
from smooth.cli.bench import Bench
from smooth.exceptions import HookError
from smooth.hooks import resolve
from smooth.messages import _
from smooth.site import read_config, site_apps


def find(options: Options, name: str) -> click.Command | None:
    """The command `name` of one of the site's apps, bound to that site; None when no app has it (or no site)."""
    bench = Bench(options.site, options.sites_path)
    try:
        site = bench.site
    except click.UsageError:
        return None
    for app in site_apps(read_config(bench.sites_path, site)):
        for path in getattr(app.manifest, "commands", None) or []:
            command = resolve(path, f"hooks.py of app {app.name!r}: commands")
            if not isinstance(command, click.Command):
                raise HookError(_("hooks.py of app {0!r}: commands: {1!r} is not a Click command", app.name, path))
            if command.name == name:
                return _bound(command, bench)
    return None


def _bound(command: click.Command, bench: Bench) -> click.Command:
    callback = command.callback
    assert callback is not None

    def run(**kwargs: Any) -> Any:
        with bench.context():
            return callback(**kwargs)

    return click.Command(command.name, params=command.params, help=command.help, short_help=command.short_help,
                         epilog=command.epilog, callback=run)
