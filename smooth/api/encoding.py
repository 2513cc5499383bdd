"""JSON as Frappe clients receive it: compact, dates as text, Decimals as numbers."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any


def json_default(value: Any) -> Any:
    """Frappe's json_handler: datetimes via str(), timedelta as H:MM:SS, Documents as dicts without nulls."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return str(value)
    if isinstance(value, dt.timedelta):
        return _timedelta_text(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict) and hasattr(value, "doctype"):
        return as_dict(no_nulls=True)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _timedelta_text(value: dt.timedelta) -> str:
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def dumps(value: Any) -> str:
    return json.dumps(value, default=json_default, separators=(",", ":"), ensure_ascii=False)
