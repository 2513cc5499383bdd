"""Frappe's lenient conversions (`frappe.utils.cint`, `flt`, `cstr`): a bad value becomes 0 or "", never an error."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any


def cint(s: Any, default: int = 0) -> int:
    try:
        return int(float(s))
    except (TypeError, ValueError, OverflowError):
        return default


def flt(s: Any, precision: int | None = None) -> float:
    """A float ("1,000.5" reads as 1000.5); with `precision`, rounded half to even as Frappe's default does."""
    if isinstance(s, str):
        s = s.replace(",", "")
    try:
        number = float(s)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    if precision is None:
        return number
    try:
        return float(Decimal(repr(number)).quantize(Decimal(1).scaleb(-int(precision)), rounding=ROUND_HALF_EVEN))
    except InvalidOperation:
        return number


def cstr(s: Any, encoding: str = "utf-8") -> str:
    if s is None:
        return ""
    if isinstance(s, bytes):
        return s.decode(encoding)
    return str(s)
