"""Which `frappe.*` names an app's code uses that the compatibility layer does not provide (for `bench check`).

Each module's syntax tree is read, nothing is run: `import frappe` / `from frappe.x import y`
bind names, and every `frappe.a.b.c` chain is followed through the layer's modules, and through
objects whose class says it is closed (`frappe.db`, `frappe.session`). Open objects
(`frappe.local`, `frappe.flags`, `frappe.form_dict`), functions and classes end the walk.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from smooth.frappe_compat import finder


@dataclass(frozen=True)
class Unprovided:
    path: Path
    line: int
    name: str  # e.g. "frappe.get_cached_doc"


_UNRESOLVED = object()


def _module(frappe_name: str) -> ModuleType | None:
    mapped = finder.mapped_name(frappe_name)
    try:
        return importlib.import_module(mapped) if importlib.util.find_spec(mapped) else None
    except ModuleNotFoundError:
        return None


def _step(value: Any, attr: str) -> Any:
    """The attribute `attr` of `value` as far as can be told without running app code; None: stop looking."""
    if isinstance(value, ModuleType):
        if attr in vars(value):
            return vars(value)[attr]
        child = _module(finder.FRAPPE + value.__name__[len(finder.TARGET):] + "." + attr)
        return child if child is not None else _UNRESOLVED
    if getattr(type(value), "closed", False):
        return None if hasattr(type(value), attr) else _UNRESOLVED
    return None


def _resolve(root: Any, root_name: str, attrs: list[str]) -> str | None:
    """The first dotted name along `attrs` that does not resolve, else None."""
    value, name = root, root_name
    for attr in attrs:
        name = f"{name}.{attr}"
        value = _step(value, attr)
        if value is _UNRESOLVED:
            return name
        if value is None:
            return None
    return None


def _chain(node: ast.Attribute) -> tuple[str, list[str]] | None:
    attrs: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        attrs.append(current.attr)
        current = current.value
    return (current.id, attrs[::-1]) if isinstance(current, ast.Name) else None


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Nodes under `if TYPE_CHECKING:` (Frappe's generated `from frappe.types import DF` block): never run."""
    return {id(sub) for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for body in node.body for sub in ast.walk(body)}


def check_source(path: Path, source: str) -> list[Unprovided]:
    tree = ast.parse(source, filename=str(path))
    skipped = _type_checking_only(tree)
    nodes = [node for node in ast.walk(tree) if id(node) not in skipped]
    bound: dict[str, str] = {}  # local name -> the frappe name it stands for
    found: list[Unprovided] = []
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == finder.FRAPPE:
                    if _module(alias.name) is None:
                        found.append(Unprovided(path, node.lineno, alias.name))
                    bound[alias.asname or finder.FRAPPE] = alias.name if alias.asname else finder.FRAPPE
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module \
                and node.module.split(".")[0] == finder.FRAPPE:
            module = _module(node.module)
            if module is None:
                found.append(Unprovided(path, node.lineno, node.module))
                continue
            for alias in node.names:
                missing = _resolve(module, node.module, [alias.name]) if alias.name != "*" else None
                if missing:
                    found.append(Unprovided(path, node.lineno, missing))
                elif isinstance(vars(module).get(alias.name), ModuleType):
                    bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in nodes:
        if isinstance(node, ast.Attribute):  # inner chains of a longer one repeat its first gap: deduplicated below
            chain = _chain(node)
            if chain is None or chain[0] not in bound:
                continue
            root_name = bound[chain[0]]
            root = _module(root_name)
            missing = _resolve(root, root_name, chain[1]) if root is not None else None
            if missing:
                found.append(Unprovided(path, node.lineno, missing))
    return sorted(set(found), key=lambda u: (str(u.path), u.line, u.name))


def check_folder(folder: Path) -> list[Unprovided]:
    """Every unprovided `frappe.*` use in the Python files under `folder` that import frappe."""
    found: list[Unprovided] = []
    for path in sorted(folder.rglob("*.py")):
        source = path.read_text(encoding="utf-8", errors="replace")
        if finder.FRAPPE in source:
            try:
                found.extend(check_source(path, source))
            except SyntaxError:
                continue  # the controller import check reports it
    return found
