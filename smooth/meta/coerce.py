"""Turn incoming values (JSON strings, form input, Python objects) into each field type's Python value.

The same coercion serves documents and filters, so `"2026-03-01"` compares with a Date
column the same way on SQLite and MariaDB.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from smooth.meta import fieldtypes


class CoercionError(ValueError):
    """Raised with a short reason; callers add the doctype and field."""


def to_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal) and value == int(value):
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise CoercionError("is not a whole number") from None
            if number == int(number):
                return int(number)
    raise CoercionError("is not a whole number")


INT_RANGE = (-(2**31), 2**31 - 1)
LONG_INT_RANGE = (-(2**63), 2**63 - 1)


def _bounded(convert: Callable[[Any], int | None], low: int, high: int) -> Callable[[Any], int | None]:
    """An integer coercer that refuses what the column cannot hold (MariaDB would fail, SQLite would not)."""

    def coerce(value: Any) -> int | None:
        number = convert(value)
        if number is not None and not low <= number <= high:
            raise CoercionError(f"is out of range (from {low} to {high})")
        return number

    return coerce


def to_check(value: Any) -> int:
    if value in (None, "", 0, "0", False, "false", "False", "no", "No", "off"):
        return 0
    if value in (1, "1", True, "true", "True", "yes", "Yes", "on"):
        return 1
    raise CoercionError("is not a checkbox value (0 or 1)")


DECIMAL_LIMIT = 10**12  # the columns are DECIMAL(21, 9): 12 digits before the point


def to_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    number: float | None = None
    if isinstance(value, bool | int | float | Decimal):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", ""))
        except ValueError:
            pass
    if number is None:
        raise CoercionError("is not a number")
    if not math.isfinite(number) or abs(number) >= DECIMAL_LIMIT:
        raise CoercionError(f"is out of range (a finite number below {DECIMAL_LIMIT:,} in size)")
    return number


def to_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise CoercionError("is not a date (use YYYY-MM-DD)")


def to_time(value: Any) -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        if not 0 <= seconds < 86400:
            raise CoercionError("is not a time of day")
        return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.time.fromisoformat(text)
        except ValueError:
            pass
        parts = text.split(":")
        if 2 <= len(parts) <= 3 and all(p.strip().split(".")[0].isdigit() for p in parts):
            try:
                numbers = [int(float(p)) for p in parts]
                return dt.time(*numbers)
            except ValueError:
                pass
    raise CoercionError("is not a time (use HH:MM or HH:MM:SS)")


def to_datetime(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str):
        text = value.strip().replace("T", " ")
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise CoercionError("is not a date and time (use YYYY-MM-DD HH:MM:SS)") from None
        return parsed
    raise CoercionError("is not a date and time (use YYYY-MM-DD HH:MM:SS)")


def to_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    raise CoercionError("is not text")


def to_json_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            raise CoercionError("is not valid JSON") from None
        return value
    return json.dumps(value, default=str, sort_keys=True)


COERCERS: dict[str, Callable[[Any], Any]] = {
    "Int": _bounded(to_int, *INT_RANGE),
    "Long Int": _bounded(to_int, *LONG_INT_RANGE),
    "Check": to_check,
    "Date": to_date,
    "Time": to_time,
    "Datetime": to_datetime,
    "JSON": to_json_text,
}
for _t in fieldtypes.DECIMAL:
    COERCERS[_t] = to_float
for _t in fieldtypes.SHORT_TEXT | fieldtypes.LONG_TEXT:
    COERCERS.setdefault(_t, to_text)

STANDARD_COERCERS: dict[str, Callable[[Any], Any]] = {
    "creation": to_datetime,
    "modified": to_datetime,
    "docstatus": to_int,
    "idx": to_int,
}


def coercer_for(fieldtype: str) -> Callable[[Any], Any]:
    return COERCERS.get(fieldtype, to_text)
