"""Find a doctype's controller class by convention: `<package>.doctype.<snake>.<snake>.<ClassName>`."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from smooth.exceptions import MetaError
from smooth.meta.doctype import controller_class_name, scrub

if TYPE_CHECKING:
    from smooth.model.document import Document
    from smooth.site import Site


def get_controller(site: Site, doctype: str) -> type[Document]:
    cached = site.controllers.get(doctype)
    if cached is not None:
        return cached
    from smooth.model.document import Document

    meta = site.get_meta(doctype)
    overrides = site.hooks.mapped_for("override_doctype_class", doctype)
    if overrides:
        cls = overrides[-1]
    else:
        cls = _import_controller(meta.module_package, doctype, meta.path)
    if cls is None:
        cls = Document
    if not isinstance(cls, type) or not issubclass(cls, Document):
        raise MetaError(f"The controller of {doctype} must subclass smooth.model.document.Document")
    site.controllers[doctype] = cls
    return cls


def _import_controller(package: str, doctype: str, json_path: object) -> type[Document] | None:
    module_name = f"{package}.doctype.{scrub(doctype)}.{scrub(doctype)}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None  # no controller file: a plain Document
        raise MetaError(f"Controller of {doctype} ({module_name}) failed to import: {exc}") from exc
    class_name = controller_class_name(doctype)
    cls = getattr(module, class_name, None)
    if cls is None:
        raise MetaError(f"{module_name} (controller of {doctype}, beside {json_path}) defines no class {class_name}")
    return cls
