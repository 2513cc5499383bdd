"""Turn incoming values (JSON strings, form input, Python objects) into each field type's Python value.

The same coercion serves documents and filters, so `"2026-03-01"` compares with a Date
column the same way on SQLite and MariaDB. It is strict where leniency would store something
other than what was meant: digits are ASCII, a date is the whole text (no trailing bytes),
a time carries no UTC offset (times are wall clock: with no date, an offset cannot be applied
across DST), a Check is 0/1/true/false, and no number is NaN or infinite.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from smooth.exceptions import ValidationError
from smooth.i18n.deferred import Message, _
from smooth.meta import fieldtypes


class CoercionError(ValueError):
    """Why a value is not of its field type: a sentence whose `{0}` is the value, which the caller names
    (`exc.about(_("value {0} for {1}", ...))`), so a translator sees the whole sentence. `str()` is the
    sentence's predicate ("is not a number") for code that glues its own subject in front."""

    def __init__(self, reason: str, *details: Any) -> None:
        self.reason, self.details = reason, details
        super().__init__(reason.format("", *details).strip())

    def about(self, subject: Any) -> Message:
        """The whole sentence, `subject` (a value and where it was given) in the place of `{0}`."""
        return _(self.reason, subject, *self.details)


_INTEGER = re.compile(r"[+-]?[0-9]{1,4000}")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\.([0-9]{1,6}))?)?")


def to_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal) and _is_whole(value):
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if _INTEGER.fullmatch(text):
            return int(text)
        number = _ascii_float(text)
        if number is not None and _is_whole(number):
            return int(number)
    raise CoercionError(_("{0} is not a whole number"))


def _is_whole(number: float | Decimal) -> bool:
    if isinstance(number, Decimal):
        return number.is_finite() and number == number.to_integral_value()
    return math.isfinite(number) and number.is_integer()


def _plain(value: Any) -> str | None:
    """Stripped text of printable ASCII only, else None: Python's parsers read other scripts' digits,
    `_` between digits, and (fromisoformat) some trailing control characters."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text if text.isascii() and text.isprintable() and "_" not in text else None


def _ascii_float(text: str) -> float | None:
    """float() of plain ASCII text only."""
    if _plain(text) is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


INT_RANGE = (-(2**31), 2**31 - 1)
LONG_INT_RANGE = (-(2**63), 2**63 - 1)


def _bounded(convert: Callable[[Any], int | None], low: int, high: int) -> Callable[[Any], int | None]:
    """An integer coercer that refuses what the column cannot hold (MariaDB would fail, SQLite would not)."""

    def coerce(value: Any) -> int | None:
        number = convert(value)
        if number is not None and not low <= number <= high:
            raise CoercionError(_("{0} is out of range (from {1} to {2})"), low, high)
        return number

    return coerce


def to_check(value: Any) -> int:
    if isinstance(value, str):
        value = value.strip().lower()
    if value in (None, "", 0, "0", False, "false"):
        return 0
    if value in (1, "1", True, "true"):
        return 1
    raise CoercionError(_("{0} is not a checkbox value (0 or 1)"))


DECIMAL_LIMIT = 10**12  # the columns are DECIMAL(21, 9): 12 digits before the point


def to_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    number: float | None = None
    if isinstance(value, bool | int | float | Decimal):
        number = float(value)
    elif isinstance(value, str):
        number = _ascii_float(value.strip().replace(",", ""))
    if number is None:
        raise CoercionError(_("{0} is not a number"))
    if not math.isfinite(number) or abs(number) >= DECIMAL_LIMIT:
        raise CoercionError(_("{0} is out of range (a finite number below {1} in size)"), format(DECIMAL_LIMIT, ","))
    return number


DATE_RANGE = (dt.date(1000, 1, 1), dt.date(9998, 12, 31))
"""MariaDB's DATE starts at 1000-01-01; the last year Python could hold is kept free, so a day window
or a time zone shift from a valid date never overflows."""


def _in_range(day: dt.date) -> None:
    low, high = DATE_RANGE
    if not low <= day <= high:
        raise CoercionError(_("{0} is out of range (use a date from {1} to {2})"), low.isoformat(), high.isoformat())


def to_date(value: Any) -> dt.date | None:
    """A date to store: within DATE_RANGE."""
    day = read_date(value)
    if day is not None:
        _in_range(day)
    return day


def read_date(value: Any) -> dt.date | None:
    """Any date Python holds (a filter may compare with 9999-12-31)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _plain(value)
    day = _parse_date(text) if text is not None else None
    if day is None:
        raise CoercionError(_("{0} is not a date (use YYYY-MM-DD)"))
    return day


def _parse_date(text: str) -> dt.date | None:
    """YYYY-MM-DD, or the date of a date and time (as Frappe's getdate reads it)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None


OFFSET_REFUSED = _("{0} has a UTC offset: a time is wall-clock time, give it as HH:MM or HH:MM:SS without an offset")


def to_time(value: Any) -> dt.time | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.timetz()
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise CoercionError(OFFSET_REFUSED)
        return value
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        if not 0 <= seconds < 86400:
            raise CoercionError(_("{0} is not a time of day"))
        return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    text = _plain(value)
    if text is not None:
        parts = _TIME.fullmatch(text)
        try:
            if parts:
                hour, minute, second, fraction = parts.groups()
                return dt.time(int(hour), int(minute), int(second or 0), int((fraction or "0").ljust(6, "0")))
            parsed = dt.time.fromisoformat(text)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            raise CoercionError(OFFSET_REFUSED)
        if parsed is not None:
            return parsed
    raise CoercionError(_("{0} is not a time (use HH:MM or HH:MM:SS)"))


def to_datetime(value: Any) -> dt.datetime | None:
    """A date and time to store: its date within DATE_RANGE."""
    moment = read_datetime(value)
    if moment is not None:
        _in_range(moment.date())
    return moment


def read_datetime(value: Any) -> dt.datetime | None:
    """Any date and time Python holds (a filter may compare with 9999-12-31 23:59:59)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    text = _plain(value)
    if text is not None:
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
    raise CoercionError(_("{0} is not a date and time (use YYYY-MM-DD HH:MM:SS)"))


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
    raise CoercionError(_("{0} is not text"))


def to_json_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str):
            json.loads(value)
            return value
        return json.dumps(value, default=str, sort_keys=True)
    except RecursionError:
        raise CoercionError(_("{0} is nested too deeply to be read back")) from None
    except ValueError:
        raise CoercionError(_("{0} is not valid JSON")) from None


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


FILTER_COERCERS: dict[str, Callable[[Any], Any]] = {**COERCERS, "Date": read_date, "Datetime": read_datetime}
STANDARD_FILTER_COERCERS = {**STANDARD_COERCERS, "creation": read_datetime, "modified": read_datetime}


def coercer_for(fieldtype: str) -> Callable[[Any], Any]:
    return COERCERS.get(fieldtype, to_text)


def _settled_int(low: int, high: int) -> Callable[[Any], bool]:
    return lambda value: type(value) is int and low <= value <= high


def _settled_datetime(value: Any) -> bool:
    return type(value) is dt.datetime and value.tzinfo is None and DATE_RANGE[0] <= value.date() <= DATE_RANGE[1]


# Values each coercer would hand back unchanged, recognised without running it: a bulk insert's values are
# mostly of their type already. Each test must imply `coercer(value) is value` (tests/core/test_save_plan.py).
SETTLED: dict[str, Callable[[Any], bool]] = {
    "Int": _settled_int(*INT_RANGE),
    "Long Int": _settled_int(*LONG_INT_RANGE),
    "Check": lambda value: type(value) is int and (value == 0 or value == 1),
    "Date": lambda value: type(value) is dt.date and DATE_RANGE[0] <= value <= DATE_RANGE[1],
    "Time": lambda value: type(value) is dt.time and value.tzinfo is None,
    "Datetime": _settled_datetime,
}
for _t in fieldtypes.DECIMAL:
    SETTLED[_t] = lambda value: type(value) is float and -DECIMAL_LIMIT < value < DECIMAL_LIMIT


def settled_test(fieldtype: str) -> Callable[[Any], bool] | None:
    """Whether a value of `fieldtype` is already what its coercer would make of it (None: always coerce)."""
    return _is_str if coercer_for(fieldtype) is to_text else SETTLED.get(fieldtype)


def _is_str(value: Any) -> bool:
    return type(value) is str


def filter_coercer_for(fieldname: str, fieldtype: str) -> Callable[[Any], Any]:
    """What a filter value is read with: as a stored value, except that dates may lie beyond DATE_RANGE."""
    return STANDARD_FILTER_COERCERS.get(fieldname) or FILTER_COERCERS.get(fieldtype, to_text)


def input_date(value: Any, what: str) -> dt.date | None:
    """A date a person or client sent, as a date field stores it; a ValidationError naming `what` (a label,
    translated with the message) otherwise."""
    try:
        return to_date(value)
    except CoercionError as exc:
        raise ValidationError(exc.about(Message("{0} {1}", _(what), repr(value)))) from None


def input_time(value: Any, what: str) -> dt.time | None:
    """A wall-clock time a person or client sent; a ValidationError naming `what` otherwise."""
    try:
        return to_time(value)
    except CoercionError as exc:
        raise ValidationError(exc.about(Message("{0} {1}", _(what), repr(value)))) from None
