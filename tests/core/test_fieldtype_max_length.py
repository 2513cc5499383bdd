"""Each field type's maximum length matches the column smooth.db.schema makes for it.

MariaDB refuses a longer value with a DataError (a 500 before this check) while SQLite keeps
it, so `fieldtypes.check_length` holds both backends to the MariaDB column: VARCHAR(n) counts
characters, TEXT and LONGTEXT count UTF-8 bytes (utf8mb4).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy.dialects import mysql

from smooth.db.schema import column_type
from smooth.exceptions import CharacterLengthExceededError, ValidationError
from smooth.meta import fieldtypes
from smooth.meta.doctype import DocField

COLUMN_SIZES = {"TEXT": 65_535, "MEDIUMTEXT": 16_777_215, "LONGTEXT": 4_294_967_295}


def field(fieldtype: str, length: int = 0, label: str = "Summary") -> DocField:
    return DocField({"fieldname": "summary", "fieldtype": fieldtype, "label": label, "length": length})


@pytest.mark.parametrize("fieldtype", sorted(fieldtypes.VALUE))
@pytest.mark.parametrize("length", [0, 40, 255])
def test_every_text_type_is_limited_to_what_its_mariadb_column_holds(fieldtype: str, length: int) -> None:
    declared = column_type(field(fieldtype, length)).compile(dialect=mysql.dialect())
    limit = fieldtypes.max_length(fieldtype, length)
    varchar = re.fullmatch(r"VARCHAR\((\d+)\)", declared)
    if varchar:
        assert limit == fieldtypes.MaxLength(int(varchar.group(1)), "characters")
    elif declared in COLUMN_SIZES:
        assert limit == fieldtypes.MaxLength(COLUMN_SIZES[declared], "bytes")
    else:
        assert limit is None, f"{fieldtype} is stored as {declared}, which is not text"


@pytest.mark.parametrize("fieldtype, fits, too_long", [
    ("Small Text", "x" * 65_535, "x" * 65_536),
    ("Text", "€" * 21_845, "€" * 21_846),  # 3 bytes each: 65,535 and 65,538 bytes
    ("Text", "😀" * 16_383 + "xxx", "😀" * 16_384),  # 4 bytes each
    ("Data", "€" * 140, "x" * 141),  # VARCHAR counts characters, whatever their size
])
def test_a_value_is_refused_one_unit_past_the_limit(fieldtype: str, fits: str, too_long: str) -> None:
    fieldtypes.check_length(field(fieldtype), fits)
    with pytest.raises(CharacterLengthExceededError):
        fieldtypes.check_length(field(fieldtype), too_long)


def test_the_message_names_the_document_and_field_and_both_sizes() -> None:
    with pytest.raises(ValidationError) as info:
        fieldtypes.check_length(field("Small Text", label="Course Summary"), "é" * 1_000_000, "LMS Course C-1: ")
    assert str(info.value) == "LMS Course C-1: Course Summary is too long: 2,000,000 bytes, at most 65,535"
    assert info.value.http_status_code == 417
    with pytest.raises(ValidationError, match=r"^Code is too long: 41 characters, at most 40$"):
        fieldtypes.check_length(field("Data", 40, label="Code"), "x" * 41)


def test_a_declared_length_applies_to_short_text_only() -> None:
    fieldtypes.check_length(field("Data", 10), "x" * 10)
    with pytest.raises(CharacterLengthExceededError):
        fieldtypes.check_length(field("Data", 10), "x" * 11)
    fieldtypes.check_length(field("Small Text", 10), "x" * 1000)


@pytest.mark.parametrize("fieldtype, value", [("Int", 10**12), ("Date", "2026-01-01"), ("Check", 1),
                                              ("Long Text", "x" * 2_000_000), ("Data", None)])
def test_values_within_their_column_pass(fieldtype: str, value: object) -> None:
    fieldtypes.check_length(field(fieldtype), value)
