"""A document name is text: a list or object given as a name is refused, not stored as its repr."""

from __future__ import annotations

from typing import Any

import pytest

import smooth


@pytest.mark.parametrize("name", [["x"], {"a": 1}, ("x",), True])
def test_a_name_that_is_not_text_is_refused(ctx: Any, name: Any) -> None:
    with pytest.raises(smooth.ValidationError, match="The name of a Test Prompt must be text"):
        smooth.get_doc({"doctype": "Test Prompt", "name": name, "title": "t"}).insert()
    assert smooth.get_all("Test Prompt") == []


@pytest.mark.parametrize("name, stored", [("P-1", "P-1"), (42, "42"), (" padded ", "padded")])
def test_text_and_numbers_are_names(ctx: Any, name: Any, stored: str) -> None:
    assert smooth.get_doc({"doctype": "Test Prompt", "name": name, "title": "t"}).insert().name == stored
