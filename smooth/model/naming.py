"""Document names: hash, field:x, prompt, naming series, format: patterns and autoincrement.

`autoincrement` names are the integers 1, 2, 3 (an integer column, and numbers in JSON, as
in Frappe), drawn from the same counters as naming series, under their own key.

Series counters live in `tabSeries` and are incremented with one upsert, which holds the
row lock until commit, so concurrent inserts never draw the same number.
"""

from __future__ import annotations

import functools
import re
import secrets
import string
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, func, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from smooth.context import db, now_datetime
from smooth.exceptions import MandatoryError, ValidationError
from smooth.messages import _
from smooth.model.save_plan import plan_of

if TYPE_CHECKING:
    from smooth.model.document import Document

HASH_ALPHABET = string.digits + string.ascii_lowercase
FORBIDDEN_NAME_CHARS = re.compile(r"[<>]")
MAX_NAME_LENGTH = 140
_BRACES = re.compile(r"\{([^{}]+)\}")
MAX_SERIES_BLOCK = 64  # numbers a transaction reserves ahead at most (see next_series_value)
AUTOINCREMENT_KEY = "autoincrement:"  # + doctype: the counter of its names in tabSeries


def make_hash(length: int = 10) -> str:
    """`length` characters of HASH_ALPHABET, uniformly random: one draw from the OS, written in that base
    (a draw per character made bulk inserts of ten thousand rows spend a second naming them)."""
    number = secrets.randbelow(len(HASH_ALPHABET) ** length)
    characters = []
    for _digit in range(length):
        number, digit = divmod(number, len(HASH_ALPHABET))
        characters.append(HASH_ALPHABET[digit])
    return "".join(characters)


def set_new_name(doc: Document) -> None:
    meta = doc.meta
    if meta.issingle:
        doc.name = meta.name
        return
    doc.run_method("before_naming")
    autoname = meta.autoname
    if plan_of(doc).names_itself:
        doc.autoname()
    elif doc.name and (doc.flags.get("name_set") or autoname.lower() in ("prompt", "")):
        pass  # a name the caller chose (prompt, or explicit set_name)
    elif autoname.startswith("field:"):
        fieldname = autoname[6:]
        value = doc.get(fieldname)
        if value in (None, ""):
            raise MandatoryError(_("{0} is required to name this {1}", _(meta.get_label(fieldname)), _(meta.name)))
        doc.name = str(value).strip()
    elif autoname == "naming_series:":
        series = doc.get("naming_series") or _first_series_option(doc)
        if not series:
            raise MandatoryError(_("Naming Series is required for {0}", _(meta.name)))
        doc.name = from_dotted_pattern(series if "#" in series else series + ".#####", doc)
    elif autoname.lower().startswith("format:"):
        doc.name = from_format(autoname[7:], doc)
    elif "#" in autoname:
        doc.name = from_dotted_pattern(autoname, doc)
    elif meta.autoincrement:
        doc.name = next_series_value(AUTOINCREMENT_KEY + meta.name)
    elif autoname.lower() == "prompt":
        raise MandatoryError(_("A name is required for the new {0}", _(meta.name)))
    else:
        doc.name = make_hash()
    doc.name = integer_name(meta.name, doc.name) if meta.autoincrement else validate_name(meta.name, doc.name)


def integer_name(doctype: str, name: Any) -> int:
    """The name of an `autoincrement` document: a positive whole number (given as one, or as its digits)."""
    text = str(name).strip() if isinstance(name, int | str) and not isinstance(name, bool) else ""
    if not text.isdigit() or int(text) < 1:
        raise ValidationError(_("The name of a {0} is a number counted from 1, not {1!r}", _(doctype), name))
    return int(text)


def _first_series_option(doc: Document) -> str | None:
    field = doc.meta.get_field("naming_series")
    options = field.select_options if field else []
    return options[0] if options else None


def validate_name(doctype: str, name: Any) -> str:
    """The name as stored: text within MAX_NAME_LENGTH (a number becomes text; a list or object is refused)."""
    check_name_type(doctype, name)
    text = str(name or "").strip()
    if not text:
        raise MandatoryError(_("A name is required for the new {0}", _(doctype)))
    if FORBIDDEN_NAME_CHARS.search(text):
        raise ValidationError(_("Name {0!r} of {1} cannot contain < or >", text, _(doctype)))
    if len(text) > MAX_NAME_LENGTH:
        raise ValidationError(_("Name of {0} is longer than {1} characters", _(doctype), MAX_NAME_LENGTH))
    if text == f"New {doctype}" or text == doctype:
        raise ValidationError(_("{0!r} is a reserved name", text))
    return text


def check_name_type(doctype: str, name: Any) -> None:
    """A name must be text (or a number): a list or object would be stored as its repr or reach SQL as a list."""
    if name is None or isinstance(name, str) or isinstance(name, int | float) and not isinstance(name, bool):
        return
    raise ValidationError(_("The name of a {0} must be text, not {1}", _(doctype), type(name).__name__))


def _date_part(part: str) -> str | None:
    now = now_datetime()
    return {
        "YYYY": f"{now.year:04d}", "YY": f"{now.year % 100:02d}", "MM": f"{now.month:02d}",
        "DD": f"{now.day:02d}", "WW": f"{now.isocalendar()[1]:02d}",
    }.get(part)


def from_format(pattern: str, doc: Document) -> str:
    """`LMS-CR-{YYYY}-{#####}`: date parts, field values and one counter in braces."""
    prefix_parts: list[str] = []
    digits = 0
    result: list[str] = []
    position = 0
    for match in _BRACES.finditer(pattern):
        result.append(pattern[position:match.start()])
        token = match.group(1)
        if set(token) == {"#"}:
            digits = len(token)
            result.append("\0")
        else:
            result.append(_part_value(token, doc))
        position = match.end()
    result.append(pattern[position:])
    text = "".join(result)
    if not digits:
        return text
    prefix_parts = text.split("\0")
    counter = next_series_value(prefix_parts[0])
    return f"{prefix_parts[0]}{counter:0{digits}d}{prefix_parts[1]}"


def from_dotted_pattern(pattern: str, doc: Document) -> str:
    """Old-style `PRE-.YYYY.-.#####`: dot-separated parts, `#` run is the counter."""
    prefix = ""
    digits = 0
    for part in pattern.split("."):
        if not part:
            continue
        if set(part) == {"#"}:
            digits = len(part)
            break
        prefix += _part_value(part, doc, literal_ok=True)
    if not digits:
        return prefix
    return f"{prefix}{next_series_value(prefix):0{digits}d}"


def _part_value(token: str, doc: Document, literal_ok: bool = False) -> str:
    date = _date_part(token)
    if date is not None:
        return date
    if doc.meta.has_field(token):
        value = doc.get(token)
        if value in (None, ""):
            raise MandatoryError(_("{0} is required to name this {1}", _(doc.meta.get_label(token)), _(doc.meta.name)))
        return str(value)
    if literal_ok:
        return token
    raise ValidationError(_("Naming pattern part {{{0}}} of {1} is not a date part or field", token, _(doc.meta.name)))


def next_series_value(prefix: str) -> int:
    """The next number of `prefix`'s counter.

    The counter moves in one atomic upsert: a separate UPDATE-then-INSERT lets concurrent first users of a
    new prefix all fail the INSERT on MariaDB; each then holds a shared lock on the new row and their retried
    UPDATEs deadlock. The upsert takes the row's exclusive lock directly, so callers simply queue. The lock is
    held until commit, so a transaction that keeps naming (an import, a bulk job) reserves numbers ahead, in
    blocks that double up to MAX_SERIES_BLOCK, and gives back what it did not use as it commits: the series
    has no gaps, and a thousand inserts pay a few dozen upserts.
    """
    database = db()
    block = database.series_blocks_of_transaction().get(prefix)
    if block is not None and block[0] <= block[1]:
        database.series_blocks[prefix] = (block[0] + 1, block[1], block[2])
        return block[0]
    step = 1 if block is None else min(MAX_SERIES_BLOCK, block[2] * 2)
    top = _advance(database, prefix, step)
    blocks = database.series_blocks_of_transaction()
    if prefix not in blocks:
        database.before_commit.add(_give_back, database, prefix)
    blocks[prefix] = (top - step + 2, top, step)
    return top - step + 1


def _advance(database: Any, prefix: str, step: int) -> int:
    """Move the counter on by `step`; its new value."""
    stmt = _series_upsert(database.table("Series"), database.is_sqlite)
    result: Any = database.execute(stmt, {"prefix": prefix, "step": step}, write=True)
    return int(result.scalar_one() if database.is_sqlite else result.lastrowid)


def _give_back(database: Any, prefix: str) -> None:
    """Before commit: set the counter back to the last number used, if the transaction reserved more."""
    block = database.series_blocks.get(prefix)
    if block is not None and block[0] <= block[1]:
        series = database.table("Series")
        database.execute(update(series).where(series.c.name == prefix, series.c.current == block[1])
                         .values(current=block[0] - 1), write=True)


@functools.lru_cache(maxsize=64)
def _series_upsert(series: Table, sqlite: bool) -> Any:
    """The upsert, built once per site's table (prefix and step are bound), so SQLAlchemy reuses its compiled form."""
    if sqlite:
        return sqlite_insert(series).values(name=bindparam("prefix"), current=bindparam("step")) \
            .on_conflict_do_update(index_elements=[series.c.name],
                                   set_={"current": series.c.current + bindparam("step")}) \
            .returning(series.c.current)
    # MariaDB has no RETURNING on upserts: LAST_INSERT_ID(expr) hands the new value back in the reply
    return mysql_insert(series).values(name=bindparam("prefix"), current=func.last_insert_id(bindparam("step"))) \
        .on_duplicate_key_update(current=func.last_insert_id(series.c.current + bindparam("step")))
