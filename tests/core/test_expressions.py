"""Field conditions: the grammar, its values, its limits, and the doctype check that uses it."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from smooth import expressions
from smooth.meta.checks import check_doctype


@pytest.mark.parametrize(("condition", "doc", "expected"), [
    ("published", {"published": 1}, True),
    ("published", {"published": 0}, False),
    ("eval:doc.status=='Pending' && doc.x > 3", {"status": "Pending", "x": 4}, True),
    ("eval:doc.date >= '2026-01-01'", {"date": dt.date(2026, 5, 1)}, True),
    ("eval:doc.at < '2026-01-01 10:00:00'", {"at": dt.datetime(2026, 1, 1, 9, 30)}, True),
    ("eval:doc.amount > 2.5", {"amount": decimal.Decimal("2.75")}, True),
    ("eval:doc.flag", {"flag": True}, True),
    ("eval:doc.rows > 1", {"rows": [{}, {}]}, True),
    ("eval:!doc.missing", {}, True),
    ("eval:doc.__class__ == undefined", {}, True),  # a key of the values, never an attribute
    # written as Frappe apps write them
    ("eval:doc.status=='Open';", {"status": "Open"}, True),
    ("eval:doc.status=='Open' ; ", {"status": "Closed"}, False),
    ("eval:['A','B'].includes(doc.x)", {"x": "B"}, True),
    ("eval:['A','B'].includes(doc.x)", {"x": "C"}, False),
    ("eval:[1, 2].includes(doc.n)", {"n": "1"}, False),  # strict, as JavaScript's
    ("eval:doc.t.includes('ab')", {"t": "xabc"}, True),
    ("eval:doc.t.includes('ab')", {"t": None}, False),
    ("eval:!doc.__islocal", {"__islocal": 1}, False),
    ("eval:!doc.__islocal", {}, True),
    ("eval:doc.rows.length > 1", {"rows": [{}, {}]}, True),
    ("eval:doc.code.length == 3", {"code": "abc"}, True),
    ("eval:['Int', 'Float'].indexOf(doc.fieldtype) !== -1", {"fieldtype": "Float"}, True),
    ("eval:['Int', 'Float'].indexOf(doc.fieldtype) !== -1", {"fieldtype": "Data"}, False),
    ("eval:doc.t.indexOf('b') == 1", {"t": "abc"}, True),
])
def test_conditions(condition: str, doc: dict, expected: bool) -> None:
    assert expressions.evaluate(condition, doc) is expected


@pytest.mark.parametrize("condition", [
    "eval:__import__('os').system('x')", "eval:(lambda: 1)()", "eval:doc.x if 1 else 2",
    "eval:" + "!" * 30 + "1", "eval:" + "x" * 600, "two words", "eval:doc.x = 1", "eval:`tpl`",
    "eval:doc.x;;", "eval:doc.x.toString()", "eval:[1].includes(1, 2)",
])
def test_what_is_not_in_the_grammar_is_refused(condition: str) -> None:
    with pytest.raises(expressions.ExpressionError):
        expressions.evaluate(condition, {"x": 1})


def test_doctype_check_reports_a_bad_condition() -> None:
    issues = check_doctype({"name": "Cond", "fields": [
        {"fieldname": "a", "fieldtype": "Data", "depends_on": "eval:doc.a == 1"},
        {"fieldname": "b", "fieldtype": "Data", "mandatory_depends_on": "eval:import os"},
    ]}, None)
    assert [(i.id, i.level, i.field) for i in issues] == [("meta.W005", "warning", "b")]


def test_a_condition_outside_the_grammar_falls_back_to_no_condition() -> None:
    assert expressions.holds("eval:frappe.user.has_role('X')", {}, True) is True
    assert expressions.holds("eval:frappe.user.has_role('X')", {}, False) is False
