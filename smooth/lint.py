"""`bench check`: every problem in the apps' metadata, hooks and patches, with stable ids."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

from smooth.apps import App, core_app, load_app
from smooth.code_checks import code_issues
from smooth.core.personal_data.declarations import HOOK as USER_DATA_HOOK
from smooth.core.personal_data.declarations import spec_problem
from smooth.exceptions import HookError, PatchError, ValidationError
from smooth.fixtures import shipped_records
from smooth.hooks import Hooks, user_data_problem
from smooth.meta import customization
from smooth.meta.checks import Issue
from smooth.meta.customization import CUSTOM_FIELD, PROPERTY_SETTER
from smooth.meta.registry import MetaRegistry
from smooth.patches import read_patches
from smooth.site import bench_root, default_app_paths, read_config

HOOK_HINTS = {
    "hooks.E002": "fix the dotted path or the value's shape in hooks.py",
    "hooks.E003": "remove the key until Smooth supports it (it would never fire)",
    "hooks.E004": "remove the key or correct its spelling (docs/architecture.md lists the keys)",
    "hooks.W001": "nothing to do to install; what the key does in Frappe does not happen on Smooth",
    "hooks.E005": "install the required app first (bench install-app), or drop it from required_apps",
    "hooks.E006": "name an existing doctype and its fields in user_data_fields (docs/personal-data.md)",
}


def app_paths(sites_path: Path, site: str | None) -> list[Path]:
    """The site's configured apps (or the bench's default app), as absolute folders."""
    paths = default_app_paths()
    if site:
        configured = read_config(sites_path, site).get("apps")
        if configured is not None:
            paths = configured
    return [Path(p) if Path(p).is_absolute() else bench_root() / p for p in paths]


def site_apps(sites_path: Path, site: str | None) -> list[App]:
    return [core_app()] + [load_app(path) for path in app_paths(sites_path, site)]


def lint_apps(sites_path: Path, site: str | None = None) -> list[Issue]:
    """Every issue, not just the first: an app whose hooks.py cannot load is reported and skipped."""
    issues: list[Issue] = []
    apps = [core_app()]
    for path in app_paths(sites_path, site):
        try:
            apps.append(load_app(path))
        except HookError as exc:
            issues.append(Issue("hooks.E001", "error", exc.message, path=str(path / "hooks.py"),
                                hint="hooks.py must be importable plain data"))
    registry = MetaRegistry(apps, strict=False)
    issues.extend(registry.issues)
    for error in Hooks.check(apps):
        level = "warning" if error.check_id.startswith("hooks.W") else "error"
        issues.append(Issue(error.check_id, level, error.message, path=error.path, hint=HOOK_HINTS[error.check_id]))
    for app in apps:
        issues.extend(_patch_issues(app))
        issues.extend(_fixture_issues(app, registry))
    issues.extend(code_issues(apps, registry))
    issues.extend(_customization_issues(apps, registry))
    issues.extend(_user_data_issues(apps, registry))
    return issues


def _user_data_issues(apps: list[App], registry: MetaRegistry) -> list[Issue]:
    """`user_data_fields` entries naming a doctype or field the apps do not have (their shape: Hooks.check)."""
    issues = []
    for app in apps:
        for spec in getattr(app.manifest, USER_DATA_HOOK, None) or []:
            if user_data_problem(spec):
                continue  # reported by Hooks.check
            problem = spec_problem(spec, registry)
            if problem:
                issues.append(Issue("hooks.E006", "error", f"{USER_DATA_HOOK}: {problem}",
                                    path=str(app.path / "hooks.py"), hint=HOOK_HINTS["hooks.E006"]))
    return issues


def _customization_issues(apps: list[App], registry: MetaRegistry) -> list[Issue]:
    """Shipped Custom Fields and Property Setters that would not apply (an unknown doctype or field, a taken
    fieldname, a locked property), tried on a copy of the metadata as a site would lay them over it."""
    try:
        shipped = shipped_records(apps)
    except ValidationError:
        return []  # a malformed file: fixtures.E001 says so
    issues: list[Issue] = []
    for path, records in shipped:
        fields = [r for r in records if isinstance(r, dict) and r.get("doctype") == CUSTOM_FIELD]
        setters = [r for r in records if isinstance(r, dict) and r.get("doctype") == PROPERTY_SETTER]
        if fields or setters:
            issues.extend(dataclasses.replace(i, path=str(path))
                          for i in customization.apply(dict(registry.metas), fields, setters))
    return issues


def _patch_issues(app: App) -> list[Issue]:
    try:
        patches = read_patches(app)
    except PatchError as exc:
        message = exc.message.removeprefix(f"{app.patches_file}: ")
        return [Issue("patches.E001", "error", message, path=str(app.patches_file),
                      hint="sections are [pre_model_sync] and [post_model_sync]")]
    issues = []
    for patch in patches:
        target = patch.target
        if target.startswith("execute:"):
            continue
        try:
            found = importlib.util.find_spec(target) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            issues.append(Issue("patches.E002", "error", f"patch module {target!r} cannot be found",
                                path=str(app.patches_file), hint="each line names a module with an execute()"))
    return issues


def _fixture_issues(app: App, registry: MetaRegistry) -> list[Issue]:
    issues = []
    for path in sorted(app.fixtures_path.glob("*.json")) if app.fixtures_path.is_dir() else []:
        problem = None
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            problem = f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        except UnicodeDecodeError as exc:
            problem = f"malformed JSON: not UTF-8 ({exc.reason} at byte {exc.start})"
        if problem:
            issues.append(Issue("fixtures.E001", "error", problem, path=str(path),
                                hint="fixture files hold a JSON list of records"))
            continue
        for position, record in enumerate(records if isinstance(records, list) else [records], start=1):
            doctype = record.get("doctype") if isinstance(record, dict) else None
            if doctype not in registry:
                issues.append(Issue("fixtures.E002", "error",
                                    f"record {position} names no known doctype ({doctype!r})", path=str(path),
                                    hint='every record needs "doctype": "<an existing DocType>"'))
    return issues
