"""Apps: folders with a `hooks.py` manifest, a `modules.txt` and one package per module.

The framework's own doctypes form the built-in app `smooth` (module Core). Any other app is a
directory (the repository root for Smooth LMS and Smooth HR) holding `hooks.py`,
`modules.txt`, `patches.txt` and `fixtures/`; module `Smooth LMS` lives in package
`smooth_lms` beside them, with doctypes under `smooth_lms/doctype/<snake_name>/`.

A Frappe app repository is accepted as Frappe lays it out, so its code installs unchanged:
`<repo>/<app>/` is a package (`__init__.py`) holding `hooks.py`, `modules.txt`, `patches.txt`,
`fixtures/`, `www/`, `templates/`, `public/` and the module packages, imported as
`<app>.<module>.doctype.<dt>.<dt>`. Either folder may be given; the repository goes on sys.path.
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
    package_path: Path | None = None  # Frappe layout: the app package, whose www/templates/public serve the app

    @property
    def code_folders(self) -> list[Path]:
        """Where the app's Python lives: a Frappe app's whole package (api.py, www/, patches/ too), else its modules."""
        return [self.package_path] if self.package_path else [module.path for module in self.modules]

    @property
    def served(self) -> list[Module]:
        """Packages whose `www/`, `templates/` and `public/` the site serves: each module, and a Frappe app's own."""
        own = [Module(self.name, self.package_path.name, self.package_path)] if self.package_path else []
        return self.modules + own

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

    def module_files(self, folder: str) -> list[Path]:
        """`<module>/<folder>/*.json` of every module (Frappe's `custom/<doctype>.json` customizations)."""
        return [p for module in self.modules if (module.path / folder).is_dir()
                for p in sorted((module.path / folder).glob("*.json"))]

    def module_record_files(self, folder: str) -> list[Path]:
        """`<module>/<folder>/<name>/<name>.json` of every module: records Frappe keeps beside the doctypes
        (`print_format`), synced by migrate like fixtures."""
        found: list[Path] = []
        for module in self.modules:
            base = module.path / folder
            if base.is_dir():
                found.extend(p / f"{p.name}.json" for p in sorted(base.iterdir()) if (p / f"{p.name}.json").is_file())
        return found


_loaded: dict[Path, App] = {}


def core_app() -> App:
    return _loaded.get(CORE_PATH) or _remember(CORE_PATH, App(
        name=CORE_APP_NAME,
        path=CORE_PATH / "core",
        modules=[Module("Core", "smooth.core", CORE_PATH / "core")],
        manifest=_load_manifest(CORE_PATH / "core" / "hooks.py", CORE_APP_NAME),
    ))


def app_folder(path: str | Path) -> Path | None:
    """The folder holding the app's hooks.py: `path` itself, or a Frappe repository's app package in it."""
    root = Path(path).expanduser().resolve()
    if (root / "hooks.py").is_file():
        return root
    packages = [child for child in sorted(root.iterdir()) if _is_frappe_package(child)] if root.is_dir() else []
    named = [child for child in packages if child.name == root.name]
    return (named or packages)[0] if len(named or packages) == 1 else None


def _is_frappe_package(folder: Path) -> bool:
    return all((folder / name).is_file() for name in ("__init__.py", "hooks.py", "modules.txt"))


def load_app(path: str | Path) -> App:
    """Load the app at `path`, in Smooth's layout or Frappe's (cached per process)."""
    given = Path(path).resolve()
    if given in _loaded:
        return _loaded[given]
    root = app_folder(given)
    if root is None:
        raise HookError(f"{given} is not an app: it has no hooks.py, nor one app package (a folder with "
                        "__init__.py, hooks.py and modules.txt) as a Frappe app repository has")
    if root in _loaded:
        return _remember(given, _loaded[root])
    frappe_layout = _is_frappe_package(root)
    manifest_file = root / "hooks.py"
    modules_file = root / "modules.txt"
    names = [line.strip() for line in modules_file.read_text().splitlines() if line.strip()] \
        if modules_file.is_file() else []
    prefix = f"{root.name}." if frappe_layout else ""
    modules = [Module(m, prefix + scrub(m), root / scrub(m)) for m in names]
    if finder.imports_frappe(manifest_file) or any(
            folder.is_dir() and finder.imports_frappe(folder)
            for folder in ([root] if frappe_layout else [module.path for module in modules])):
        finder.install()  # Frappe-written code (hooks.py included): `import frappe` is Smooth's compatibility layer
    manifest = _load_manifest(manifest_file, root.name)
    name = getattr(manifest, "app_name", None) or root.name
    import_root = str(root.parent if frappe_layout else root)
    if import_root not in sys.path:
        sys.path.insert(0, import_root)
    app = App(name=name, path=root, modules=modules, manifest=manifest,
              package_path=root if frappe_layout else None)
    _remember(root, app)
    return _remember(given, app)


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
