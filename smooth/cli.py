"""`bench`: create and migrate sites, manage users, lint metadata, run code against a site.

Each command is a thin Click wrapper over a function in the core and runs its work through
the one unit-of-work door (`smooth.context.unit_of_work`): it commits when the command
succeeds and rolls back otherwise. Exit codes follow Click's conventions: 2 for usage
errors (a bad option, an unknown site), 1 for an operation Smooth refused; any SmoothError
ends the command with one clear line on stderr and its class's exit code, never a traceback.
"""

from __future__ import annotations

import code
import importlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from smooth.context import Local, site_context, unit_of_work
from smooth.db.engine import server_url, site_db_url
from smooth.doctor import diagnose, has_errors, line
from smooth.exceptions import SmoothError
from smooth.fixtures import export_fixtures as export
from smooth.fixtures import reset_fixture as reset_shipped
from smooth.hooks import resolve
from smooth.install import install_app, installed_apps, uninstall_app
from smooth.install import new_site as install
from smooth.jobs import queues
from smooth.jobs.execute import call as run_method
from smooth.jobs.scheduler import run_scheduler
from smooth.jobs.worker import start_worker
from smooth.lint import lint_apps
from smooth.migrate import check, migrate
from smooth.model.records import get_doc
from smooth.site import (
    CURRENT_SITE,
    current_site,
    default_sites_path,
    forget_site,
    get_site,
    list_sites,
    read_config,
    update_site_config,
)


class Bench:
    def __init__(self, site: str | None, sites_path: str | None) -> None:
        self.sites_path = Path(sites_path) if sites_path else default_sites_path()
        self._site = site

    @property
    def site(self) -> str:
        name = self._site or current_site(self.sites_path)
        if not name:
            raise click.UsageError("No site given: pass --site NAME or run `bench use NAME` first")
        return name

    @contextmanager
    def unit(self, user: str = "Administrator", *, commit: bool = True) -> Iterator[Local]:
        """The command's unit of work on its site: commit on success, roll back on any error."""
        with unit_of_work(self.site, sites_path=self.sites_path, user=user, commit=commit) as bound:
            yield bound


pass_bench = click.make_pass_decorator(Bench)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--site", envvar="SMOOTH_SITE", help="Site to act on (default: the one set by `bench use`).")
@click.option("--sites-path", envvar="SMOOTH_SITES_PATH", type=click.Path(file_okay=False),
              help="Folder holding the sites (default: ./sites of the bench).")
@click.pass_context
def cli(ctx: click.Context, site: str | None, sites_path: str | None) -> None:
    """Smooth's bench: sites, migrations, users and developer tools."""
    ctx.obj = Bench(site, sites_path)


# -- sites --------------------------------------------------------------------------------------


@cli.command("new-site")
@click.argument("name")
@click.option("--db-type", type=click.Choice(["sqlite", "mariadb"]), default="sqlite", show_default=True)
@click.option("--db-url", help="SQLAlchemy URL; for MariaDB the server (the database defaults to the site name).")
@click.option("--admin-password", help="Administrator's password (generated and printed when omitted).")
@click.option("--time-zone", help="System time zone (IANA), default UTC.")
@click.option("--force", is_flag=True, help="Reinstall over an existing site and database.")
@click.option("--set-default", is_flag=True, help="Also make it the current site (like `bench use`).")
@pass_bench
def new_site(bench: Bench, name: str, db_type: str, db_url: str | None, admin_password: str | None,
             time_zone: str | None, force: bool, set_default: bool) -> None:
    """Create site NAME: its config, database, tables, standard roles and users."""
    password = install(name, bench.sites_path, db_type=db_type, db_url=db_url, admin_password=admin_password,
                       time_zone=time_zone, force=force, echo=click.echo)
    if not admin_password:
        click.echo(f"Administrator password: {password}")
    if set_default:
        _use(bench.sites_path, name)


@cli.command("install-app")
@click.argument("app")
@pass_bench
def install_app_command(bench: Bench, app: str) -> None:
    """Install APP (an app name, e.g. smooth_apps, or the path of a folder with hooks.py) on the site."""
    install_app(bench.site, bench.sites_path, app, echo=click.echo)


@cli.command("uninstall-app")
@click.argument("app")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_bench
def uninstall_app_command(bench: Bench, app: str, yes: bool) -> None:
    """Remove APP from the site's apps (its tables and records are kept)."""
    if not yes:
        click.confirm(f"Uninstall {app} from {bench.site}?", abort=True)
    uninstall_app(bench.site, bench.sites_path, app, echo=click.echo)


@cli.command("list-apps")
@pass_bench
def list_apps(bench: Bench) -> None:
    """List the apps installed on the site, in install order."""
    for app in installed_apps(bench.site, bench.sites_path):
        click.echo(f"{app.name:20} {app.path}")


@cli.command("use")
@click.argument("name")
@pass_bench
def use(bench: Bench, name: str) -> None:
    """Make NAME the site commands act on by default."""
    _use(bench.sites_path, name)


def _use(sites_path: Path, name: str) -> None:
    read_config(sites_path, name)  # SiteNotFoundError names the existing sites
    (sites_path / CURRENT_SITE).write_text(name + "\n")
    click.echo(f"Current site is now {name}")


@cli.command("list-sites")
@pass_bench
def list_sites_command(bench: Bench) -> None:
    """List the sites of this bench (* marks the current one)."""
    current = current_site(bench.sites_path)
    names = list_sites(bench.sites_path)
    if not names:
        click.echo(f"No sites in {bench.sites_path}; create one with `bench new-site NAME`")
    for name in names:
        click.echo(f"{'*' if name == current else ' '} {name}")


@cli.command("drop-site")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_bench
def drop_site(bench: Bench, name: str, yes: bool) -> None:
    """Delete site NAME, its files and (on MariaDB) its database."""
    # only the config is read: a site whose apps no longer load can still be dropped
    url = make_url(site_db_url(read_config(bench.sites_path, name), bench.sites_path / name))
    if not yes:
        click.confirm(f"Delete site {name} and all its data?", abort=True)
    forget_site(name, bench.sites_path)
    if url.get_backend_name() != "sqlite":
        server = create_engine(server_url(url), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{url.database}`"))
        server.dispose()
    shutil.rmtree(bench.sites_path / name)
    click.echo(f"Site {name} deleted")


# -- migrate ------------------------------------------------------------------------------------


@cli.command("migrate")
@click.option("--check", "only_check", is_flag=True, help="Only report differences; exit 1 if there are any.")
@click.option("--drop-removed-columns", is_flag=True, help="Drop columns of fields removed from metadata.")
@pass_bench
def migrate_command(bench: Bench, only_check: bool, drop_removed_columns: bool) -> None:
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
    with site_context(bench.site, bench.sites_path):  # each migrate step is a unit of its own
        report = migrate(drop_removed_columns=drop_removed_columns, echo=click.echo)
    click.echo(f"Migrated {bench.site}: {len(report.patches_run)} patches, {len(report.schema_changes)} schema "
               f"changes, fixtures {report.fixtures}")


# -- running code -------------------------------------------------------------------------------


@cli.command("execute")
@click.argument("method")
@click.option("--args", "args_json", help="JSON list of positional arguments.")
@click.option("--kwargs", "kwargs_json", help="JSON object of keyword arguments.")
@pass_bench
def execute(bench: Bench, method: str, args_json: str | None, kwargs_json: str | None) -> None:
    """Call a dotted-path function on the site and commit (prints its result as JSON)."""
    args = _json_arg(args_json, list, "--args")
    kwargs = _json_arg(kwargs_json, dict, "--kwargs")
    with site_context(bench.site, bench.sites_path):
        result = run_method(resolve(method, "bench execute"), *args, **kwargs)
    if result is not None:
        click.echo(json.dumps(result, default=str, indent=1))


def _json_arg(value: str | None, kind: type, option: str) -> Any:
    if value is None:
        return kind()
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not valid JSON ({exc.msg})", param_hint=option) from None
    if not isinstance(parsed, kind):
        raise click.BadParameter(f"must be a JSON {'list' if kind is list else 'object'}", param_hint=option)
    return parsed


@cli.command("console")
@pass_bench
def console(bench: Bench) -> None:
    """An interactive Python shell with the site connected (`smooth` is imported; commit yourself)."""
    with site_context(bench.site, bench.sites_path):
        banner = f"Smooth console on {bench.site}: smooth.get_doc(...), smooth.db.commit()"
        code.interact(banner=banner, local={"smooth": importlib.import_module("smooth")}, exitmsg="")


# -- users and roles ----------------------------------------------------------------------------


@cli.command("add-user")
@click.argument("email")
@click.option("--first-name", help="Defaults to the part of the email before @.")
@click.option("--last-name")
@click.option("--password")
@click.option("--role", "roles", multiple=True, help="Role to give (repeatable).")
@pass_bench
def add_user(bench: Bench, email: str, first_name: str | None, last_name: str | None, password: str | None,
             roles: tuple[str, ...]) -> None:
    """Create a user: a System User when a role has desk access, else a portal-only Website User."""
    with bench.unit():
        user = get_doc({
            "doctype": "User", "email": email, "first_name": first_name or email.split("@")[0],
            "last_name": last_name, "new_password": password,
            "roles": [{"role": r} for r in roles],
        }).insert()
    click.echo(f"Added user {user.name}" + (f" with roles {', '.join(roles)}" if roles else ""))


@cli.command("add-role")
@click.argument("name")
@click.option("--no-desk-access", is_flag=True, help="A portal-only role.")
@pass_bench
def add_role(bench: Bench, name: str, no_desk_access: bool) -> None:
    """Create a role."""
    with bench.unit():
        get_doc({"doctype": "Role", "role_name": name, "desk_access": int(not no_desk_access)}).insert()
    click.echo(f"Added role {name}")


@cli.command("set-password")
@click.argument("user")
@click.argument("password", required=False)
@pass_bench
def set_password(bench: Bench, user: str, password: str | None) -> None:
    """Set USER's password (asked for when not given)."""
    if not password:
        password = click.prompt(f"New password for {user}", hide_input=True, confirmation_prompt=True)
    with bench.unit():
        doc = get_doc("User", user)
        doc.new_password = password
        doc.save()
    click.echo(f"Password of {user} updated")


@cli.command("generate-api-key")
@click.argument("user")
@pass_bench
def generate_api_key(bench: Bench, user: str) -> None:
    """Give USER a new API key pair (replacing any old one) and print it; the secret is shown only now."""
    with bench.unit():
        doc = get_doc("User", user)
        key, secret = doc.generate_api_credentials()
    click.echo(f"API key pair of {user} (the secret is not stored and will not be shown again):")
    click.echo(f"api_key: {key}")
    click.echo(f"api_secret: {secret}")
    click.echo(f"Authorization: token {key}:{secret}")


# -- developer tools ----------------------------------------------------------------------------


@cli.command("export-fixtures")
@pass_bench
def export_fixtures(bench: Bench) -> None:
    """Write the records named by the apps' `fixtures` hook to their fixtures/ folders."""
    with bench.unit(commit=False):
        written = export(progress=lambda doctype, count: click.echo(f"Exporting {count} {doctype} records"))
    for path in written:
        click.echo(f"wrote {path}")


@cli.command("reset-fixture")
@click.argument("doctype")
@click.argument("name")
@pass_bench
def reset_fixture(bench: Bench, doctype: str, name: str) -> None:
    """Put a shipped record (e.g. a Workflow) back to the version its app ships, dropping the site's edits."""
    with bench.unit() as bound:
        outcome = reset_shipped(bound.site.apps, doctype, name)
    click.echo(f"{doctype} {name}: {outcome}")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1), help="Worker processes.")
@pass_bench
def serve(bench: Bench, host: str, port: int, workers: int) -> None:
    """Serve the REST API (and every other site in the bench, chosen by Host header) with Uvicorn."""
    import uvicorn  # lazy: the web server is heavy, and only `serve` needs it

    from smooth.asgi import create_app  # lazy: imports the web stack along with it

    site = bench.site
    read_config(bench.sites_path, site)  # a missing site fails here, not on the first request
    click.echo(f"Serving {site} on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''})")
    if workers > 1:
        os.environ["SMOOTH_SITES_PATH"] = str(bench.sites_path.resolve())
        os.environ["SMOOTH_SITE"] = site
        uvicorn.run("smooth.asgi:app_from_env", factory=True, host=host, port=port, workers=workers)
    else:
        uvicorn.run(create_app(bench.sites_path, site), host=host, port=port)


@cli.command("set-config")
@click.argument("key")
@click.argument("value")
@click.option("--parse", "as_json", is_flag=True, help="Read VALUE as JSON (numbers, true/false, null removes).")
@pass_bench
def set_config(bench: Bench, key: str, value: str, as_json: bool) -> None:
    """Set KEY in the site's site_config.json (Frappe's `bench set-config`)."""
    parsed = _json_arg(value, object, "VALUE") if as_json else value
    update_site_config(bench.sites_path, bench.site, {key: parsed})
    forget_site(bench.site, bench.sites_path)
    click.echo(f"{key} {'removed from' if parsed is None else 'set in'} the site config of {bench.site}")


@cli.command("worker")
@click.option("--queue", "queue_names", default="short,default,long", show_default=True,
              help="Comma-separated queues to work, in priority order.")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@pass_bench
def worker(bench: Bench, queue_names: str, burst: bool) -> None:
    """Run an RQ worker for the site's `redis_queue` (every site sharing that Redis is served)."""
    url = queues.queue_url(get_site(bench.site, bench.sites_path))
    if url is None:
        raise click.ClickException(f"site {bench.site} has no redis_queue in site_config.json: jobs run inline, "
                                   "there is nothing for a worker to do")
    names = [n.strip() for n in queue_names.split(",") if n.strip()]
    for name in names:
        queues.queue_name(name)
    start_worker(url, names, burst=burst, sites=_sites_on(url, bench.sites_path), sites_path=bench.sites_path)


def _sites_on(url: str, sites_path: Path) -> list[str]:
    """The bench's sites whose jobs go to the Redis at `url` (a worker pushes their outboxes)."""
    found = []
    for name in list_sites(sites_path):
        try:
            if queues.queue_url(get_site(name, sites_path)) == url:
                found.append(name)
        except Exception as exc:
            click.echo(f"site {name} skipped: {exc}", err=True)
    return found


@cli.command("schedule")
@click.option("--interval", default=60.0, show_default=True, type=click.FloatRange(1), help="Seconds between ticks.")
@click.option("--once", is_flag=True, help="Tick once and exit.")
@pass_bench
def schedule(bench: Bench, interval: float, once: bool) -> None:
    """Fire hooks.py scheduler_events when due: for --site, else for every site of the bench."""
    sites = [bench._site] if bench._site else list_sites(bench.sites_path)
    if not sites:
        raise click.UsageError("No sites in this bench")
    click.echo(f"Scheduler for {', '.join(sites)} (every {interval:g}s)")
    run_scheduler(sites, bench.sites_path, interval=interval, once=once)


@cli.command("scheduler")
@click.argument("action", type=click.Choice(["enable", "disable", "status"]))
@pass_bench
def scheduler_command(bench: Bench, action: str) -> None:
    """Turn the site's scheduled events on or off (site config pause_scheduler), or show the state."""
    if action == "status":
        config = read_config(bench.sites_path, bench.site)
    else:
        paused = 1 if action == "disable" else None
        config = update_site_config(bench.sites_path, bench.site, {"pause_scheduler": paused})
    click.echo(f"Scheduler is {'disabled' if config.get('pause_scheduler') else 'enabled'} for {bench.site}")


@cli.command("check")
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


@cli.command("doctor")
@pass_bench
def doctor(bench: Bench) -> None:
    """Show what the site is configured with and whether each part is reachable (exit 1 on errors, not warnings)."""
    checks = diagnose(bench.site, bench.sites_path)
    for finding in checks:
        click.echo(line(finding))
    if has_errors(checks):
        raise click.exceptions.Exit(1)


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

