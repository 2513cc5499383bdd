"""Dates, times and numbers written the way the reader's language writes them (Babel's CLDR data).

Code and templates keep their strftime patterns (`"%d %B %Y"`); in English the pattern is applied
as it always was, byte for byte, and in another language it is carried over to a CLDR pattern, so
month and day names, and the digits' separators, are the language's own ("07 Dezember 2026").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime as babel_datetime
from babel.numbers import format_decimal

from smooth.i18n import language

# strftime directive -> CLDR field; literal text is quoted
_DIRECTIVES = {"d": "dd", "-d": "d", "e": "d", "m": "MM", "-m": "M", "Y": "yyyy", "y": "yy", "B": "MMMM",
               "b": "MMM", "h": "MMM", "A": "EEEE", "a": "EEE", "H": "HH", "-H": "H", "I": "hh", "-I": "h",
               "M": "mm", "S": "ss", "p": "a", "j": "DDD", "%": "%"}
_TOKEN = re.compile(r"%(-?[a-zA-Z%])")
_DAY_WITH_PERIOD = frozenset({"de", "da", "nb", "nn", "fi", "cs", "sk"})  # "7. Dezember", not "07 Dezember"
_DAY_BEFORE_MONTH = re.compile(r"\bd{1,2} (?=M{3,4}\b)")


def babel_locale(lang: str | None = None) -> Locale:
    """The CLDR locale for `lang` (English for the pseudo-language and for a language CLDR lacks)."""
    return _locale(lang or language.current())


@functools.lru_cache(maxsize=64)
def _locale(lang: str) -> Locale:
    if lang == language.PSEUDO_RTL:
        return Locale("en")
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale("en")


def _quoted(text: str) -> str:
    if not text:
        return ""
    return "'" + text.replace("'", "''") + "'" if re.search(r"[A-Za-z']", text) else text


@functools.lru_cache(maxsize=256)
def cldr_pattern(pattern: str) -> str:
    """A strftime pattern as a CLDR one: `%d %B %Y` -> `dd MMMM yyyy`."""
    out, last = [], 0
    for match in _TOKEN.finditer(pattern):
        out.append(_quoted(pattern[last:match.start()]))
        out.append(_DIRECTIVES.get(match.group(1), _quoted(match.group(0))))
        last = match.end()
    out.append(_quoted(pattern[last:]))
    return "".join(out)


def strftime(value: dt.date | dt.datetime | dt.time, pattern: str, lang: str | None = None) -> str:
    """`value.strftime(pattern)` in the reader's language (unchanged in English)."""
    lang = lang or language.current()
    if lang in (language.DEFAULT, language.PSEUDO_RTL) or lang.startswith("en-"):
        return value.strftime(pattern)
    if isinstance(value, dt.time):
        value = dt.datetime.combine(dt.date(2000, 1, 1), value)
    elif not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    cldr = cldr_pattern(pattern)
    if lang.split("-")[0] in _DAY_WITH_PERIOD:
        cldr = _DAY_BEFORE_MONTH.sub("d. ", cldr)
    return babel_datetime(value, cldr, locale=_locale(lang))


def format_number(value: Any, decimals: int | None = None, lang: str | None = None) -> str:
    """A number with the language's separators (`1,234.5` in English, `1.234,5` in German); `decimals`
    fixes the digits after the point."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if decimals is not None:
        fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return format_decimal(number, format=fmt, locale=babel_locale(lang))
    return format_decimal(number, locale=babel_locale(lang))
