"""Request arguments as Frappe clients send them: JSON text in query strings, "1"/"true" flags.

A parameter that should hold JSON but does not is a FilterError (HTTP 417) naming the
parameter, never a 500; so is JSON nested deeper than MAX_JSON_DEPTH (Python's parser and
every recursive step after it would hit the recursion limit) or text holding a lone
surrogate (no database driver can encode it). Document bodies are reduced to the doctype's
own fields so a client can neither overwrite server-set columns (owner, creation,
modified_by) nor shadow a controller attribute with a stray key; a document name must be text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from smooth.exceptions import FilterError, SmoothError, ValidationError
from smooth.filters import shown
from smooth.messages import _
from smooth.meta import fieldtypes
from smooth.meta.doctype import Meta

SERVER_SET = ("owner", "creation", "modified", "modified_by")
CHILD_LINKS = fieldtypes.CHILD_FIELDS


MAX_JSON_DEPTH = 100


def load_json(text: str | bytes, what: str, error: type[SmoothError] = ValidationError) -> Any:
    """JSON text decoded and checked by `check_json_value`; anything else raises `error` naming `what`."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise error(f"{what} is nested more than {MAX_JSON_DEPTH} levels deep") from None
    except json.JSONDecodeError as exc:
        raise error(f"{what} is not valid JSON ({exc.msg} at position {exc.pos}): {shown(exc.doc)}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise error(f"{what} is not valid JSON: {shown(str(exc))}") from None
    check_json_value(value, what, error)
    return value


def check_json_value(value: Any, what: str, error: type[SmoothError] = ValidationError) -> None:
    """Refuse nesting deeper than MAX_JSON_DEPTH and text no driver can store; iterative, so no depth breaks it."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            check_text(node, what, error)
        elif isinstance(node, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise error(f"{what} is nested more than {MAX_JSON_DEPTH} levels deep")
            if isinstance(node, dict):
                for key, item in node.items():
                    if isinstance(key, str):
                        check_text(key, what, error)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in node)


def check_text(text: str, what: str, error: type[SmoothError] = ValidationError) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise error(f"{what} holds an unpaired surrogate ({text[exc.start]!r} at position {exc.start}), "
                    "which is not valid Unicode text") from None


def parse_json(value: Any, name: str) -> Any:
    """`value` decoded when it is JSON text; other values unchanged."""
    if not isinstance(value, str):
        return value
    return load_json(value, f"Parameter {name!r}", FilterError)


def parse_filters(value: Any, name: str = "filters", *, allow_name: bool = False) -> Any:
    """Filters as JSON (list or object); with `allow_name`, a bare string that is not JSON is a document name."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        if allow_name and not (text[:1] in ("[", "{", '"') or text in ("null", "true", "false")):
            return text
        value = parse_json(text, name)
    if value is None:
        return None
    if not isinstance(value, list | dict | str):
        raise FilterError(_("Parameter {0!r} must be a JSON list or object of filters", name))
    return value


def parse_fields(value: Any, name: str = "fields") -> list[str] | str | None:
    """A JSON list of fields, "*", or comma-separated names (split by the query layer)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text.startswith(("[", '"')):
            return text
        value = parse_json(text, name)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
        raise FilterError(_("Parameter {0!r} must be a list of field names", name))
    return value


def parse_object(value: Any, name: str) -> Any:
    """A JSON object or list argument (a document, a list of documents)."""
    value = parse_json(value, name) if isinstance(value, str) else value
    if not isinstance(value, dict | list):
        raise ValidationError(_("Parameter {0!r} must be a JSON object", name))
    return value


def to_bool(value: Any, default: bool = True) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("0", "false", "no", "off", "null"):
            return False
        if text in ("1", "true", "yes", "on"):
            return True
        raise ValidationError(_("{0!r} is not a yes/no value (use 1/0 or true/false)", value))
    return bool(value)


def docstatus_value(value: Any) -> int:
    """A client's docstatus as 0, 1 or 2; anything else is a 417 (it would otherwise fail deep in a save)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(_("docstatus must be 0, 1 or 2, not {0!r}", value)[:200])
    text = str(value).strip()
    if text not in ("0", "1", "2"):
        raise ValidationError(_("docstatus must be 0, 1 or 2, not {0!r}", value)[:200])
    return int(text)


def document_name(value: Any, doctype: str) -> Any:
    """A client's document name: text (or a number, as text); a list or object would be stored as its repr."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValidationError(_("The name of a {0} must be text, not {1} {2}",
                            _(doctype), type(value).__name__, shown(value)))


def clean_doc_values(meta: Meta, data: Mapping[str, Any], *, site_meta: Any, keep_name: bool = True) -> dict[
        str, Any]:
    """Only the doctype's fields (and `name`/`docstatus`); child rows cleaned the same way, recursively."""
    if not isinstance(data, Mapping):
        raise ValidationError(_("A {0} must be a JSON object", _(meta.name)))
    allowed = set(meta.columns) - set(SERVER_SET) - set(CHILD_LINKS) - {"idx"}
    if not keep_name:
        allowed.discard("name")
    out: dict[str, Any] = {}
    for key, value in data.items():
        field = meta.get_field(key)
        if field is not None and field.fieldtype in fieldtypes.TABLE:
            rows = parse_json(value, key) if isinstance(value, str) else value
            if rows is None:
                rows = []
            if not isinstance(rows, list):
                raise ValidationError(_("{0}: {1} ({2}) must be a list of rows", _(meta.name), _(field.label), key))
            child_meta = site_meta(field.options or "")
            out[key] = [clean_doc_values(child_meta, row, site_meta=site_meta) for row in rows]
        elif key == "name" and key in allowed:
            out[key] = document_name(value, meta.name)
        elif key == "docstatus" and key in allowed:
            out[key] = None if value is None or value == "" else docstatus_value(value)
        elif key in allowed:
            out[key] = value
    return out
