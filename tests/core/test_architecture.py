"""The layer order of docs/architecture.md holds in the code: no upward import, no cycle, no hidden import.

The table in the document is the single statement of the layers; this test parses it, so
the document cannot drift from the code without failing here.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "smooth"
DOC = ROOT / "docs" / "architecture.md"
# (importing module, imported module): heavy parts loaded only by the one command that needs them
LAZY_ALLOWED = {("smooth.migrate", "smooth.db.sync"), ("smooth.file_storage", "smooth.file_storage.s3")}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    in_function: bool


def read_layers() -> dict[str, int]:
    layers: dict[str, int] = {}
    for match in re.finditer(r"^\| (\d+) \| [^|]+ \| (.+) \|$", DOC.read_text(), re.MULTILINE):
        for name in re.findall(r"`([\w.]+)`", match.group(2)):
            layers[name] = int(match.group(1))
    return layers


def module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(sub) for sub in ast.walk(node))
    return skipped


def import_edges() -> list[Edge]:
    modules = module_names()
    edges = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text())
        skipped = _type_checking_nodes(tree)
        in_function = {id(sub) for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
                       for sub in ast.walk(fn)}
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                    base = ".".join(anchor[:len(anchor) - node.level + 1] + ([base] if base else []))
                # `from smooth import x` imports the facade unless x is a submodule
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            else:
                continue
            for target in targets:
                resolved = _resolve(target, modules) if target.split(".")[0] == "smooth" else None
                if resolved and resolved != module:
                    edges.append(Edge(module, resolved, node.lineno, id(node) in in_function))
    return edges


def layer_of(module: str, layers: dict[str, int]) -> int | None:
    name = module
    while name:
        if name in layers:
            return layers[name]
        name = name.rpartition(".")[0]
    return None


def test_the_document_names_every_layer() -> None:
    layers = read_layers()
    assert sorted(set(layers.values())) == list(range(14)), "docs/architecture.md lost its layer table"


def test_every_module_of_the_core_is_in_a_layer() -> None:
    layers = read_layers()
    unplaced = sorted(m for m in module_names() if layer_of(m, layers) is None)
    assert not unplaced, f"place these modules in docs/architecture.md's layer table: {unplaced}"


def test_no_import_goes_up_a_layer() -> None:
    layers = read_layers()
    upward = [f"{e.source}:{e.line} imports {e.target} (layer {layer_of(e.source, layers)} -> "
              f"{layer_of(e.target, layers)})"
              for e in import_edges()
              if (layer_of(e.source, layers) or 0) < (layer_of(e.target, layers) or 0)]
    assert not upward, "\n".join(upward)


def test_no_import_is_tucked_into_a_function() -> None:
    hidden = [f"{e.source}:{e.line} imports {e.target} inside a function"
              for e in import_edges() if e.in_function and (e.source, e.target) not in LAZY_ALLOWED]
    assert not hidden, "\n".join(hidden)


def test_core_modules_do_not_import_the_facade() -> None:
    facade = [f"{e.source}:{e.line}" for e in import_edges() if e.target == "smooth"]
    assert not facade, f"import the concrete module instead of `smooth`: {facade}"


def test_there_are_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {m: set() for m in module_names()}
    for edge in import_edges():
        graph[edge.source].add(edge.target)
    cycles = _strongly_connected(graph)
    assert not cycles, f"import cycles: {cycles}"


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("source", [
    "from smooth.model.document import Document\n",
    "def f():\n    from smooth.asgi import create_app\n",
])
def test_the_checker_sees_upward_and_hidden_imports(tmp_path: Path, source: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks above would pass vacuously if the parser missed imports: prove it finds a planted one."""
    fake_root = tmp_path
    (fake_root / "smooth" / "model").mkdir(parents=True)
    for name in ("__init__.py", "model/__init__.py", "model/document.py", "asgi.py"):
        (fake_root / "smooth" / name).write_text("")
    (fake_root / "smooth" / "exceptions.py").write_text(source)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake_root / "smooth")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake_root)
    edges = [e for e in import_edges() if e.source == "smooth.exceptions"]
    assert len(edges) == 1
    assert edges[0].in_function == source.startswith("def")
    assert layer_of(edges[0].source, read_layers()) < layer_of(edges[0].target, read_layers())


APPS = ("smooth_lms", "smooth_hr")
# what an app may import of the framework: the facade and the modules a Frappe developer imports by name
APP_IMPORTS = frozenset({"smooth", "smooth.model.document", "smooth.exceptions"})


def app_imports(root: Path = ROOT) -> list[tuple[str, int, str]]:
    """(file, line, module) of every import of the framework in the apps, inside functions too."""
    modules = module_names()
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    # `from smooth import get_doc` is the facade; `from smooth import charts` a submodule
                    names = [f"smooth.{alias.name}" if node.module == "smooth" and f"smooth.{alias.name}" in modules
                             else node.module for alias in node.names]
                else:
                    continue
                for name in names:
                    if name == "smooth" or name.startswith("smooth."):
                        found.append((str(path.relative_to(root)), node.lineno, name))
    return found


def test_apps_import_only_the_facade() -> None:
    """Apps see the framework through `smooth` (plus `smooth.model.document` and `smooth.exceptions`), so the
    core can be reorganised without breaking them; what an app needs is exposed on the facade."""
    reaching = list(dict.fromkeys(f"{path}:{line} imports {name}" for path, line, name in app_imports()
                                  if name not in APP_IMPORTS))
    assert not reaching, "apps may import only " + ", ".join(sorted(APP_IMPORTS)) + "; expose these on the facade:\n" \
        + "\n".join(reaching)


def test_app_pages_leave_refused_posts_to_the_framework() -> None:
    """A refused post is rolled back by `context.refused_post()` (smooth/pages/portal.py), not by each page."""
    calls = []
    for app in APPS:
        for folder in ("www", "page"):
            for path in sorted((ROOT / app).rglob(f"{folder}/**/*.py")):
                for node in ast.walk(ast.parse(path.read_text())):
                    if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("db.rollback"):
                        calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not calls, f"use `with context.refused_post():` instead of rolling back in the page: {calls}"


def test_the_app_check_sees_a_reach_past_the_facade(tmp_path: Path) -> None:
    """The facade rule would pass vacuously if the parser missed imports: plant one inside a function."""
    (tmp_path / "smooth_lms").mkdir()
    (tmp_path / "smooth_lms" / "planted.py").write_text(
        "import smooth\nfrom smooth import _, charts\nfrom smooth.exceptions import ValidationError\n"
        "def f():\n    from smooth.pages.rendering import render_page\n")
    found = sorted(name for _, _, name in app_imports(tmp_path))
    assert found == ["smooth", "smooth", "smooth.charts", "smooth.exceptions", "smooth.pages.rendering"]
