"""Find a doctype's controller class by convention: `<package>.doctype.<snake>.<snake>.<ClassName>`.

Only finding lives here; `smooth.model.document.get_controller` adds the default (a plain
Document) and the subclass check, so this module never needs the Document class.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from smooth.exceptions import MetaError
from smooth.messages import _
from smooth.meta.doctype import controller_class_name, scrub

if TYPE_CHECKING:
    from smooth.site import Site


def find_controller(site: Site, doctype: str) -> type | None:
    """The class hooks.py `override_doctype_class` names, else the controller module's class, else None."""
    meta = site.get_meta(doctype)
    overrides = site.hooks.mapped_for("override_doctype_class", doctype)
    if overrides:
        cls = overrides[-1]
        if not isinstance(cls, type):
            raise MetaError(_("override_doctype_class[{0!r}] must name a class", doctype))
        return cls
    return _import_controller(meta.module_package, doctype, meta.path)


def controller_module(package: str, doctype: str) -> ModuleType | None:
    """The doctype's controller module, None when it has no controller file; any import error propagates."""
    module_name = f"{package}.doctype.{scrub(doctype)}.{scrub(doctype)}"
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None  # no controller file: a plain Document
        raise


def _import_controller(package: str, doctype: str, json_path: object) -> type | None:
    module_name = f"{package}.doctype.{scrub(doctype)}.{scrub(doctype)}"
    try:
        module = controller_module(package, doctype)
    except ModuleNotFoundError as exc:
        raise MetaError(_("Controller of {0} ({1}) failed to import: {2}", _(doctype), module_name, exc)) from exc
    if module is None:
        return None
    class_name = controller_class_name(doctype)
    cls = getattr(module, class_name, None)
    if cls is None:
        raise MetaError(_("{0} (controller of {1}, beside {2}) defines no class {3}",
                          module_name, _(doctype), json_path, class_name))
    return cls
