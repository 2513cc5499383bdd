"""Field values on their way to and from storage: type coercion with the field named, defaults, Single text.

`smooth.meta.coerce` turns a value into a field type's Python value; this module adds what
documents need on top: messages that name the doctype and field, "" stored as NULL for
non-text types, the text form Singles are kept in, and defaults such as `Today` or `__user`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from smooth.context import now_datetime, session_user, system_time_zone, today
from smooth.exceptions import DataError
from smooth.filters import shown
from smooth.messages import _
from smooth.meta import fieldtypes
from smooth.meta.coerce import CoercionError, coercer_for, to_text
from smooth.meta.doctype import DocField, Meta
from smooth.meta.fieldtypes import column_zone

PASSWORD_MASK = "*****"


def coerce_value(meta: Meta, field: DocField, value: Any) -> Any:
    try:
        coerced = coercer_for(field.fieldtype)(value)
    except CoercionError as exc:
        raise DataError(_("{0}: value {1} for {2} ({3}) {4}",
                          _(meta.name), shown(value), _(field.label), field.fieldname, exc)) from None
    if isinstance(coerced, dt.datetime) and coerced.tzinfo is not None:
        coerced = coerced.astimezone(zoneinfo.ZoneInfo(column_zone(field, system_time_zone()))).replace(tzinfo=None)
    return coerced


def storable(field: DocField, value: Any) -> Any:
    """"" is NULL in every column that is not text (as in Frappe)."""
    return None if value == "" and field.fieldtype not in fieldtypes.TEXT else value


def coerce_for_db(meta: Meta, fieldname: str, value: Any) -> Any:
    field = meta.get_field(fieldname)
    if field is None:
        return value
    return storable(field, coerce_value(meta, field, value))


def single_text(value: Any) -> str:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return to_text(value) or ""


def coerce_from_single(meta: Meta, fieldname: str, value: Any) -> Any:
    field = meta.get_field(fieldname)
    if field is None or value is None:
        return value
    return coerce_value(meta, field, value)


def default_value(field: DocField) -> Any:
    default = field.default
    if default in (None, ""):
        if field.fieldtype == "Check":
            return 0
        if field.fieldtype == "Select" and field.options:
            first = field.options.split("\n")[0].strip()
            return first or None
        return None
    if isinstance(default, str):
        lowered = default.lower()
        if field.fieldtype in ("Date", "Datetime") and lowered == "today":
            return today() if field.fieldtype == "Date" else now_datetime()
        if lowered == "now" and field.fieldtype in ("Datetime", "Time"):
            now = now_datetime()
            return now if field.fieldtype == "Datetime" else now.time().replace(microsecond=0)
        if default == "__user":
            return session_user()
    try:
        return coercer_for(field.fieldtype)(default)
    except CoercionError:
        return default  # a bad default in the JSON: validation reports it on insert, naming the field
