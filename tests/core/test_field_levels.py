"""Field-level permissions (Frappe's permlevel): a field above level 0 is read and written only by roles
with a DocPerm row at its level, on every door a person uses.

Test Payslip: `salary` (level 1) and its lines' `amount` (level 1, from the parent's rows), `board_note`
(level 2, no role's rows reach it). Test Reader reads level 0 only; Test Writer also reads level 1;
Test Creator reads and writes level 1. Before, every level above 0 was Administrator's alone for writes,
and every reader got every field from REST reads and lists.
"""

from __future__ import annotations

from typing import Any

import pytest

import smooth
from smooth.api import client
from smooth.api.client import apply_update, new_document
from tests.conftest import SiteHandle, make_user

READER, WRITER, CREATOR = "reader@levels.example.com", "writer@levels.example.com", "creator@levels.example.com"


@pytest.fixture
def payslip(ctx: SiteHandle) -> str:
    make_user(READER, "Test Reader")
    make_user(WRITER, "Test Writer")
    make_user(CREATOR, "Test Creator")
    return smooth.get_doc({"doctype": "Test Payslip", "employee_name": "Ann", "salary": 5000,
                           "board_note": "raise due", "lines": [{"item": "base", "amount": 4000}]}).insert().name


def read_as(user: str, name: str) -> dict[str, Any]:
    smooth.set_user(user)
    try:
        return client.get("Test Payslip", name)
    finally:
        smooth.set_user("Administrator")


def list_as(user: str, fields: Any) -> list[dict[str, Any]]:
    smooth.set_user(user)
    try:
        return client.get_list("Test Payslip", fields=fields)
    finally:
        smooth.set_user("Administrator")


def test_a_reader_gets_only_the_levels_their_roles_reach(payslip: str) -> None:
    reader = read_as(READER, payslip)
    assert reader["employee_name"] == "Ann"
    assert "salary" not in reader and "board_note" not in reader
    assert reader["lines"][0]["item"] == "base" and "amount" not in reader["lines"][0]
    writer = read_as(WRITER, payslip)
    assert writer["salary"] == 5000 and writer["lines"][0]["amount"] == 4000
    assert "board_note" not in writer
    assert read_as("Administrator", payslip)["board_note"] == "raise due"


def test_a_list_drops_the_fields_a_reader_may_not_see(payslip: str) -> None:
    assert list_as(READER, ["name", "salary", "board_note"]) == [{"name": payslip}]
    assert "salary" not in list_as(READER, ["*"])[0] and "employee_name" in list_as(READER, ["*"])[0]
    assert list_as(READER, ["employee_name", "sum(salary) as total"]) == [{"employee_name": "Ann"}]
    assert list_as(READER, '["`tabTest Payslip`.salary"]') == [{"name": payslip}]
    assert list_as(WRITER, ["salary", "board_note"]) == [{"salary": 5000}]
    assert list_as("Administrator", ["salary", "board_note"]) == [{"salary": 5000, "board_note": "raise due"}]


def test_only_a_role_with_write_at_the_level_sets_it(payslip: str) -> None:
    sent = {"employee_name": "Bo", "salary": 9999, "board_note": "x", "lines": [{"item": "base", "amount": 1}]}
    for user, salary_kept in ((WRITER, False), (CREATOR, True)):
        smooth.set_user(user)
        try:
            doc = new_document("Test Payslip", sent)
            assert (doc.salary == 9999) is salary_kept, user
            assert (doc.lines[0].amount == 1) is salary_kept, user
            assert not doc.board_note, user
            stored = smooth.get_doc("Test Payslip", payslip)
            apply_update(stored, {"salary": 1, "board_note": "y"})
            assert (stored.salary == 1) is salary_kept and stored.board_note == "raise due", user
        finally:
            smooth.set_user("Administrator")
