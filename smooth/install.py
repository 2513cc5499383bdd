"""Sites and their apps: create a site (config, database, schema, standard roles and users, patches
marked done), install an app on it, uninstall one."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from smooth.apps import App, app_folder, core_app, load_app
from smooth.context import db, site_context, unit_of_work
from smooth.db.engine import server_url
from smooth.db.schema import SCHEMA_STATE
from smooth.exceptions import ValidationError
from smooth.hooks import Hooks
from smooth.messages import _
from smooth.migrate import Echo, mark_all_patches_done, migrate
from smooth.model.records import get_doc
from smooth.site import SITE_CONFIG, bench_root, default_app_paths, forget_site, read_config, write_config

STANDARD_ROLES = ("Administrator", "System Manager", "Guest", "All")
SITE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_]{0,62}$")


def database_name(site: str) -> str:
    return "_" + re.sub(r"[^a-z0-9_]", "_", site.lower())[:60]


def prepare_mariadb(url: str, site: str, force: bool) -> str:
    """Create (or with force, recreate) the site's database on the server; return the full URL."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValidationError(_("--db-url {0!r} is not a database URL (mariadb+pymysql://user:pw@host:port)", url)) \
            from None
    name = parsed.database or database_name(site)
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ValidationError(_("Database name {0!r} may only hold letters, digits and underscores", name))
    server = create_engine(server_url(parsed), isolation_level="AUTOCOMMIT")
    try:
        try:
            conn = server.connect()
        except OperationalError as exc:
            shown = server_url(parsed).render_as_string(hide_password=True)
            raise ValidationError(_("Cannot connect to the MariaDB server at {0}: {1}", shown, exc.orig)) from None
        with conn:
            exists = conn.execute(text("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = :n"),
                                  {"n": name}).first()
            if exists and force:
                conn.execute(text(f"DROP DATABASE `{name}`"))
                exists = None
            if not exists:
                conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    finally:
        server.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def new_site(
    name: str,
    sites_path: Path,
    *,
    db_type: str = "sqlite",
    db_url: str | None = None,
    admin_password: str | None = None,
    apps: list[str] | None = None,
    time_zone: str | None = None,
    force: bool = False,
    echo: Echo = print,
) -> str:
    """Create site `name`; returns the Administrator password (generated when not given)."""
    if not SITE_NAME_RE.match(name):
        raise ValidationError(_("{0!r} is not a valid site name (letters, digits, dots, dashes)", name))
    site_path = sites_path / name
    if (site_path / SITE_CONFIG).exists() and not force:
        raise ValidationError(_("Site {0} already exists; pass --force to reinstall it", name))
    forget_site(name, sites_path)  # release pooled connections before the database is recreated
    config: dict[str, object] = {"encryption_key": Fernet.generate_key().decode()}
    if db_type == "mariadb":
        if not db_url:
            raise ValidationError(_("--db-url is required for MariaDB (mariadb+pymysql://user:password@host:port)"))
        config["db_url"] = prepare_mariadb(db_url, name, force)
    elif db_type == "sqlite":
        if db_url:
            config["db_url"] = db_url
        else:
            config["db_path"] = "site.sqlite3"
            if force:
                for suffix in ("", "-wal", "-shm"):
                    (site_path / f"site.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        raise ValidationError(_("Unknown --db-type {0!r}; use sqlite or mariadb", db_type))
    if apps is not None:
        config["apps"] = apps
    if time_zone:
        config["time_zone"] = time_zone
    write_config(sites_path, name, config)
    password = admin_password or secrets.token_urlsafe(12)
    with site_context(name, sites_path) as loc:  # migrate's steps and the records after it are units of their own
        loc.flags.in_install = True
        _check_empty(loc.site.engine, force)
        with unit_of_work():
            for hook in loc.site.hooks.lists["before_install"]:
                hook()
        migrate(echo=echo)
        with unit_of_work():
            install_standard_records(password, time_zone or loc.site.config.get("time_zone"))
            mark_all_patches_done()
            for hook in loc.site.hooks.lists["after_install"]:
                hook()
        installed = [app.name for app in loc.site.apps]
    echo(f"Site {name} created ({db_type}) with apps: {', '.join(installed)}.")
    return password


def _check_empty(engine: object, force: bool) -> None:
    tables = inspect(engine).get_table_names()
    if tables and not force:
        raise ValidationError(_("The site's database already has tables; pass --force to reinstall"))


def install_standard_records(admin_password: str, time_zone: str | None) -> None:
    database = db()
    for role in STANDARD_ROLES:
        if not database.exists("Role", role):
            get_doc({"doctype": "Role", "role_name": role, "desk_access": int(role != "Guest")}).insert(
                ignore_permissions=True)
    if not database.exists("User", "Administrator"):
        admin = get_doc({"doctype": "User", "email": "admin@example.com", "first_name": "Administrator",
                                "new_password": admin_password, "roles": [{"role": "Administrator"},
                                                                          {"role": "System Manager"}]})
        admin.insert(ignore_permissions=True, set_name="Administrator")
    if not database.exists("User", "Guest"):
        guest = get_doc({"doctype": "User", "email": "guest@example.com", "first_name": "Guest",
                                "user_type": "Website User", "roles": [{"role": "Guest"}]})
        guest.insert(ignore_permissions=True, set_name="Guest")
    settings = get_doc("System Settings")
    settings.time_zone = time_zone or settings.time_zone or "UTC"
    settings.flags.ignore_permissions = True
    settings.save()


def resolve_app(app: str) -> Path:
    """An app folder from a path, or from an app name found at the bench root or in its `apps/` folder.

    A Frappe app repository (`<repo>/<app>/hooks.py`) resolves to its app package, given either folder.
    """
    found = app_folder(app)
    if found is not None:
        return found
    root = bench_root()
    searched = [root, root / "apps" / app]
    for folder in searched:
        found = app_folder(folder)
        if found is not None and load_app(found).name == app:
            return found
    raise ValidationError(_("No app {0!r}: give the path of a folder with hooks.py (or of a Frappe app "
                            "repository), or an app name found in {1}", app, ', '.join(str(p) for p in searched)))


def installed_apps(name: str, sites_path: Path) -> list[App]:
    """The site's apps in install order, the Core app first."""
    with unit_of_work(name, sites_path=sites_path, commit=False) as bound:
        return list(bound.site.apps)


def install_app(name: str, sites_path: Path, app: str, *, echo: Echo = print) -> App:
    """Add an app to a site: its tables, patches marked done, fixtures, then its install hooks.

    A failed install changes nothing: site_config.json is written back, the tables it created are
    dropped, and its records (fixtures, after_install's writes) are one unit of work that rolls back.
    """
    path = resolve_app(app)
    config = _own_config(sites_path, name)
    current = [str(p) for p in config.get("apps", default_app_paths())]
    new_app = load_app(path)
    if any(Path(p).resolve() == path for p in current) or new_app.name == core_app().name:
        raise ValidationError(_("App {0} is already installed on {1}", new_app.name, name))
    with site_context(name, sites_path) as before:
        tables_before = set(inspect(before.site.engine).get_table_names())
    write_config(sites_path, name, {**config, "apps": [*current, str(path)]})
    forget_site(name, sites_path)
    try:
        _install(name, sites_path, new_app, echo)
    except BaseException:
        _undo_install(name, sites_path, config, tables_before)
        raise
    echo(f"Installed {new_app.name} on {name}")
    return new_app


def _install(name: str, sites_path: Path, new_app: App, echo: Echo) -> None:
    def record_install() -> None:
        mark_all_patches_done([new_app])  # the other apps' pending patches wait for `bench migrate`
        for hook in hooks_of_app.lists["after_install"]:
            hook()

    with site_context(name, sites_path) as loc:  # loading the site checks the new app's metadata and hooks
        hooks_of_app = Hooks([new_app], installed_before=[a.name for a in loc.site.apps[:-1]])
        loc.flags.in_install = True  # no patch runs: the new app starts at its latest schema
        with unit_of_work():
            for hook in hooks_of_app.lists["before_install"]:
                hook()
        migrate(echo=echo, then=record_install)


def _undo_install(name: str, sites_path: Path, config: dict[str, Any], tables_before: set[str]) -> None:
    """Put the site back as it was before a failed install: its config, and no table the install created."""
    write_config(sites_path, name, config)
    forget_site(name, sites_path)
    with site_context(name, sites_path) as loc:
        engine = loc.site.engine
        created = sorted(set(inspect(engine).get_table_names()) - tables_before)
        if not created:
            return
        reflected = MetaData()
        reflected.reflect(engine, only=created)
        reflected.drop_all(engine)
        state = loc.site.metadata.tables[SCHEMA_STATE]
        with engine.begin() as connection:
            connection.execute(state.delete().where(state.c.table_name.in_(created)))


def uninstall_app(name: str, sites_path: Path, app: str, *, echo: Echo = print) -> None:
    """Remove an app from a site's apps; its tables and records stay (migrate never drops data)."""
    config = _own_config(sites_path, name)
    current = [str(p) for p in config.get("apps", default_app_paths())]
    given = app_folder(app) or Path(app).resolve()  # a Frappe repository's path names its app package
    keep = [p for p in current if load_app(Path(p) if Path(p).is_absolute() else bench_root() / p).name != app
            and Path(p).resolve() != given]
    if len(keep) == len(current):
        installed = ", ".join(load_app(bench_root() / p).name for p in current) or "none besides the core"
        raise ValidationError(_("App {0!r} is not installed on {1} (installed: {2})", app, name, installed))
    config["apps"] = keep
    write_config(sites_path, name, config)
    forget_site(name, sites_path)
    echo(f"Uninstalled {app} from {name}; its tables and records were kept")


def _own_config(sites_path: Path, name: str) -> dict[str, Any]:
    """The site's own site_config.json (without common_site_config.json merged in), to write back."""
    read_config(sites_path, name)  # SiteNotFoundError names the existing sites
    data = json.loads((sites_path / name / SITE_CONFIG).read_text(encoding="utf-8"))
    return dict(data)
