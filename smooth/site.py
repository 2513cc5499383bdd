"""Sites: `sites/<name>/site_config.json`, the apps installed on it, its engine and metadata.

A Site object is shared by every unit of work in the process (engine pools and parsed
metadata are expensive); per-request state lives in `smooth.session`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import zoneinfo
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from smooth.apps import App, core_app, load_app
from smooth.db import customizations
from smooth.db.engine import create_site_engine, site_db_url
from smooth.db.schema import build_metadata
from smooth.exceptions import SiteNotFoundError, ValidationError
from smooth.hooks import Hooks
from smooth.i18n.deferred import _
from smooth.meta import customization
from smooth.meta.doctype import Meta
from smooth.meta.registry import MetaRegistry
from smooth.site_cache import CACHED_DOCTYPES, SiteCache

SITE_CONFIG = "site_config.json"
COMMON_CONFIG = "common_site_config.json"
CURRENT_SITE = "currentsite.txt"


def bench_root() -> Path:
    """The folder holding `sites/`: $SMOOTH_BENCH, else the nearest parent of the cwd with hooks.py."""
    env = os.environ.get("SMOOTH_BENCH")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "hooks.py").is_file() and (candidate / "setup.py").is_file():
            return candidate
    return here


def default_sites_path() -> Path:
    return Path(os.environ.get("SMOOTH_SITES_PATH") or bench_root() / "sites")


def default_app_paths() -> list[str]:
    root = bench_root()
    return [str(root)] if (root / "hooks.py").is_file() else []


def site_apps(config: dict[str, Any]) -> list[App]:
    """The apps a site's config names (paths relative to the bench), else the bench's own app."""
    paths = config.get("apps")
    if paths is None:
        paths = default_app_paths()
    return [load_app(path if Path(path).is_absolute() else bench_root() / path) for path in paths]


def list_sites(sites_path: Path | None = None) -> list[str]:
    path = sites_path or default_sites_path()
    if not path.is_dir():
        return []
    return sorted(p.name for p in path.iterdir() if (p / SITE_CONFIG).is_file())


def current_site(sites_path: Path | None = None) -> str | None:
    marker = (sites_path or default_sites_path()) / CURRENT_SITE
    return marker.read_text().strip() or None if marker.is_file() else None


def read_config(sites_path: Path, name: str) -> dict[str, Any]:
    site_path = sites_path / name
    config_file = site_path / SITE_CONFIG
    if not config_file.is_file():
        known = ", ".join(list_sites(sites_path)) or "none"
        raise SiteNotFoundError(_("Site {0} does not exist in {1} (sites: {2}); create it with `bench new-site {3}`",
                                  repr(name), sites_path, known, name))
    config: dict[str, Any] = {}
    common = sites_path / COMMON_CONFIG
    if common.is_file():
        config.update(_read_json(common))
    config.update(_read_json(config_file))
    return config


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationError(_("{0}: malformed JSON at line {1} column {2}: {3}", path, exc.lineno, exc.colno,
                                exc.msg)) from None
    if not isinstance(data, dict):
        raise ValidationError(_("{0}: the configuration must be one JSON object", path))
    return data


class Site:
    def __init__(self, name: str, sites_path: Path) -> None:
        self.name = name
        self.sites_path = sites_path
        self.path = sites_path / name
        self.config = read_config(sites_path, name)
        self.apps: list[App] = [core_app()] + site_apps(self.config)
        self.engine: Engine = create_site_engine(site_db_url(self.config, self.path), self.config)
        self._lock = threading.Lock()
        self.cache = SiteCache(name, self.path, self.config.get("redis_url"))
        self.load_metadata()

    def load_metadata(self) -> None:
        """(Re)read every doctype JSON and hooks.py of the site's apps, with the site's customizations."""
        source = self._doctype_source()
        self._customized = customizations.stamp(self.path)  # before reading: a change meanwhile reloads again
        registry = MetaRegistry(self.apps)
        hooks = Hooks(self.apps)
        metadata = build_metadata(registry)
        custom_fields, property_setters = customizations.read_rows(self.engine)
        if custom_fields or property_setters:
            registry.issues.extend(customization.apply(registry.metas, custom_fields, property_setters))
            metadata = build_metadata(registry)
        self.registry, self.hooks, self.metadata = registry, hooks, metadata
        self.cached_doctypes = CACHED_DOCTYPES | frozenset(hooks.get("site_cache_doctypes"))
        self.cached_tables = frozenset(f"tab{doctype}" for doctype in self.cached_doctypes)
        self.cache.clear()  # rows kept for the old metadata may lack a column the new one has
        self._source = source
        self.controllers: dict[str, type] = {}
        self._time_zone: str | None = None
        self._time_zone_loaded = False

    def refresh_metadata(self) -> None:
        """Reload the metadata if a doctype file changed since it was read (migrate in a long-lived process).

        A fresh `bench migrate` has just read every file: reading, checking and building them again
        would double the cost of a migrate with nothing to do.
        """
        if self._doctype_source() != self._source:
            self.load_metadata()
            return
        self.controllers = {}
        self._time_zone_loaded = False

    def reload_if_customized(self) -> None:
        """Another process changed a Custom Field or Property Setter: take them in (a `stat`, no query)."""
        if customizations.stamp(self.path) != self._customized:
            with self._lock:
                if customizations.stamp(self.path) != self._customized:
                    self.load_metadata()

    def _doctype_source(self) -> str:
        digest = hashlib.sha256()
        for app in self.apps:
            for _module, path in app.doctype_files():
                digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    def get_meta(self, doctype: str) -> Meta:
        return self.registry.get(doctype)

    def table(self, doctype: str) -> Table:
        name = doctype if doctype.startswith("__") else f"tab{doctype}"
        table = self.metadata.tables.get(name)
        if table is None:
            self.get_meta(doctype)  # raises DoesNotExistError for unknown doctypes
            raise ValidationError(_("{0} is a Single doctype and has no table", doctype))
        return table

    @property
    def db_type(self) -> str:
        return "sqlite" if self.engine.dialect.name == "sqlite" else "mariadb"

    @property
    def time_zone(self) -> str:
        """System Settings' zone, else site_config `time_zone`, else UTC; read once per process."""
        if not self._time_zone_loaded:
            self._load_time_zone()
        return self._time_zone or self.config.get("time_zone") or "UTC"

    def _load_time_zone(self) -> None:
        singles = self.metadata.tables["tabSingles"]
        statement = select(singles.c.value).where(
            (singles.c.doctype == "System Settings") & (singles.c.field == "time_zone"))
        try:
            with self.engine.connect() as conn:  # its own short read: never inside a caller's transaction
                self._time_zone = conn.execute(statement).scalar() or None
        except SQLAlchemyError:
            return  # not migrated yet: fall back to the configuration
        self._time_zone_loaded = True

    def set_time_zone(self, zone: str | None) -> None:
        if zone:
            zoneinfo.ZoneInfo(zone)
        self._time_zone = zone or None
        self._time_zone_loaded = True

    def dispose(self) -> None:
        self.engine.dispose()


_sites: dict[tuple[Path, str], Site] = {}
_sites_lock = threading.Lock()


_resolved_paths: dict[Path, Path] = {}


def _resolve(sites_path: Path) -> Path:
    """The absolute sites folder, remembered: every request looks its site up (a realpath is a few syscalls)."""
    path = _resolved_paths.get(sites_path)
    if path is None:
        path = _resolved_paths[sites_path] = sites_path.resolve()
    return path


def get_site(name: str, sites_path: Path | None = None) -> Site:
    path = _resolve(sites_path or default_sites_path())
    key = (path, name)
    site = _sites.get(key)
    if site is None:
        with _sites_lock:
            site = _sites.get(key)
            if site is None:
                site = _sites[key] = Site(name, path)
    site.reload_if_customized()
    return site


def forget_site(name: str, sites_path: Path | None = None) -> None:
    """Drop the cached Site (after its config or apps changed, or the site was removed)."""
    path = _resolve(sites_path or default_sites_path())
    site = _sites.pop((path, name), None)
    if site is not None:
        site.dispose()


def write_config(sites_path: Path, name: str, config: dict[str, Any]) -> Path:
    site_path = sites_path / name
    site_path.mkdir(parents=True, exist_ok=True)
    (site_path / SITE_CONFIG).write_text(json.dumps(config, indent=1, sort_keys=True) + "\n")
    return site_path


def update_site_config(sites_path: Path, name: str, updates: dict[str, Any]) -> dict[str, Any]:
    """Set keys of the site's own site_config.json (None removes a key); returns the file's new content."""
    read_config(sites_path, name)  # a missing site fails with the list of sites
    own = _read_json(sites_path / name / SITE_CONFIG)
    for key, value in updates.items():
        if value is None:
            own.pop(key, None)
        else:
            own[key] = value
    write_config(sites_path, name, own)
    return own
