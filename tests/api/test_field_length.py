"""A value longer than its column holds is a 417 naming the field, on MariaDB and SQLite alike.

1 MB in a Small Text field was a 500 DataError on MariaDB and stored on SQLite. Passes once
Document._validate_values calls smooth.meta.fieldtypes.check_length for every text field.
"""

from __future__ import annotations

import pytest

from tests.api.helpers import Api, stored

NOTE = "/api/resource/Test%20Note"


@pytest.mark.parametrize("fieldname, label, value", [
    ("summary", "Summary", "x" * 1_000_000),
    ("notes", "Notes", "€" * 21_846),  # 65,538 bytes in 21,846 characters
])
def test_a_value_longer_than_its_column_is_refused_naming_the_field(api: Api, fieldname: str, label: str,
                                                                     value: str) -> None:
    response = api.post(NOTE, json={"title": "long", fieldname: value})
    assert response.status_code == 417, response.text[:300]
    body = response.json()
    assert body["exc_type"] == "CharacterLengthExceededError"
    assert f"{label} is too long" in body["exception"] and "at most 65,535" in body["exception"]
    assert api.list("Test Note", filters={"title": "long"}).json()["data"] == []


def test_the_longest_value_a_text_column_holds_is_stored_whole(api: Api) -> None:
    value = "€" * 21_845  # 65,535 bytes
    response = api.post(NOTE, json={"title": "longest", "notes": value})
    assert response.status_code == 200, response.text[:300]
    assert stored(api, "Test Note", response.json()["data"]["name"], "notes") == value
