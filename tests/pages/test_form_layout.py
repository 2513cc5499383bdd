"""The form layout from Tab / Section / Column breaks and the field states conditions give."""

from __future__ import annotations

import datetime as dt
from typing import Any

from smooth.meta.doctype import Meta
from smooth.pages.desk import form_fields

FIELDS: list[dict[str, Any]] = [
    {"fieldname": "status", "fieldtype": "Select", "options": "Open\nClosed", "label": "Status"},
    {"fieldname": "reason", "fieldtype": "Data", "depends_on": "eval:doc.status=='Closed'",
     "mandatory_depends_on": "eval:doc.status=='Closed'"},
    {"fieldname": "col", "fieldtype": "Column Break"},
    {"fieldname": "count", "fieldtype": "Int", "read_only_depends_on": "eval:doc.count > 3"},
    {"fieldname": "more", "fieldtype": "Tab Break", "label": "More"},
    {"fieldname": "notes_section", "fieldtype": "Section Break", "label": "Notes"},
    {"fieldname": "notes", "fieldtype": "Text Editor"},
    {"fieldname": "secret", "fieldtype": "Password"},
    {"fieldname": "done", "fieldtype": "Check"},
    {"fieldname": "locked", "fieldtype": "Data", "read_only": 1},
]
META = Meta({"name": "Layout Test", "fields": FIELDS})


def _ctx(can_edit: bool = True, docstatus: int = 0) -> form_fields.FormContext:
    return form_fields.FormContext(can_edit=can_edit, docstatus=docstatus, is_new=False, zones=("", "UTC"),
                                   site_meta=lambda name: None, multiselect_options=lambda child, link: [])


def _fields(tabs: list[form_fields.Tab]) -> dict[str, form_fields.FieldView]:
    return {f.df.fieldname: f for t in tabs for s in t.sections for c in s.columns for f in c.fields}


def test_tabs_sections_and_columns_follow_the_breaks() -> None:
    tabs = form_fields.layout(META, {"tables": {}}, _ctx())
    assert [t.label for t in tabs] == ["Details", "More"]
    columns = tabs[0].sections[0].columns
    assert [[f.df.fieldname for f in c.fields] for c in columns] == [["status", "reason"], ["count"]]
    assert [s.label for s in tabs[1].sections] == ["Notes"]
    widgets = {name: f.widget for name, f in _fields(tabs).items()}
    assert widgets == {"status": "select", "reason": "text", "count": "number", "notes": "rich_text",
                       "secret": "password", "done": "check", "locked": "text"}


def test_conditions_decide_hidden_mandatory_and_read_only() -> None:
    open_ = _fields(form_fields.layout(META, {"status": "Open", "count": "2", "tables": {}}, _ctx()))
    assert open_["reason"].hidden and not open_["reason"].reqd and not open_["count"].read_only
    closed = _fields(form_fields.layout(META, {"status": "Closed", "count": "5", "tables": {}}, _ctx()))
    assert not closed["reason"].hidden and closed["reason"].reqd and closed["count"].read_only
    assert closed["locked"].read_only
    assert "count" not in form_fields.editable_fields(META, {"count": "5", "tables": {}}, _ctx())
    assert all(f.read_only for f in _fields(form_fields.layout(META, {"tables": {}}, _ctx(can_edit=False))).values())
    assert all(f.read_only for f in _fields(form_fields.layout(META, {"tables": {}}, _ctx(docstatus=1))).values())


def test_posted_text_becomes_save_values() -> None:
    posted = {"status": "Open", "count": "", "done": "1", "secret": "", "locked": "forged", "notes": "<b>x</b>"}
    state = form_fields.state_from_post(META, posted, lambda name: None)
    values = form_fields.save_values(META, state, form_fields.editable_fields(META, state, _ctx()),
                                     lambda name: None, ("", "UTC"))
    assert values == {"status": "Open", "count": None, "done": 1, "notes": "<b>x</b>"}
    typed = form_fields.state_from_post(META, {**posted, "secret": "new-pw"}, lambda name: None)
    assert form_fields.save_values(META, typed, {"secret"}, lambda name: None, ("", "UTC")) == {"secret": "new-pw"}


def test_a_utc_datetime_is_shown_and_taken_in_the_viewers_zone() -> None:
    meta = Meta({"name": "Zoned", "fields": [{"fieldname": "at", "fieldtype": "Datetime", "options": "UTC"},
                                             {"fieldname": "local", "fieldtype": "Datetime"}]})
    zones = ("Asia/Kolkata", "Europe/Berlin")
    stored = dt.datetime(2030, 1, 1, 4, 30)
    state = form_fields.state_from_doc(meta, {"at": stored, "local": stored}, lambda name: None, zones)
    assert state["at"] == "2030-01-01T10:00" and state["local"] == "2030-01-01T04:30"
    values = form_fields.save_values(meta, state, {"at", "local"}, lambda name: None, zones)
    assert values == {"at": "2030-01-01T10:00:00+05:30", "local": "2030-01-01T04:30"}
    views = {f.df.fieldname: f for t in form_fields.layout(meta, state, _ctx()) for s in t.sections
             for c in s.columns for f in c.fields}
    assert views["at"].zone == "UTC" and views["local"].zone == "UTC"  # _ctx(): no user zone, system UTC
