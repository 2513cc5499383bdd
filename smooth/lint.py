"""`bench check`: every problem in the apps' metadata, hooks and patches, with stable ids."""

from __future__ import annotations

import json
from pathlib import Path

from smooth.apps import App, core_app, load_app
from smooth.exceptions import HookError, PatchError
from smooth.hooks import Hooks
from smooth.meta.checks import Issue
from smooth.meta.registry import lint
from smooth.patches import read_patches
from smooth.site import bench_root, default_app_paths, read_config


def site_apps(sites_path: Path, site: str | None) -> list[App]:
    paths = default_app_paths()
    if site:
        configured = read_config(sites_path, site).get("apps")
        if configured is not None:
            paths = configured
    apps = [core_app()]
    for path in paths:
        candidate = Path(path)
        apps.append(load_app(candidate if candidate.is_absolute() else bench_root() / candidate))
    return apps


def lint_apps(sites_path: Path, site: str | None = None) -> list[Issue]:
    try:
        apps = site_apps(sites_path, site)
    except HookError as exc:
        return [Issue("hooks.E001", "error", str(exc))]
    issues = lint(apps)
    try:
        Hooks(apps)
    except HookError as exc:
        issues.append(Issue("hooks.E001", "error", str(exc), hint="fix the dotted path in hooks.py"))
    for app in apps:
        try:
            read_patches(app)
        except PatchError as exc:
            issues.append(Issue("patches.E001", "error", str(exc), path=str(app.patches_file)))
        for path in sorted(app.fixtures_path.glob("*.json")) if app.fixtures_path.is_dir() else []:
            try:
                json.loads(path.read_text())
            except json.JSONDecodeError as exc:
                issues.append(Issue("fixtures.E001", "error", f"malformed JSON: {exc.msg} at line {exc.lineno}",
                                    path=str(path)))
    return issues



