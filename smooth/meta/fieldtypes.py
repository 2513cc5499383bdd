"""The field types a doctype JSON may use, grouped by how they behave, and how long a value each holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from smooth.exceptions import CharacterLengthExceededError, ValidationError
from smooth.i18n.deferred import _

LAYOUT = frozenset({"Section Break", "Column Break", "Tab Break", "HTML", "Heading", "Button", "Fold", "Image"})
TABLE = frozenset({"Table", "Table MultiSelect"})
NO_VALUE = LAYOUT | TABLE

INTEGER = frozenset({"Int", "Check", "Long Int"})
DECIMAL = frozenset({"Float", "Currency", "Percent", "Duration", "Rating"})  # Rating: a fraction, as in Frappe
NUMERIC = INTEGER | DECIMAL
TEMPORAL = frozenset({"Date", "Time", "Datetime"})
SHORT_TEXT = frozenset({
    "Data", "Link", "Dynamic Link", "Select", "Password", "Attach", "Attach Image",
    "Read Only", "Autocomplete", "Color", "Phone", "Icon",
})
LONG_TEXT = frozenset({"Small Text", "Text", "Long Text", "Text Editor", "Code", "JSON", "Markdown Editor",
                       "HTML Editor", "Barcode", "Signature", "Geolocation"})
WIDGETLESS = frozenset({"Icon", "Barcode", "Signature", "Geolocation"})  # stored as Frappe does, edited as text

TEXT = SHORT_TEXT | LONG_TEXT
VALUE = INTEGER | DECIMAL | TEMPORAL | TEXT
ALL = VALUE | NO_VALUE

RATING_STARS = 5  # Frappe's Rating: `options` may name another number of stars

STANDARD_FIELDS = ("name", "owner", "creation", "modified", "modified_by", "docstatus", "idx")
CHILD_FIELDS = ("parent", "parenttype", "parentfield")
DEFAULT_LENGTH = 140


# The columns smooth.db.schema makes (utf8mb4 on MariaDB): VARCHAR(n) counts characters,
# TEXT and LONGTEXT count bytes. SQLite would store anything, so the same limits hold there.
TEXT_BYTES = 65_535  # TEXT: Small Text, Text
LONGTEXT_BYTES = 4_294_967_295  # LONGTEXT: every other long text type
TEXT_COLUMN = frozenset({"Small Text", "Text"})


@dataclass(frozen=True)
class MaxLength:
    size: int
    unit: str  # "characters" or "bytes" (UTF-8)


class LengthLimited(Protocol):
    fieldtype: str
    label: str
    length: int


def max_length(fieldtype: str, length: int = 0) -> MaxLength | None:
    """The longest value a field's column holds; None for types that are not text."""
    if fieldtype in TEXT_COLUMN:
        return MaxLength(TEXT_BYTES, "bytes")
    if fieldtype in LONG_TEXT:
        return MaxLength(LONGTEXT_BYTES, "bytes")
    if fieldtype in SHORT_TEXT:
        return MaxLength(length or DEFAULT_LENGTH, "characters")
    return None


def check_length(field: LengthLimited, value: Any, where: str = "") -> None:
    """Refuse a value its column cannot hold, before MariaDB fails with a DataError (SQLite would keep it).

    `where` prefixes the message ("LMS Course COURSE-1: ") as Document._where() does.
    """
    limit = max_length(field.fieldtype, field.length)
    if limit is None or value is None:
        return
    text = value if isinstance(value, str) else str(value)
    if limit.unit == "characters":
        size = len(text)
    elif len(text) * 4 <= limit.size:  # no UTF-8 character takes more than 4 bytes
        return
    else:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit.size:
        args = (where, _(field.label), format(size, ","), format(limit.size, ","))
        raise CharacterLengthExceededError(_("{0}{1} is too long: {2} characters, at most {3}", *args)
                                           if limit.unit == "characters" else
                                           _("{0}{1} is too long: {2} bytes, at most {3}", *args))


def column_zone(field: Any, system_zone: str) -> str:
    """The zone a Datetime column's naive values are in: the system zone, or UTC when the field's
    options say "UTC" (canonical instants). A value given with an offset is converted to it,
    never stored with the offset dropped."""
    return "UTC" if getattr(field, "options", None) == "UTC" else system_zone


def rating_scale(options: str | None) -> int:
    """How many stars a Rating field has: its `options` when a positive whole number, else 5."""
    text = str(options or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else RATING_STARS


def check_rating(field: LengthLimited, options: str | None, value: Any, where: str = "") -> None:
    """Refuse a rating off its scale. Frappe stores a Rating as the fraction of the stars given
    (4 of 5 stars is 0.8), so Frappe clients and data read the same number here."""
    scale = rating_scale(options)
    try:
        number: float | None = float(str(value).strip())
    except ValueError:
        number = None
    if number is None or not 0 <= number <= 1:
        raise ValidationError(_("{0}{1} is a rating out of {2} stars, stored as a fraction from 0 to 1 (4 of {2} "
                                "stars is {3}): {4} is off that scale", where, _(field.label), scale,
                                format(4 / scale, "g"), value))
