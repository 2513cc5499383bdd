"""`/api/method/{dotted.path}`: call a function registered with `@whitelist()`.

Resolution order (as Frappe's handler): the `override_whitelisted_methods` hook of the
site's apps (the core app maps its short names there: `ping`, `login`, `upload_file`...; a
later app's entry wins), then the `frappe.client.*` / `smooth.client.*` aliases, then the
dotted import path. Only modules
that are already loaded or belong to the framework or an installed app are imported.
Arguments come from the merged request arguments by name; names the function does not
take are dropped unless it takes **kwargs. A parameter annotated with scalar types only
(`name: str`, `days: int = 60`, `from_date: str | dt.date | None`) refuses a JSON list or
object with a 417 (it would otherwise reach a query as a list), and an `int` one takes a
whole number only, arriving as int: whatever a client sends, the function sees what it declared.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from smooth.api.request import NO_STORE, ApiRequest
from smooth.context import local
from smooth.exceptions import DoesNotExistError, PermissionError, ValidationError
from smooth.messages import _
from smooth.whitelist import FileDownload, is_whitelisted, whitelist

_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
_TYPE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}")
SCALAR_TYPES = frozenset({"str", "int", "float", "bool", "None", "Decimal", "date", "datetime", "time",
                          "dt.date", "dt.datetime", "dt.time", "datetime.date", "datetime.datetime", "datetime.time"})
ALIASES = {"frappe.client.": "smooth.api.client.", "smooth.client.": "smooth.api.client."}
@whitelist(allow_guest=True, methods=("GET", "POST"))
def ping() -> str:
    """Health check: answers without touching documents."""
    return "pong"



def _allowed_packages() -> set[str]:
    packages = {"smooth"}
    for app in local().site.apps:
        packages.add(app.name)
        packages.update(module.package.split(".")[0] for module in app.modules)
    return packages


def resolve(path: str) -> Callable[..., Any]:
    overrides = local().site.hooks.mapped_for("override_whitelisted_methods", path)
    if overrides:
        return overrides[-1]
    for prefix, target in ALIASES.items():
        if path.startswith(prefix):
            path = target + path[len(prefix):]
            break
    if not _PATH.match(path):
        raise DoesNotExistError(_("No method {0!r}: give a dotted path such as app.module.function", path))
    module_name, _dot, attr = path.rpartition(".")
    module = sys.modules.get(module_name)
    if module is None:
        if module_name.split(".")[0] not in _allowed_packages():
            raise DoesNotExistError(_("No method {0!r}", path))
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            raise DoesNotExistError(_("No method {0!r}: module {1!r} not found", path, module_name)) from None
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise DoesNotExistError(_("No method {0!r}", path))
    return fn


@dataclass(frozen=True)
class Parameters:
    """What binding needs of a function's signature: its named parameters (with their annotation's type
    names), the required ones, and whether it takes **kwargs."""

    named: dict[str, frozenset[str]]
    required: tuple[str, ...]
    takes_any: bool


@lru_cache(maxsize=1024)
def parameters(fn: Callable[..., Any]) -> Parameters:
    """Read once per function: every call of a method binds its arguments, and a signature never changes."""
    params = inspect.signature(fn).parameters
    named = {n: annotation_types(p) for n, p in params.items()
             if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)}
    return Parameters(named=named, required=tuple(n for n in named if params[n].default is inspect.Parameter.empty),
                      takes_any=any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()))


def bind_arguments(fn: Callable[..., Any], form: dict[str, Any], path: str) -> dict[str, Any]:
    """The request arguments `fn` takes; missing required ones are a 417 naming them."""
    spec = parameters(fn)
    kwargs = {k: v for k, v in form.items() if spec.takes_any or k in spec.named}
    for key, value in kwargs.items():
        if key in spec.named:
            kwargs[key] = typed_argument(key, value, spec.named[key])
    missing = [n for n in spec.required if n not in kwargs]
    if missing:
        raise ValidationError(_("{0} needs the argument(s): {1}", path, ', '.join(missing)))
    return kwargs


def annotation_types(param: inspect.Parameter) -> frozenset[str]:
    """The type names in a parameter's annotation (`str | None` -> {"str", "None"}), read without evaluating it."""
    annotation = param.annotation
    if annotation is inspect.Parameter.empty:
        return frozenset()
    text = annotation if isinstance(annotation, str) else \
        annotation.__name__ if isinstance(annotation, type) else str(annotation)
    return frozenset(_TYPE_NAME.findall(text))


def typed_argument(name: str, value: Any, types: frozenset[str]) -> Any:
    """`value` checked against scalar-only annotations; other annotations take anything."""
    if not types or not types <= SCALAR_TYPES or value is None:
        return value
    if isinstance(value, dict | list):
        if isinstance(value, dict):
            raise ValidationError(_("Argument {0!r} must be a single value, not an object", name))
        raise ValidationError(_("Argument {0!r} must be a single value, not a list", name))
    if types - {"None"} == {"int"}:
        return _whole_number(name, value)
    return value


def _whole_number(name: str, value: Any) -> Any:
    if value == "":
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        return int(value.strip())
    raise ValidationError(_("Argument {0!r} must be a whole number, not {1!r}", name, str(value)[:40]))


def call(api: ApiRequest, path: str) -> Any:
    """Handler for /api/method/<path>: {"message": result}, or {} when the function returns None."""
    fn = resolve(path)
    options = is_whitelisted(fn)
    if options is None:
        raise PermissionError(_("Not permitted: function {0} is not whitelisted", path))
    method = "GET" if api.method == "HEAD" else api.method
    if method not in options.methods:
        raise PermissionError(_("Not permitted: {0} does not accept {1} requests (allowed: {2})",
                                path, method, ', '.join(options.methods)))
    if api.user == "Guest" and not options.allow_guest:
        raise PermissionError(_("Not permitted: log in to call {0}", path))
    result = fn(**bind_arguments(fn, api.form, path))
    if isinstance(result, Response):
        return result  # a function that builds its own response (a file, a redirect) skips the envelope
    if isinstance(result, FileDownload):
        return file_download(result)
    return {} if result is None else {"message": result}


def file_download(download: FileDownload) -> FileResponse:
    """A file from disk as an attachment, sent in chunks; a temporary one is removed once sent."""
    ascii_name = download.filename.encode("ascii", "replace").decode().replace('"', "")
    cleanup = BackgroundTask(Path(download.path).unlink, missing_ok=True) if download.remove_after else None
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(download.filename, safe='')}"
    return FileResponse(download.path, media_type=download.content_type, background=cleanup, headers={
        "Content-Disposition": disposition, "Cache-Control": NO_STORE, "X-Content-Type-Options": "nosniff"})
