"""`import frappe` in Frappe-written app code, mapped onto Smooth's compatibility layer.

As PyMySQL's `install_as_MySQLdb()` lets MySQLdb code run on PyMySQL, `install()` puts a finder
first on `sys.meta_path` that answers every `frappe` / `frappe.X.Y` import with module
`smooth.frappe_compat.frappe.X.Y`, so a package named frappe from PyPI is never imported. The
apps loader installs it only when an app's code imports frappe. The modules are loaded by name on
the first Frappe import (they sit in a higher layer, docs/architecture.md); a submodule the layer
does not provide fails at that import with a message naming it, never later in a request.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import pkgutil
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

FRAPPE = "frappe"
TARGET = "smooth.frappe_compat.frappe"
_IMPORTS_FRAPPE = re.compile(rb"^[ \t]*(?:import[ \t]+frappe\b|from[ \t]+frappe[ \t.])", re.MULTILINE)


def mapped_name(fullname: str) -> str:
    """`frappe.model.document` -> the module of Smooth's layer that stands in for it."""
    return TARGET + fullname[len(FRAPPE):]


def provided_modules() -> list[str]:
    package = importlib.import_module(TARGET)
    found = [FRAPPE] + [FRAPPE + info.name[len(TARGET):]
                        for info in pkgutil.walk_packages(package.__path__, TARGET + ".")]
    return sorted(found)


class _Alias(importlib.abc.Loader):
    """Loads `frappe.X` as the layer's module itself (one module object under both names)."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        sys.modules[module.__name__] = importlib.import_module(self.target)  # the import system returns this one


class FrappeFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != FRAPPE and not fullname.startswith(FRAPPE + "."):
            return None
        mapped = mapped_name(fullname)
        if importlib.util.find_spec(mapped) is None:
            raise ModuleNotFoundError(
                f"{fullname} is not provided by Smooth's Frappe compatibility layer (it provides "
                f"{', '.join(provided_modules())}); see README, Coming from Frappe", name=fullname)
        return importlib.util.spec_from_loader(fullname, _Alias(mapped))


_FINDER = FrappeFinder()


def install() -> None:
    """Answer `import frappe` with Smooth's layer from now on in this process (idempotent)."""
    if _FINDER in sys.meta_path:
        return
    for name in [n for n in sys.modules if n == FRAPPE or n.startswith(FRAPPE + ".")]:
        if not getattr(sys.modules[name], "__name__", "").startswith(TARGET):
            del sys.modules[name]  # a frappe imported from elsewhere before: never mixed with ours
    sys.meta_path.insert(0, _FINDER)


def imports_frappe(path: Path) -> bool:
    """Whether the Python file, or any under the folder, imports frappe (the sign of Frappe-written code)."""
    files = [path] if path.is_file() else path.rglob("*.py")
    return any(_IMPORTS_FRAPPE.search(file.read_bytes()) for file in files)
