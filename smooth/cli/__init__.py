"""`bench`: create and migrate sites, manage users, lint metadata, run code against a site.

Each command is a thin Click wrapper over a function in the core and runs its work through
the one unit-of-work door (`smooth.context.unit_of_work`): it commits when the command
succeeds and rolls back otherwise. Exit codes follow Click's conventions: 2 for usage
errors (a bad option, an unknown site), 1 for an operation Smooth refused; any SmoothError
ends the command with one clear line on stderr and its class's exit code, never a traceback.

Commands live in the modules of `COMMANDS` and are imported only when one of them runs
(Click's lazy group): `bench --help` and `bench migrate` do not pay for the web server, the
job worker or the linter. The registry carries each command's one-line help so that the
listing needs no import either; tests/core/test_cli.py checks it against the commands.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass

import click

from smooth.exceptions import SmoothError


@dataclass(frozen=True)
class Command:
    module: str
    attribute: str
    summary: str


COMMANDS = {
    "new-site": Command("smooth.cli.sites", "new_site",
                        "Create site NAME: its config, database, tables, standard roles and users."),
    "install-app": Command("smooth.cli.sites", "install_app_command",
                           "Install APP (an app name, e.g. smooth_apps, a folder with hooks.py, or a Frappe app "
                           "repository) on the site."),
    "uninstall-app": Command("smooth.cli.sites", "uninstall_app_command",
                             "Remove APP from the site's apps (its tables and records are kept)."),
    "list-apps": Command("smooth.cli.sites", "list_apps", "List the apps installed on the site, in install order."),
    "use": Command("smooth.cli.sites", "use", "Make NAME the site commands act on by default."),
    "list-sites": Command("smooth.cli.sites", "list_sites_command",
                          "List the sites of this bench (* marks the current one)."),
    "drop-site": Command("smooth.cli.sites", "drop_site", "Delete site NAME, its files and (on MariaDB) its database."),
    "set-config": Command("smooth.cli.sites", "set_config",
                          "Set KEY in the site's site_config.json (Frappe's `bench set-config`)."),
    "backup": Command("smooth.cli.backups", "backup",
                      "Back up the site: a consistent database dump (taken while it keeps working), its config, files "
                      "on request."),
    "restore": Command("smooth.cli.backups", "restore",
                       "Replace the site's data with a backup (.sqlite3, .sql or .jsonl, optionally .gz), then migrate "
                       "it."),
    "data-import": Command("smooth.cli.data_import", "data_import",
                           "Import a CSV or XLSX file into DOCTYPE through each record's full lifecycle; failures are "
                           "listed."),
    "migrate": Command("smooth.cli.migrate", "migrate_command",
                       "Run patches, sync the schema to the doctype JSON files, sync fixtures."),
    "execute": Command("smooth.cli.running", "execute",
                       "Call a dotted-path function on the site and commit (prints its result as JSON)."),
    "console": Command("smooth.cli.running", "console",
                       "An interactive Python shell with the site connected (`smooth` is imported; commit yourself)."),
    "add-user": Command("smooth.cli.users", "add_user",
                        "Create a user: a System User when a role has desk access, else a portal-only Website User."),
    "add-role": Command("smooth.cli.users", "add_role", "Create a role."),
    "set-password": Command("smooth.cli.users", "set_password", "Set USER's password (asked for when not given)."),
    "generate-api-key": Command("smooth.cli.users", "generate_api_key",
                                "Give USER a new API key pair (replacing any old one) and print it; the secret is "
                                "shown only now."),
    "export-fixtures": Command("smooth.cli.fixtures", "export_fixtures",
                               "Write the records named by the apps' `fixtures` hook to their fixtures/ folders."),
    "reset-fixture": Command("smooth.cli.fixtures", "reset_fixture",
                             "Put a shipped record (e.g. a Workflow) back to the version its app ships, dropping the "
                             "site's edits."),
    "serve": Command("smooth.cli.serve", "serve",
                     "Serve the REST API (and every other site in the bench, chosen by Host header) with Uvicorn."),
    "worker": Command("smooth.cli.jobs", "worker",
                      "Run an RQ worker for the site's `redis_queue` (every site sharing that Redis is served)."),
    "schedule": Command("smooth.cli.jobs", "schedule",
                        "Fire hooks.py scheduler_events when due: for --site, else for every site of the bench."),
    "scheduler": Command("smooth.cli.jobs", "scheduler_command",
                         "Turn the site's scheduled events on or off (site config pause_scheduler), or show the "
                         "state."),
    "generate-pot-file": Command("smooth.cli.translations", "generate_pot_file",
                                 "Write each catalog's template, locale/messages.pot, from the sources (not "
                                 "committed)."),
    "update-po-files": Command("smooth.cli.translations", "update_po_files",
                               "Merge the sources' strings into each language's messages.po: new ones empty, gone "
                               "ones dropped."),
    "create-po-file": Command("smooth.cli.translations", "create_po_file",
                              "Start LANG's catalogs (e.g. `fr`), every string untranslated."),
    "get-untranslated": Command("smooth.cli.translations", "get_untranslated",
                                "List the strings LANG lacks (empty or fuzzy, or not merged yet); exit 1 when there is "
                                "any."),
    "check": Command("smooth.cli.checks", "check_command",
                     "Lint every doctype JSON, hooks.py and patches.txt; exit 1 on any error."),
    "doctor": Command("smooth.cli.checks", "doctor",
                      "Show what the site is configured with and whether each part is reachable (exit 1 on errors, "
                      "not warnings)."),
}


@dataclass(frozen=True)
class Options:
    """The group's options, handed to the command that runs (smooth.cli.bench turns them into a Bench)."""

    site: str | None
    sites_path: str | None


class LazyGroup(click.Group):
    """A group whose commands are imported from `COMMANDS` only when one is looked up to run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            # an app's command: the group's options are parsed, its callback (ctx.obj) has not run yet
            app_commands = importlib.import_module("smooth.cli.app_commands")
            return app_commands.find(Options(ctx.params.get("site"), ctx.params.get("sites_path")), cmd_name)
        command = getattr(importlib.import_module(entry.module), entry.attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{entry.module}.{entry.attribute} is not a Click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The listing from the registry's summaries, without importing any command."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        # shortened the way Click shortens a loaded command's help
        rows = [(name, click.Command(name, help=COMMANDS[name].summary).get_short_help_str(limit))
                for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--site", envvar="SMOOTH_SITE", help="Site to act on (default: the one set by `bench use`).")
@click.option("--sites-path", envvar="SMOOTH_SITES_PATH", type=click.Path(file_okay=False),
              help="Folder holding the sites (default: ./sites of the bench).")
@click.pass_context
def cli(ctx: click.Context, site: str | None, sites_path: str | None) -> None:
    """Smooth's bench: sites, migrations, users and developer tools.

    Installed apps add commands of their own (hooks.py `commands`): run them as `bench --site NAME COMMAND`.
    """
    ctx.obj = Options(site, sites_path)


def main(argv: list[str] | None = None) -> None:
    """The `bench` console script: exit codes and one-line errors instead of tracebacks."""
    try:
        # without standalone mode, click returns the code of an Exit raised by a command
        code = cli.main(args=argv, prog_name="bench", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SmoothError as exc:
        click.echo(f"Error: {exc.message or exc}", err=True)
        sys.exit(exc.exit_code)
    if isinstance(code, int) and code:
        sys.exit(code)
