"""`bench check` on the apps' Python code: every controller imports, every `frappe.*` name it uses exists.

A controller is imported when its doctype is first used, so a broken one used to pass the
metadata checks and fail at the first insert; here it is imported up front and a failure is
named with its file. Frappe-written code is also read for names the compatibility layer does
not provide (smooth.frappe_compat.static_check), including those inside methods no import runs.
"""

from __future__ import annotations

from collections.abc import Sequence

from smooth.apps import App
from smooth.frappe_compat.static_check import check_folder
from smooth.meta.checks import Issue
from smooth.meta.doctype import controller_class_name
from smooth.meta.registry import MetaRegistry
from smooth.model.controller import controller_module
from smooth.model.document import Document


def code_issues(apps: Sequence[App], registry: MetaRegistry) -> list[Issue]:
    issues = [issue for meta in registry if (issue := _controller_issue(meta.name, meta.module_package,
                                                                         str(meta.path)))]
    for app in apps:
        for folder in app.code_folders:
            if not folder.is_dir():
                continue
            for gap in check_folder(folder):
                issues.append(Issue("code.E003", "error", f"line {gap.line}: {gap.name} is not provided by Smooth's "
                                    "Frappe compatibility layer", path=str(gap.path),
                                    hint="use the Smooth API it names, or see README, Coming from Frappe"))
    return issues


def _controller_issue(doctype: str, package: str, json_path: str) -> Issue | None:
    if not package or not json_path:
        return None
    source = json_path.removesuffix(".json") + ".py"
    try:
        module = controller_module(package, doctype)
    except Exception as exc:  # whatever the import raises is what the first insert would raise
        return _broken(source, doctype, exc)
    if module is None:
        return None
    cls = getattr(module, controller_class_name(doctype), None)
    if not (isinstance(cls, type) and issubclass(cls, Document)):
        return Issue("code.E002", "error", f"the controller of {doctype} defines no class "
                     f"{controller_class_name(doctype)}(Document)", path=source,
                     hint="name the class after the doctype and subclass Document")
    return None


def _broken(source: str, doctype: str, exc: BaseException) -> Issue:
    return Issue("code.E001", "error", f"the controller of {doctype} does not import: {type(exc).__name__}: {exc}",
                 path=source, hint="fix the error; the doctype's first insert would fail with it")
