"""Request arguments as Frappe clients send them: JSON text in query strings, "1"/"true" flags.

A parameter that should hold JSON but does not is a FilterError (HTTP 417) naming the
parameter, never a 500. Document bodies are reduced to the doctype's own fields so a client
can neither overwrite server-set columns (owner, creation, modified_by) nor shadow a
controller attribute with a stray key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from smooth.exceptions import FilterError, ValidationError
from smooth.meta import fieldtypes
from smooth.meta.doctype import Meta

SERVER_SET = ("owner", "creation", "modified", "modified_by")
CHILD_LINKS = fieldtypes.CHILD_FIELDS


def parse_json(value: Any, name: str) -> Any:
    """`value` decoded when it is JSON text; other values unchanged."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError as exc:
        raise FilterError(f"Parameter {name!r} is not valid JSON ({exc.msg} at position {exc.pos}): "
                          f"{value[:80]!r}") from None


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
        raise FilterError(f"Parameter {name!r} must be a JSON list or object of filters")
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
        raise FilterError(f"Parameter {name!r} must be a list of field names")
    return value


def parse_object(value: Any, name: str) -> Any:
    """A JSON object or list argument (a document, a list of documents)."""
    value = parse_json(value, name) if isinstance(value, str) else value
    if not isinstance(value, dict | list):
        raise ValidationError(f"Parameter {name!r} must be a JSON object")
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
        raise ValidationError(f"{value!r} is not a yes/no value (use 1/0 or true/false)")
    return bool(value)


def docstatus_value(value: Any) -> int:
    """A client's docstatus as 0, 1 or 2; anything else is a 417 (it would otherwise fail deep in a save)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(f"docstatus must be 0, 1 or 2, not {value!r}"[:200])
    text = str(value).strip()
    if text not in ("0", "1", "2"):
        raise ValidationError(f"docstatus must be 0, 1 or 2, not {value!r}"[:200])
    return int(text)


def clean_doc_values(meta: Meta, data: Mapping[str, Any], *, site_meta: Any, keep_name: bool = True) -> dict[
        str, Any]:
    """Only the doctype's fields (and `name`/`docstatus`); child rows cleaned the same way, recursively."""
    if not isinstance(data, Mapping):
        raise ValidationError(f"A {meta.name} must be a JSON object")
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
                raise ValidationError(f"{meta.name}: {field.label} ({key}) must be a list of rows")
            child_meta = site_meta(field.options or "")
            out[key] = [clean_doc_values(child_meta, row, site_meta=site_meta) for row in rows]
        elif key == "docstatus" and key in allowed:
            out[key] = None if value is None or value == "" else docstatus_value(value)
        elif key in allowed:
            out[key] = value
    return out
