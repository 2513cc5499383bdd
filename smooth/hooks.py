"""The merged, resolved hooks of a site's apps.

hooks.py files are plain data (dotted paths as strings, Frappe's key names). Every dotted
path is imported when the site loads, so a typo is a HookError naming the app and the key,
not a surprise the first time the hook fires.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from smooth.apps import App
from smooth.exceptions import HookError

# keys whose values are {doctype_or_name: path | [paths]}
MAPPED_KEYS = ("permission_query_conditions", "has_permission", "override_whitelisted_methods",
               "override_doctype_class")
# keys whose values are path | [paths]
LIST_KEYS = ("before_install", "after_install", "before_migrate", "after_migrate", "on_login", "on_logout",
             "on_session_creation", "before_request", "after_request", "auth_hooks", "before_tests")
SCHEDULER_FREQUENCIES = ("all", "hourly", "daily", "weekly", "monthly", "hourly_long", "daily_long",
                         "weekly_long", "monthly_long")


def resolve(path: str, where: str) -> Callable[..., Any]:
    """Import `pkg.module.attr`, raising HookError that names `where` on any failure."""
    if not isinstance(path, str) or "." not in path:
        raise HookError(f"{where}: {path!r} is not a dotted path to a function")
    module_name, _, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise HookError(f"{where}: cannot import {module_name!r} for {path!r} ({exc})") from exc
    try:
        target = getattr(module, attr)
    except AttributeError:
        raise HookError(f"{where}: module {module_name!r} has no attribute {attr!r}") from None
    if not callable(target):
        raise HookError(f"{where}: {path!r} is not callable")
    return target


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class Hooks:
    """Hooks of all apps, in install order (later apps' handlers run later)."""

    def __init__(self, apps: Sequence[App]) -> None:
        self.apps = list(apps)
        self.doc_events: dict[str, dict[str, list[Callable[..., Any]]]] = defaultdict(lambda: defaultdict(list))
        self.mapped: dict[str, dict[str, list[Callable[..., Any]]]] = {k: defaultdict(list) for k in MAPPED_KEYS}
        self.lists: dict[str, list[Callable[..., Any]]] = {k: [] for k in LIST_KEYS}
        self.scheduler: dict[str, list[tuple[str, Callable[..., Any]]]] = defaultdict(list)
        self.fixtures: list[tuple[App, Any]] = []
        for app in self.apps:
            self._load(app)

    def _load(self, app: App) -> None:
        manifest = app.manifest
        where = f"hooks.py of app {app.name!r}"
        for doctype, events in (getattr(manifest, "doc_events", None) or {}).items():
            if not isinstance(events, dict):
                raise HookError(f"{where}: doc_events[{doctype!r}] must be a dict of event -> path")
            for event, paths in events.items():
                for path in _as_list(paths):
                    self.doc_events[doctype][event].append(
                        resolve(path, f"{where}: doc_events[{doctype!r}][{event!r}]"))
        for key in MAPPED_KEYS:
            for name, paths in (getattr(manifest, key, None) or {}).items():
                for path in _as_list(paths):
                    self.mapped[key][name].append(resolve(path, f"{where}: {key}[{name!r}]"))
        for key in LIST_KEYS:
            for path in _as_list(getattr(manifest, key, None)):
                self.lists[key].append(resolve(path, f"{where}: {key}"))
        for frequency, paths in (getattr(manifest, "scheduler_events", None) or {}).items():
            if frequency == "cron":
                for expression, cron_paths in paths.items():
                    for path in _as_list(cron_paths):
                        self.scheduler[f"cron:{expression}"].append(
                            (path, resolve(path, f"{where}: scheduler_events['cron'][{expression!r}]")))
            elif frequency in SCHEDULER_FREQUENCIES:
                for path in _as_list(paths):
                    self.scheduler[frequency].append(
                        (path, resolve(path, f"{where}: scheduler_events[{frequency!r}]")))
            else:
                raise HookError(f"{where}: unknown scheduler_events frequency {frequency!r}")
        for spec in _as_list(getattr(manifest, "fixtures", None)):
            if not isinstance(spec, str | dict):
                raise HookError(f"{where}: fixtures entries are doctype names or dicts")
            self.fixtures.append((app, spec))

    def events_for(self, doctype: str, event: str) -> list[Callable[..., Any]]:
        handlers = []
        if doctype in self.doc_events:
            handlers.extend(self.doc_events[doctype].get(event, ()))
        if "*" in self.doc_events:
            handlers.extend(self.doc_events["*"].get(event, ()))
        return handlers

    def mapped_for(self, key: str, name: str) -> list[Callable[..., Any]]:
        return self.mapped[key].get(name, [])

    def get(self, key: str) -> list[Any]:
        """Raw values of `key` across apps (for data keys such as website_route_rules)."""
        values: list[Any] = []
        for app in self.apps:
            values.extend(_as_list(getattr(app.manifest, key, None)))
        return values
