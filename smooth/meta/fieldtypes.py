"""The field types a doctype JSON may use, grouped by how they behave."""

from __future__ import annotations

LAYOUT = frozenset({"Section Break", "Column Break", "Tab Break", "HTML", "Heading", "Button", "Fold", "Image"})
TABLE = frozenset({"Table", "Table MultiSelect"})
NO_VALUE = LAYOUT | TABLE

INTEGER = frozenset({"Int", "Check", "Long Int"})
DECIMAL = frozenset({"Float", "Currency", "Percent", "Duration"})
NUMERIC = INTEGER | DECIMAL
TEMPORAL = frozenset({"Date", "Time", "Datetime"})
SHORT_TEXT = frozenset({
    "Data", "Link", "Dynamic Link", "Select", "Password", "Attach", "Attach Image",
    "Read Only", "Autocomplete", "Color", "Phone", "Rating",
})
LONG_TEXT = frozenset({"Small Text", "Text", "Long Text", "Text Editor", "Code", "JSON", "Markdown Editor",
                       "HTML Editor"})

VALUE = INTEGER | DECIMAL | TEMPORAL | SHORT_TEXT | LONG_TEXT
ALL = VALUE | NO_VALUE

STANDARD_FIELDS = ("name", "owner", "creation", "modified", "modified_by", "docstatus", "idx")
CHILD_FIELDS = ("parent", "parenttype", "parentfield")
DEFAULT_LENGTH = 140

