"""Frappe's User Permissions: a user allowed some Test Categories reads only those categories and
the Test Notes that link to one of them (or to none), in lists and single reads alike."""

from __future__ import annotations

from typing import Any

import pytest

import smooth
from tests.conftest import make_user

READER = "reader@example.com"


def _notes() -> dict[str, str]:
    for name in ("Allowed", "Other"):
        smooth.get_doc({"doctype": "Test Category", "category_name": name}).insert()
    return {label: smooth.get_doc({"doctype": "Test Note", "title": label, "category": category}).insert().name
            for label, category in (("allowed", "Allowed"), ("other", "Other"), ("none", None))}


def _allow(value: str, **extra: Any) -> None:
    smooth.get_doc({"doctype": "User Permission", "user": READER, "allow": "Test Category", "for_value": value,
                    **extra}).insert()


def test_a_user_permission_narrows_lists_and_single_reads(site: Any) -> None:
    with site.context():
        make_user(READER, "Test Reader")
        notes = _notes()
        _allow("Allowed")
        smooth.db.commit()
    with site.context(user=READER):
        assert sorted(smooth.get_list("Test Note", pluck="title")) == ["allowed", "none"]
        assert smooth.get_list("Test Category", pluck="name") == ["Allowed"]
        assert smooth.has_permission("Test Note", "read", doc=smooth.get_doc("Test Note", notes["allowed"]))
        with pytest.raises(smooth.PermissionError):
            smooth.get_doc("Test Note", notes["other"]).check_permission("read")
        with pytest.raises(smooth.PermissionError):
            smooth.get_doc("Test Category", "Other").check_permission("read")


def test_a_user_permission_applicable_for_one_doctype_leaves_the_others_alone(site: Any) -> None:
    with site.context():
        make_user(READER, "Test Reader")
        _notes()
        _allow("Allowed", apply_to_all_doctypes=0, applicable_for="Test Category")
        smooth.db.commit()
    with site.context(user=READER):
        assert len(smooth.get_list("Test Note")) == 3  # the row applies to Test Category only
        assert smooth.get_list("Test Category", pluck="name") == ["Allowed"]
