"""Every doctype of a site's apps, loaded once and checked as a whole."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from smooth.apps import App
from smooth.exceptions import DoesNotExistError, MetaError
from smooth.i18n.deferred import _
from smooth.meta.checks import Issue, check_doctype, check_links
from smooth.meta.doctype import Meta
from smooth.meta.frappe_keys import key_warnings


def read_doctype_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise MetaError(f"{path}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except UnicodeDecodeError as exc:
        raise MetaError(f"{path}: malformed JSON: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if not isinstance(data, dict):
        raise MetaError(f"{path}: a doctype file must hold one JSON object")
    return data


class MetaRegistry:
    """Doctype name -> Meta for a site. Raises MetaError listing every error found.

    With `strict=False` (what `bench check` uses) nothing is raised: `issues` holds everything.
    """

    def __init__(self, apps: Sequence[App], *, strict: bool = True) -> None:
        self.metas: dict[str, Meta] = {}
        self.issues: list[Issue] = []
        broken: set[str] = set()
        for app in apps:
            for module, path in app.doctype_files():
                self._load(app, module.package, path, broken)
        self.issues.extend(check_links(self.metas, broken=broken))
        errors = [i for i in self.issues if i.level == "error"]
        if errors and strict:
            raise MetaError("invalid doctype metadata:\n" + "\n".join(f"  {e}" for e in errors))

    def _load(self, app: App, package: str, path: Path, broken: set[str]) -> None:
        try:
            data = read_doctype_file(path)
        except MetaError as exc:
            self.issues.append(Issue("meta.E001", "error", exc.message.removeprefix(f"{path}: "), path=str(path),
                                     hint="fix the JSON syntax (a trailing comma or a missing quote?)"))
            return
        issues = check_doctype(data, path)
        self.issues.extend(issues)
        self.issues.extend(key_warnings(data, path))
        if any(i.level == "error" for i in issues):
            if isinstance(data.get("name"), str):
                broken.add(data["name"])  # its own error is reported; links to it are not also "missing"
            return
        name = data["name"]
        if name in self.metas:
            self.issues.append(Issue("meta.E011", "error", f"doctype {name!r} is defined twice",
                                     path=str(path), hint=f"also in {self.metas[name].path}"))
            return
        data["_module_package"] = package
        self.metas[name] = Meta(data, path=path, app=app.name)

    def get(self, doctype: str) -> Meta:
        try:
            return self.metas[doctype]
        except KeyError:
            raise DoesNotExistError(_("DocType {0} not found", doctype)) from None

    def __contains__(self, doctype: object) -> bool:
        return doctype in self.metas

    def __iter__(self) -> Iterator[Meta]:
        return iter(self.metas.values())


def lint(apps: Sequence[App]) -> list[Issue]:
    """Every issue of every doctype file, without stopping at the first broken one."""
    return MetaRegistry(apps, strict=False).issues
