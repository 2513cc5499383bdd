"""Throwaway apps written into tmp_path for metadata, lint, hooks and CLI tests.

Every app gets a module name with a random suffix: Python caches imported packages by name,
so a fresh package per test keeps one test's handler modules out of another's way.
"""

from __future__ import annotations

import json
import secrets
import textwrap
from pathlib import Path
from typing import Any

from smooth.apps import App, load_app
from smooth.meta.doctype import scrub

FULL_PERMS = {"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1}


class ThrowawayApp:
    """An app folder: hooks.py, modules.txt, one package with doctypes and Python modules."""

    def __init__(self, root: Path, prefix: str = "Meta Test") -> None:
        token = secrets.token_hex(4)
        self.module = f"{prefix} {token}"
        self.package = scrub(self.module)
        self.name = f"{scrub(prefix)}_app_{token}"
        self.path = root / self.name
        self.package_path = self.path / self.package
        self.package_path.mkdir(parents=True)
        (self.package_path / "__init__.py").write_text("")
        (self.path / "modules.txt").write_text(self.module + "\n")
        self.hooks("")

    def hooks(self, body: str) -> ThrowawayApp:
        (self.path / "hooks.py").write_text(f"app_name = {self.name!r}\n" + textwrap.dedent(body))
        return self

    def doctype(self, name: str, fields: list[dict[str, Any]] | None = None, **props: Any) -> Path:
        """Write a doctype JSON file (with a System Manager permission unless given)."""
        data: dict[str, Any] = {"doctype": "DocType", "name": name, "module": self.module,
                                "fields": fields or [], "permissions": [FULL_PERMS]}
        data.update(props)
        return self.raw_doctype(scrub(name), json.dumps(data, indent=1))

    def raw_doctype(self, folder: str, text: str) -> Path:
        """Write `text` verbatim as doctype/<folder>/<folder>.json (for malformed files)."""
        target = self.package_path / "doctype" / folder / f"{folder}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        return target

    def python(self, module: str, source: str) -> str:
        """Write <package>/<module>.py; returns its dotted module path."""
        (self.package_path / f"{module}.py").write_text(textwrap.dedent(source))
        return f"{self.package}.{module}"

    def patches(self, text: str) -> Path:
        target = self.path / "patches.txt"
        target.write_text(textwrap.dedent(text))
        return target

    def fixture(self, filename: str, text: str) -> Path:
        target = self.path / "fixtures" / filename
        target.parent.mkdir(exist_ok=True)
        target.write_text(text)
        return target

    def load(self) -> App:
        return load_app(self.path)


def field(fieldname: str, fieldtype: str = "Data", **props: Any) -> dict[str, Any]:
    return {"fieldname": fieldname, "fieldtype": fieldtype, "label": fieldname.replace("_", " ").title(), **props}
