"""Apps: folders with a `hooks.py` manifest, a `modules.txt` and one package per module.

The framework's own doctypes form the built-in app `smooth` (module Core). Any other app is a
directory (the repository root for Smooth LMS and Smooth HR) holding `hooks.py`,
`modules.txt`, `patches.txt` and `fixtures/`; module `Smooth LMS` lives in package
`smooth_lms` beside them, with doctypes under `smooth_lms/doctype/<snake_name>/`.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from smooth.exceptions import HookError
from smooth.frappe_compat import finder
from smooth.meta.doctype import scrub

CORE_PATH = Path(__file__).resolve().parent
CORE_APP_NAME = "smooth"


@dataclass
class Module:
    name: str
    package: str
    path: Path

    @property
    def doctype_path(self) -> Path:
        return self.path / "doctype"


@dataclass
class App:
    name: str
    path: Path
    modules: list[Module]
    manifest: ModuleType = field(repr=False)

    @property
    def patches_file(self) -> Path:
        return self.path / "patches.txt"

    @property
    def fixtures_path(self) -> Path:
        return self.path / "fixtures"

    def doctype_files(self) -> list[tuple[Module, Path]]:
        found = []
        for module in self.modules:
            if not module.doctype_path.is_dir():
                continue
            for folder in sorted(module.doctype_path.iterdir()):
                candidate = folder / f"{folder.name}.json"
                if candidate.is_file():
                    found.append((module, candidate))
        return found


_loaded: dict[Path, App] = {}


def core_app() -> App:
    return _loaded.get(CORE_PATH) or _remember(CORE_PATH, App(
        name=CORE_APP_NAME,
        path=CORE_PATH / "core",
        modules=[Module("Core", "smooth.core", CORE_PATH / "core")],
        manifest=_load_manifest(CORE_PATH / "core" / "hooks.py", CORE_APP_NAME),
    ))


def load_app(path: str | Path) -> App:
    """Load the app rooted at `path` (cached per process)."""
    root = Path(path).resolve()
    if root in _loaded:
        return _loaded[root]
    manifest_file = root / "hooks.py"
    if not manifest_file.is_file():
        raise HookError(f"{root} is not an app: it has no hooks.py")
    modules_file = root / "modules.txt"
    names = [line.strip() for line in modules_file.read_text().splitlines() if line.strip()] \
        if modules_file.is_file() else []
    modules = [Module(m, scrub(m), root / scrub(m)) for m in names]
    if finder.imports_frappe(manifest_file) or any(
            module.path.is_dir() and finder.imports_frappe(module.path) for module in modules):
        finder.install()  # Frappe-written code (hooks.py included): `import frappe` is Smooth's compatibility layer
    manifest = _load_manifest(manifest_file, root.name)
    name = getattr(manifest, "app_name", None) or root.name
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return _remember(root, App(name=name, path=root, modules=modules, manifest=manifest))


def _remember(key: Path, app: App) -> App:
    _loaded[key] = app
    return app


def _load_manifest(path: Path, app_name: str) -> ModuleType:
    """Load hooks.py by file path: it is never importable as a top-level `hooks` module."""
    module_name = f"_smooth_manifest_{scrub(app_name)}_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise HookError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise HookError(f"{path} failed to load: {type(exc).__name__}: {exc}") from exc
    return module
