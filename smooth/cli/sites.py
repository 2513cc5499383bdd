"""Commands on sites: create, list, choose, configure, drop; install and remove apps."""

from __future__ import annotations

import shutil

import click
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from smooth.cli.bench import Bench, json_arg, pass_bench, use_site
from smooth.db.engine import server_url, site_db_url
from smooth.install import install_app, installed_apps, uninstall_app
from smooth.install import new_site as install
from smooth.site import current_site, forget_site, list_sites, read_config, update_site_config


@click.command("new-site")
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
        use_site(bench.sites_path, name)


@click.command("install-app")
@click.argument("app")
@pass_bench
def install_app_command(bench: Bench, app: str) -> None:
    """Install APP (an app name, e.g. smooth_apps, a folder with hooks.py, or a Frappe app repository) on the site."""
    install_app(bench.site, bench.sites_path, app, echo=click.echo)


@click.command("uninstall-app")
@click.argument("app")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_bench
def uninstall_app_command(bench: Bench, app: str, yes: bool) -> None:
    """Remove APP from the site's apps (its tables and records are kept)."""
    if not yes:
        click.confirm(f"Uninstall {app} from {bench.site}?", abort=True)
    uninstall_app(bench.site, bench.sites_path, app, echo=click.echo)


@click.command("list-apps")
@pass_bench
def list_apps(bench: Bench) -> None:
    """List the apps installed on the site, in install order."""
    for app in installed_apps(bench.site, bench.sites_path):
        click.echo(f"{app.name:20} {app.path}")


@click.command("use")
@click.argument("name")
@pass_bench
def use(bench: Bench, name: str) -> None:
    """Make NAME the site commands act on by default."""
    use_site(bench.sites_path, name)


@click.command("list-sites")
@pass_bench
def list_sites_command(bench: Bench) -> None:
    """List the sites of this bench (* marks the current one)."""
    current = current_site(bench.sites_path)
    names = list_sites(bench.sites_path)
    if not names:
        click.echo(f"No sites in {bench.sites_path}; create one with `bench new-site NAME`")
    for name in names:
        click.echo(f"{'*' if name == current else ' '} {name}")


@click.command("drop-site")
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


@click.command("set-config")
@click.argument("key")
@click.argument("value")
@click.option("--parse", "as_json", is_flag=True, help="Read VALUE as JSON (numbers, true/false, null removes).")
@pass_bench
def set_config(bench: Bench, key: str, value: str, as_json: bool) -> None:
    """Set KEY in the site's site_config.json (Frappe's `bench set-config`)."""
    parsed = json_arg(value, object, "VALUE") if as_json else value
    update_site_config(bench.sites_path, bench.site, {key: parsed})
    forget_site(bench.site, bench.sites_path)
    click.echo(f"{key} {'removed from' if parsed is None else 'set in'} the site config of {bench.site}")
