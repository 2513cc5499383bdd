"""The desk's list rows and form fields are drawn in Python (list_rows.py, form_html.py), not by Jinja:
every value in them must still be escaped as autoescaping would.

Pure functions over plain values: no site, no database, no backend to vary.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from smooth.meta.doctype import DocField
from smooth.pages.desk.cells import Cell
from smooth.pages.desk.form_fields import WIDGETS, FieldView
from smooth.pages.desk.form_html import FormFields
from smooth.pages.desk.list_query import Column
from smooth.pages.desk.list_rows import rows_html

EVIL = '<script>alert("x")</script>'
SAFE = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def test_a_script_in_a_list_cell_its_name_or_a_heading_is_escaped() -> None:
    columns = [Column("title", EVIL, "Data"), Column("course", "Course", "Link", "LMS Course"),
               Column("status", "Status", "Select"), Column("note", "Note", "Data")]
    rows = [{"name": f"R-{EVIL}", "href": f'/app/x/"{EVIL}',
             "cells": [Cell(EVIL), Cell(EVIL, href=f'/app/lms-course/"{EVIL}'), Cell(EVIL, indicator="red"),
                       Cell(EVIL)]}]
    drawn = rows_html(columns, rows)
    assert isinstance(drawn, Markup)
    assert "<script>" not in drawn
    # the box's name and label (title and name), the title, its link and the name beside it, the heading, the
    # course's text and link, the status, the note
    assert drawn.count(SAFE) == 11
    assert 'data-label="&lt;script&gt;' in drawn
    assert 'href="/app/x/&#34;&lt;script&gt;' in drawn


def _field(fieldtype: str, value: Any, *, read_only: bool = False, options: str | None = None) -> FieldView:
    df = DocField({"fieldname": "f", "fieldtype": fieldtype, "label": EVIL, "options": options,
                   "description": EVIL, "depends_on": f"eval:doc.x == '{EVIL}'"})
    return FieldView(df=df, widget=WIDGETS[fieldtype], name="f", value=value, read_only=read_only, hidden=False,
                     reqd=False, zone=EVIL, options=[EVIL] if fieldtype == "Select" else [])


def test_a_script_in_any_form_field_value_label_or_condition_is_escaped() -> None:
    fields = FormFields(is_new=False, condition_doc={"x": EVIL}, record_url=lambda doctype, name: f"/app/{name}",
                        link_title=lambda doctype, name: EVIL, rich_html=lambda html: Markup(""))
    for fieldtype in ("Data", "Select", "Link", "Dynamic Link", "Small Text", "Code", "Date", "Time", "Datetime",
                      "Color", "Int", "Attach", "Read Only"):
        for read_only in (False, True):
            options = "x" if fieldtype == "Dynamic Link" else "LMS Course" if fieldtype == "Link" else None
            drawn = fields(_field(fieldtype, EVIL, read_only=read_only, options=options))
            assert "<script>" not in drawn, (fieldtype, read_only, drawn)
            assert SAFE in drawn, (fieldtype, read_only)


def test_read_only_code_keeps_its_columns() -> None:
    """A read-only Code field (a report, JSON) is drawn in a fixed-width font with its line breaks, as it is edited."""
    fields = FormFields(is_new=False, condition_doc={}, record_url=lambda doctype, name: "",
                        link_title=lambda doctype, name: "", rich_html=lambda html: Markup(""))
    assert 'class="ro-value multiline code"' in fields(_field("Code", "a  1\nbb 2", read_only=True))
    assert 'class="ro-value multiline"' in fields(_field("Small Text", "a\nb", read_only=True))
