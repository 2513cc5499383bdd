"""A throwaway app written into tmp_path, with its own site, for migrate / patch / fixture tests.

The shared test app must stay untouched (other tests use it concurrently), so every test
builds its own app with a unique module name: Python caches imported modules by package
name, and a fresh package per test keeps one test's patch modules out of another's way.
"""

from __future__ import annotations

import importlib
import json
import secrets
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect

import smooth
from smooth.meta.doctype import scrub
from smooth.migrate import MigrateReport, migrate
from tests.conftest import SiteHandle, create_site, drop_site

DDL_WORDS = ("CREATE", "ALTER", "DROP")


class MiniApp:
    """An app folder: hooks.py, modules.txt, one package, doctype JSON, patches.txt, fixtures/."""

    def __init__(self, root: Path, hooks: str = "") -> None:
        token = secrets.token_hex(4)
        self.module = f"Mig Test {token}"
        self.package = scrub(self.module)
        self.name = f"mig_app_{token}"
        self.path = root / self.name
        self.package_path = self.path / self.package
        self.package_path.mkdir(parents=True)
        (self.package_path / "__init__.py").write_text("")
        (self.path / "modules.txt").write_text(self.module + "\n")
        (self.path / "hooks.py").write_text(f"app_name = {self.name!r}\n" + textwrap.dedent(hooks))

    def doctype(self, name: str, fields: list[dict[str, Any]], **extra: Any) -> Path:
        """Write (or overwrite) the JSON file of doctype `name`."""
        folder = self.package_path / "doctype" / scrub(name)
        folder.mkdir(parents=True, exist_ok=True)
        data = {"doctype": "DocType", "name": name, "module": self.module, "fields": fields,
                "permissions": [{"role": "System Manager", "read": 1, "write": 1, "create": 1, "delete": 1}],
                **extra}
        path = folder / f"{scrub(name)}.json"
        path.write_text(json.dumps(data, indent=1))
        return path

    def remove_doctype(self, name: str) -> None:
        folder = self.package_path / "doctype" / scrub(name)
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()

    def patches(self, text: str) -> None:
        (self.path / "patches.txt").write_text(textwrap.dedent(text).lstrip())

    def python_module(self, relative: str, source: str) -> str:
        """Write `<package>/<relative>.py` (creating packages on the way); return its dotted name.

        A module already imported under that name is forgotten, as a new bench process would.
        """
        parts = relative.split("/")
        folder = self.package_path
        for part in parts[:-1]:
            folder = folder / part
            folder.mkdir(exist_ok=True)
            (folder / "__init__.py").touch()
        (folder / f"{parts[-1]}.py").write_text(textwrap.dedent(source).lstrip())
        for stale in folder.glob(f"__pycache__/{parts[-1]}.*.pyc"):
            stale.unlink()
        dotted = ".".join([self.package, *parts])
        sys.modules.pop(dotted, None)
        importlib.invalidate_caches()
        return dotted

    def fixture(self, doctype: str, records: list[dict[str, Any]]) -> Path:
        folder = self.path / "fixtures"
        folder.mkdir(exist_ok=True)
        path = folder / f"{scrub(doctype)}.json"
        path.write_text(json.dumps(records, indent=1))
        return path


def data_field(fieldname: str, fieldtype: str = "Data", **extra: Any) -> dict[str, Any]:
    label = fieldname.replace("_", " ").title()
    return {"fieldname": fieldname, "fieldtype": fieldtype, "label": label, **extra}


@contextmanager
def mini_site(tmp_path: Path, backend: str, app: MiniApp) -> Iterator[SiteHandle]:
    """A new site with `app` installed; dropped afterwards."""
    handle = create_site(tmp_path, backend, [str(app.path)], prefix="m")
    try:
        yield handle
    finally:
        drop_site(handle)


def run_migrate(handle: SiteHandle, **kwargs: Any) -> tuple[MigrateReport, list[str]]:
    lines: list[str] = []
    with handle.context():
        report = migrate(echo=lines.append, **kwargs)
    return report, lines


@contextmanager
def recorded_sql(handle: SiteHandle) -> Iterator[list[str]]:
    """Every statement the site's engine sends while the block runs."""
    with handle.context():
        engine = smooth.local.site.engine
    statements: list[str] = []

    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def ddl_in(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(DDL_WORDS)]


def columns(handle: SiteHandle, table: str) -> dict[str, Any]:
    """Live column name -> reflected column info."""
    with handle.context():
        engine = smooth.local.site.engine
    return {c["name"]: c for c in inspect(engine).get_columns(table)}


def indexes(handle: SiteHandle, table: str) -> dict[str, dict[str, Any]]:
    """Live index name -> reflected index info (MariaDB reports unique constraints as unique indexes)."""
    with handle.context():
        engine = smooth.local.site.engine
    found = {i["name"]: i for i in inspect(engine).get_indexes(table)}
    for constraint in inspect(engine).get_unique_constraints(table):
        found.setdefault(constraint["name"], {"name": constraint["name"],
                                              "column_names": constraint["column_names"], "unique": True})
    return found


def table_names(handle: SiteHandle) -> set[str]:
    with handle.context():
        engine = smooth.local.site.engine
    return set(inspect(engine).get_table_names())
