"""Frappe's date helpers (`frappe.utils`): Smooth's calendar arithmetic, with Frappe's types.

Frappe gives back what it was given: text in, text out (`add_days("2024-01-31", 1)` is
"2024-02-01"), a datetime keeps its time, and no value means today / now in the system time zone.
Smooth's own helpers (`smooth.dates`) always return dates, so the adapting lives here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from smooth import dates
from smooth.context import now_datetime as _now_datetime
from smooth.exceptions import ValidationError

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
# Frappe's system date formats as strftime patterns (Smooth has no date format setting: Frappe's default is used)
_FORMATS = {"dd-mm-yyyy": "%d-%m-%Y", "dd/mm/yyyy": "%d/%m/%Y", "dd.mm.yyyy": "%d.%m.%Y", "mm/dd/yyyy": "%m/%d/%Y",
            "mm-dd-yyyy": "%m-%d-%Y", "yyyy-mm-dd": "%Y-%m-%d"}
DEFAULT_DATE_FORMAT = "dd-mm-yyyy"


def now_datetime() -> dt.datetime:
    return _now_datetime()


def nowdate() -> str:
    return now_datetime().strftime(DATE_FORMAT)


today = nowdate


def now() -> str:
    return now_datetime().strftime(DATETIME_FORMAT)


def getdate(string_date: Any = None) -> dt.date:
    if not string_date:
        return now_datetime().date()
    try:
        return dates.getdate(string_date)
    except ValueError:
        raise ValidationError(f"{string_date!r} is not a date (YYYY-MM-DD)") from None


def get_datetime(datetime_str: Any = None) -> dt.datetime:
    if not datetime_str:
        return now_datetime()
    if isinstance(datetime_str, dt.datetime):
        return datetime_str
    if isinstance(datetime_str, dt.date):
        return dt.datetime.combine(datetime_str, dt.time())
    try:
        return dt.datetime.fromisoformat(str(datetime_str).strip())
    except ValueError:
        raise ValidationError(f"{datetime_str!r} is not a date and time (YYYY-MM-DD HH:MM:SS)") from None


def _shift(value: Any, shift: Any) -> Any:
    """Apply `shift` (date -> date) to `value`, returning the type Frappe returns for it."""
    if value is None:
        value = now_datetime()
    as_text = isinstance(value, str)
    moment = get_datetime(value) if isinstance(value, dt.datetime) or (as_text and " " in value.strip()) else None
    day = shift(moment.date() if moment is not None else getdate(value))
    if moment is not None:
        shifted = dt.datetime.combine(day, moment.time())
        return shifted.strftime(DATETIME_FORMAT) if as_text else shifted
    return day.strftime(DATE_FORMAT) if as_text else day


def add_days(date: Any, days: int) -> Any:
    return _shift(date, lambda day: dates.add_days(day, days))


def add_months(date: Any, months: int) -> Any:
    return _shift(date, lambda day: dates.add_months(day, months))


def date_diff(string_ed_date: Any, string_st_date: Any) -> int:
    return dates.date_diff(getdate(string_ed_date), getdate(string_st_date))


def format_date(string_date: Any = None, format_string: str | None = None) -> str:
    """The date as the system shows it (Frappe's default dd-mm-yyyy, or one of its other system formats)."""
    if not string_date:
        return ""
    pattern = _FORMATS.get((format_string or DEFAULT_DATE_FORMAT).lower())
    if pattern is None:
        raise ValidationError(f"format_date: unknown format {format_string!r}; use one of {', '.join(_FORMATS)}")
    return getdate(string_date).strftime(pattern)
