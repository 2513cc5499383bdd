"""Doctype constructs as Frappe apps write them (Test Frappe Form, Test Autoincrement, Test Person in
the test app), behaving as Frappe 15 does: fetch before the mandatory check, mandatory after
`validate`, fetch_if_empty, field_order, conditions with `;` / `.includes` / `__islocal`,
autoincrement names, Rating as a number, an uppercase fieldname, on both backends."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from sqlalchemy import inspect

import smooth
from smooth.core.search import search_columns
from smooth.pages.desk import form_fields


def _category(description: str = "From the category") -> str:
    smooth.get_doc({"doctype": "Test Category", "category_name": "Cat", "description": description}).insert()
    return "Cat"


def form(**values: Any) -> Any:
    return smooth.get_doc({"doctype": "Test Frappe Form", "title": "A form", **values})


def test_a_mandatory_fetched_value_is_filled_before_naming_and_the_check(ctx: Any) -> None:
    """`category_code` is reqd, fetched, and names the document: Frappe accepts it without the value."""
    doc = form(category=_category()).insert()
    assert (doc.category_code, doc.category_description) == ("Cat", "From the category")
    assert doc.name.startswith("Cat-")


def test_fetched_values_are_there_for_before_insert_as_in_frappe(ctx: Any) -> None:
    seen: list[Any] = []
    doc = form(category=_category())
    doc.before_insert = lambda: seen.append(doc.category_description)  # type: ignore[method-assign]
    doc.insert()
    assert seen == ["From the category"]


def test_fetch_if_empty_keeps_a_typed_value_and_fills_an_empty_one(ctx: Any) -> None:
    category = _category()
    typed = form(category=category, summary="Typed", category_description="Typed").insert()
    assert (typed.summary, typed.category_description) == ("Typed", "From the category")  # only fetch_if_empty keeps
    assert form(category=category).insert().summary == "From the category"


def test_mandatory_depends_on_with_includes_and_a_trailing_semicolon(ctx: Any) -> None:
    with pytest.raises(smooth.MandatoryError, match="Closing Note"):
        form(category=_category(), status="Lost").insert()
    assert form(category="Cat", status="Open").insert().closing_note is None


def test_fields_follow_field_order_and_unlisted_fields_come_last(ctx: Any) -> None:
    meta = smooth.get_meta("Test Frappe Form")
    names = [f.fieldname for f in meta.fields]
    assert names[:6] == ["title", "status", "category", "category_code", "category_description", "summary"]
    assert names[-1] == "remarks"  # in `fields`, not in `field_order`
    assert [f.idx for f in meta.fields] == list(range(1, len(names) + 1))


def test_rating_is_stored_and_read_as_a_number(ctx: Any) -> None:
    name = form(category=_category(), score="0.6").insert().name
    assert smooth.db.get_value("Test Frappe Form", name, "score") == 0.6
    assert smooth.get_doc("Test Frappe Form", name).score == 0.6
    column = next(c for c in inspect(smooth.db.connection()).get_columns("tabTest Frappe Form")
                  if c["name"] == "score")
    assert column["type"].python_type in (float, decimal.Decimal)


def test_the_desk_form_rounds_to_precision_and_the_server_keeps_what_it_is_sent(ctx: Any) -> None:
    """As in Frappe 15: the form rounds a typed number to the field's `precision` (and shows it
    so); a value sent through the API is stored as sent."""
    meta = smooth.get_meta("Test Frappe Form")
    state = {"amount": "1.23456", "ratio": "2.000549", "share": "33.35", "weight": "1.23456", "tables": {}}
    saved = form_fields.save_values(meta, state, {"amount", "ratio", "share", "weight"}, smooth.get_meta,
                                    ("UTC", "UTC"))
    assert saved == {"amount": 1.23, "ratio": 2.001, "share": 33.4, "weight": "1.23456"}
    assert form_fields.input_text(meta.get_field("amount"), 1.23456) == "1.23"
    name = form(category=_category(), amount=1.23456).insert().name
    assert smooth.db.get_value("Test Frappe Form", name, "amount") == 1.23456


def test_autoincrement_names_are_1_2_3_in_an_integer_column(ctx: Any) -> None:
    names = [smooth.get_doc({"doctype": "Test Autoincrement", "subject": f"s{i}"}).insert().name for i in range(3)]
    first = names[0]
    assert names == [first, first + 1, first + 2] and all(type(n) is int for n in names)
    assert sorted(smooth.get_all("Test Autoincrement", pluck="name")) == names
    assert smooth.get_doc("Test Autoincrement", str(first + 1)).subject == "s1"  # a name from a URL is text
    column = next(c for c in inspect(smooth.db.connection()).get_columns("tabTest Autoincrement")
                  if c["name"] == "name")
    assert column["type"].python_type is int


def test_an_autoincrement_name_that_is_not_a_number_is_refused(ctx: Any) -> None:
    with pytest.raises(smooth.ValidationError, match="a number counted from 1"):
        smooth.get_doc({"doctype": "Test Autoincrement", "subject": "x"}).insert(set_name="abc")


def test_a_controller_may_fill_a_mandatory_field_in_validate(ctx: Any) -> None:
    """Frappe checks mandatory values once, after `validate`: Test Person's controller sets the reqd Full Name."""
    doc = smooth.get_doc({"doctype": "Test Person", "first_name": "Ada", "last_name": "Lovelace"}).insert()
    assert smooth.db.get_value("Test Person", doc.name, "full_name") == "Ada Lovelace"
    with pytest.raises(smooth.MandatoryError, match="value missing for First Name, Full Name$"):
        smooth.get_doc({"doctype": "Test Person", "last_name": ""}).insert()


def test_an_uppercase_fieldname_is_a_column_as_in_frappe(ctx: Any) -> None:
    """`ID`, as Frappe apps name fields: written, read, filtered and sorted by, quoted on both backends."""
    for number in ("A-2", "A-1", "B-1"):
        smooth.get_doc({"doctype": "Test Person", "first_name": number, "ID": number}).insert()
    name = smooth.db.get_value("Test Person", {"ID": "A-1"}, "name")
    assert smooth.get_doc("Test Person", name).ID == "A-1"
    assert smooth.get_all("Test Person", filters={"ID": ["like", "A-%"]}, order_by="ID desc", pluck="ID") == \
        ["A-2", "A-1"]
    assert smooth.get_all("Test Person", filters=[["ID", "=", "B-1"]], fields=["ID", "full_name"]) == \
        [{"ID": "B-1", "full_name": "B-1"}]
    doc = smooth.get_doc("Test Person", name)
    doc.ID = "A-0"
    doc.save()
    assert smooth.db.get_value("Test Person", name, "ID") == "A-0"


def test_print_hide_keeps_a_field_off_the_standard_print(ctx: Any) -> None:
    doc = form(category=_category(), summary="Printed summary", remarks="Internal remark").insert()
    page = smooth.get_print(doc=doc)
    assert "Printed summary" in page and "Internal remark" not in page


def test_in_global_search_fields_are_searched_by_the_desk_search(ctx: Any) -> None:
    assert "summary" in search_columns(smooth.get_meta("Test Frappe Form"))
