"""The merged, resolved hooks of a site's apps.

hooks.py files are plain data (dotted paths as strings, Frappe's key names). Every dotted
path is imported when the site loads, so a typo is a HookError naming the app and the key,
not a surprise the first time the hook fires. Every key is either dispatched (where is
listed beside it below), plain data Smooth reads, or refused: a key Smooth does not act on
must not look as if it worked.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from croniter import croniter

from smooth.apps import CORE_APP_NAME, App
from smooth.exceptions import HookError
from smooth.i18n.deferred import _

WATCHES = "watches"  # the attribute `watching` sets on a doc_events handler
Handler = Callable[..., Any]


def watching(predicate: Callable[[str], bool]) -> Callable[[Handler], Handler]:
    """Mark a `doc_events` handler that does nothing for a doctype where `predicate(doctype)` is false (no
    Workflow, no Notification), so a save skips it instead of calling it to find out. The predicate may read
    only what `db.cached` keeps (rows of cached doctypes): its answer is kept as long as theirs."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, WATCHES, predicate)
        return handler

    return mark


# {doctype_or_name: path | [paths]}: permissions.py, api/method.py, model/document.py (get_controller)
MAPPED_KEYS = ("permission_query_conditions", "has_permission", "override_whitelisted_methods",
               "override_doctype_class")
# path | [paths]: install.py (before/after_install), migrate.py (before/after_migrate),
# auth/login.py (on_login, on_logout, on_session_creation), api/dispatch.py (the request hooks)
LIST_KEYS = ("before_install", "after_install", "before_migrate", "after_migrate", "on_login", "on_logout",
             "on_session_creation", "before_request", "after_request", "auth_hooks")
# read as data: the app's description, `fixtures` (migrate), `website_user_home_page` (login),
# `required_apps` (checked against the site's apps), `doc_events` (every document event),
# `scheduler_events` (checked here, fired by smooth/jobs/scheduler.py), `website_route_rules` (pages/portal.py),
# `base_template_map` ({path regex: layout template}: the chrome of error pages on those paths, pages/rendering.py),
# `commands` (dotted paths to Click commands the app adds to bench, imported only to run one: cli/app_commands.py),
# `ignore_links_on_delete` (doctypes whose links do not stop a delete, model/delete.py),
# `user_data_fields` (the records that name a person: core/personal_data, shape checked here),
# `site_cache_doctypes` (Smooth's own: doctypes whose rows the app reads through `smooth.db.cached`; a committed
# write to one clears the site cache everywhere, smooth/site_cache.py)
DATA_KEYS = ("app_name", "app_title", "app_publisher", "app_description", "app_license", "app_email",
             "app_version", "app_icon", "app_color", "required_apps", "fixtures", "website_user_home_page",
             "doc_events", "scheduler_events", "website_route_rules", "base_template_map", "commands",
             "ignore_links_on_delete", "user_data_fields", "site_cache_doctypes")
# the core is always installed: it satisfies `required_apps` naming it, or naming Frappe (which it stands in for)
CORE_NAMES = (CORE_APP_NAME, "frappe")
# Frappe's hook keys Smooth does not act on: a Frappe app installs unchanged, `bench check` warns (hooks.W001)
FRAPPE_KEYS_IGNORED = frozenset({
    "add_to_apps_screen", "app_home", "app_include_css", "app_include_js", "app_logo_url", "boot_session",
    "calendars", "clear_cache", "default_log_clearing_doctypes", "doctype_calendar_js", "doctype_js",
    "doctype_list_js", "doctype_tree_js", "email_append_to", "export_python_type_annotations", "extend_bootinfo",
    "get_translated_dict", "global_search_doctypes", "has_website_permission", "jinja", "notification_config",
    "on_session_creation_js", "override_doctype_dashboards", "page_js",
    "portal_menu_items", "sounds", "standard_portal_menu_items", "treeviews", "update_website_context",
    "web_include_css", "web_include_js", "webform_include_css", "webform_include_js",
    "website_context", "website_generators", "website_redirects", "welcome_email",
})
NOT_SUPPORTED_YET = {
    "before_tests": "Smooth has no `bench run-tests`; prepare test data in pytest fixtures",
}


def resolve(path: str, where: str) -> Callable[..., Any]:
    """Import `pkg.module.attr`, raising HookError that names `where` and `path` on any failure."""
    if not isinstance(path, str) or "." not in path:
        raise HookError(_("{0}: {1} is not a dotted path to a function", where, repr(path)))
    module_name, _dot, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise HookError(_("{0}: cannot import {1} for {2} ({3})", where, repr(module_name), repr(path), exc)) \
            from exc
    except Exception as exc:
        raise HookError(_("{0}: importing {1} for {2} failed: {3}: {4}", where, repr(module_name), repr(path),
                          type(exc).__name__, exc)) from exc
    try:
        target = getattr(module, attr)
    except AttributeError:
        raise HookError(_("{0}: {1}: module {2} has no attribute {3}", where, repr(path), repr(module_name),
                          repr(attr))) from None
    if not callable(target):
        raise HookError(_("{0}: {1} is not callable", where, repr(path)))
    return target


# `user_data_fields` entries: Frappe's keys, and Smooth's reason, pdf and rewrite_fields (core/personal_data)
USER_DATA_KEYS: dict[str, type | tuple[type, ...]] = {
    "doctype": str, "filter_by": str, "redact_fields": list, "partial": (bool, int), "strict": (bool, int),
    "reason": str, "pdf": (bool, int), "rewrite_fields": list}


def user_data_problem(spec: Any) -> str:
    """What is wrong with one `user_data_fields` entry ("" when nothing)."""
    if not isinstance(spec, dict):
        return f"each entry is a dict, not {type(spec).__name__}"
    unknown = sorted(set(spec) - set(USER_DATA_KEYS))
    if unknown:
        return f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(USER_DATA_KEYS)}"
    if not spec.get("doctype"):
        return 'needs "doctype"'
    for key, kind in USER_DATA_KEYS.items():
        if key in spec and not isinstance(spec[key], kind):
            return f"{key!r} of {spec.get('doctype')!r} must be a {getattr(kind, '__name__', 'flag (0/1)')}"
    for key in ("redact_fields", "rewrite_fields"):
        if not all(isinstance(f, str) and f for f in spec.get(key) or []):
            return f"{key} of {spec['doctype']!r} must be a list of field names"
    return ""


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


# Frappe's scheduler frequencies as cron strings; `<frequency>_long` runs on the long queue
FREQUENCIES = {"all": "*/4 * * * *", "hourly": "0 * * * *", "daily": "0 0 * * *", "weekly": "0 0 * * 0",
               "monthly": "0 0 1 * *"}


@dataclass(frozen=True)
class ScheduledEvent:
    """One `scheduler_events` entry: a method, its frequency key and when it is due."""

    method: str
    frequency: str  # "daily", "hourly_long", "cron:*/15 * * * *", ...
    cron: str
    queue: str

    @property
    def job_type(self) -> str:
        return f"{self.method} ({self.frequency})"


class Hooks:
    """Hooks of all apps, in install order (later apps' handlers run later).

    Raises the first HookError found; `Hooks.check(apps)` returns all of them instead.
    """

    def __init__(self, apps: Sequence[App], *, errors: list[HookError] | None = None,
                 installed_before: Collection[str] = ()) -> None:
        self.apps = list(apps)
        self.doc_events: dict[str, dict[str, list[Callable[..., Any]]]] = defaultdict(lambda: defaultdict(list))
        self.mapped: dict[str, dict[str, list[Callable[..., Any]]]] = {k: defaultdict(list) for k in MAPPED_KEYS}
        self.lists: dict[str, list[Callable[..., Any]]] = {k: [] for k in LIST_KEYS}
        self.fixtures: list[tuple[App, Any]] = []
        self.scheduled: list[ScheduledEvent] = []
        self.warnings: list[HookError] = []
        self._events: dict[tuple[str, str], tuple[Callable[..., Any], ...]] = {}
        self._errors = errors
        for position, app in enumerate(self.apps):
            self._app = app
            self._load(app)
            self._check_required(app, {CORE_APP_NAME, *installed_before, *(a.name for a in self.apps[:position])})

    @classmethod
    def check(cls, apps: Sequence[App]) -> list[HookError]:
        """Every unresolvable entry of every app's hooks.py, then every warning (for `bench check`)."""
        errors: list[HookError] = []
        return errors + cls(apps, errors=errors).warnings

    def _fail(self, message: str, check_id: str | None = None) -> None:
        error = HookError(message, check_id=check_id)
        error.path = str(self._app.path / "hooks.py")
        if self._errors is None:
            raise error
        self._errors.append(error)

    def _resolve(self, path: str, where: str) -> Callable[..., Any] | None:
        try:
            return resolve(path, where)
        except HookError as exc:
            self._fail(exc.message)
            return None

    def _mapping(self, manifest: ModuleType, key: str, where: str) -> dict[Any, Any]:
        value = getattr(manifest, key, None) or {}
        if not isinstance(value, dict):
            self._fail(f"{where}: {key} must be a dict, not {type(value).__name__}")
            return {}
        return value

    def _load(self, app: App) -> None:
        manifest = app.manifest
        where = f"hooks.py of app {app.name!r}"
        for doctype, events in self._mapping(manifest, "doc_events", where).items():
            if not isinstance(events, dict):
                self._fail(f"{where}: doc_events[{doctype!r}] must be a dict of event -> path")
                continue
            for event, paths in events.items():
                for path in _as_list(paths):
                    handler = self._resolve(path, f"{where}: doc_events[{doctype!r}][{event!r}]")
                    if handler:
                        self.doc_events[doctype][event].append(handler)
        for key in MAPPED_KEYS:
            for name, paths in self._mapping(manifest, key, where).items():
                for path in _as_list(paths):
                    handler = self._resolve(path, f"{where}: {key}[{name!r}]")
                    if handler:
                        self.mapped[key][name].append(handler)
        for key in LIST_KEYS:
            for path in _as_list(getattr(manifest, key, None)):
                handler = self._resolve(path, f"{where}: {key}")
                if handler:
                    self.lists[key].append(handler)
        self._load_scheduler_events(manifest, where)
        self._check_user_data_fields(getattr(manifest, "user_data_fields", None), where)
        self._refuse_unknown_keys(manifest, where)
        for spec in _as_list(getattr(manifest, "fixtures", None)):
            doctype = (spec.get("dt") or spec.get("doctype")) if isinstance(spec, dict) else spec
            if not doctype or not isinstance(doctype, str):
                self._fail(f"{where}: fixtures entries are doctype names or dicts with a \"dt\" key")
                continue
            self.fixtures.append((app, spec))

    def _load_scheduler_events(self, manifest: ModuleType, where: str) -> None:
        where = f"{where}: scheduler_events"
        for key, paths in self._mapping(manifest, "scheduler_events", where).items():
            if key == "cron":
                if not isinstance(paths, dict):
                    self._fail(f'{where}["cron"] must map a cron string to a list of dotted paths')
                    continue
                for expr, cron_paths in paths.items():
                    if not isinstance(expr, str) or not croniter.is_valid(expr):
                        self._fail(f'{where}["cron"]: {expr!r} is not a valid cron string')
                        continue
                    self._add_events(cron_paths, f"cron:{expr}", expr, "default", where)
                continue
            base = key.removesuffix("_long") if isinstance(key, str) else key
            if base not in FREQUENCIES:
                self._fail(f"{where}: unknown frequency {key!r}; use {', '.join(FREQUENCIES)}, their _long "
                           "variants, or cron")
                continue
            self._add_events(paths, key, FREQUENCIES[base], "long" if key.endswith("_long") else "default", where)

    def _add_events(self, paths: Any, frequency: str, cron: str, queue: str, where: str) -> None:
        for path in _as_list(paths):
            if self._resolve(path, f"{where}[{frequency!r}]"):
                self.scheduled.append(ScheduledEvent(path, frequency, cron, queue))

    def _check_user_data_fields(self, value: Any, where: str) -> None:
        """Frappe's shape: a list of {"doctype", "filter_by", "redact_fields", "partial", "strict"} (and Smooth's
        "reason", "pdf", "rewrite_fields"); that the doctypes and fields exist is checked against the site's meta
        (smooth/core/personal_data/declarations.py)."""
        if value is None:
            return
        where = f"{where}: user_data_fields"
        if not isinstance(value, list | tuple):
            self._fail(f"{where} must be a list of dicts, not {type(value).__name__}")
            return
        for position, spec in enumerate(value):
            problem = user_data_problem(spec)
            if problem:
                self._fail(f"{where}[{position}]: {problem}")

    def _check_required(self, app: App, installed_before: set[str]) -> None:
        for required in _as_list(getattr(app.manifest, "required_apps", None)):
            if required not in installed_before and required not in CORE_NAMES:
                self._fail(f"hooks.py of app {app.name!r}: required_apps names {required!r}, which is not installed "
                           f"before it (installed: {', '.join(sorted(installed_before)) or 'none'})", "hooks.E005")

    def _refuse_unknown_keys(self, manifest: ModuleType, where: str) -> None:
        known = set(MAPPED_KEYS) | set(LIST_KEYS) | set(DATA_KEYS)
        for key, value in vars(manifest).items():
            if key.startswith("_") or key in known or isinstance(value, ModuleType) or callable(value):
                continue
            if key in FRAPPE_KEYS_IGNORED:
                warning = HookError(f"{where}: {key} is a Frappe hook Smooth does not act on; it is ignored",
                                    check_id="hooks.W001")
                warning.path = str(self._app.path / "hooks.py")
                self.warnings.append(warning)
            elif key in NOT_SUPPORTED_YET:
                if value:
                    self._fail(f"{where}: {key} is not supported yet: {NOT_SUPPORTED_YET[key]}", "hooks.E003")
            else:
                self._fail(f"{where}: unknown key {key!r}; Smooth dispatches "
                           f"{', '.join(sorted(set(MAPPED_KEYS) | set(LIST_KEYS)))}", "hooks.E004")

    def events_for(self, doctype: str, event: str) -> tuple[Callable[..., Any], ...]:
        """The doctype's handlers, then those for "*" (worked out once per pair: every save asks ~8 times)."""
        key = (doctype, event)
        handlers = self._events.get(key)
        if handlers is None:
            found: list[Callable[..., Any]] = []
            if doctype in self.doc_events:
                found.extend(self.doc_events[doctype].get(event, ()))
            if "*" in self.doc_events:
                found.extend(self.doc_events["*"].get(event, ()))
            handlers = self._events[key] = tuple(found)
        return handlers

    def mapped_for(self, key: str, name: str) -> list[Callable[..., Any]]:
        return self.mapped[key].get(name, [])

    def get(self, key: str) -> list[Any]:
        """Raw values of `key` across apps (for data keys such as website_route_rules)."""
        values: list[Any] = []
        for app in self.apps:
            values.extend(_as_list(getattr(app.manifest, key, None)))
        return values
