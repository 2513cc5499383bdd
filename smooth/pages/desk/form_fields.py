"""What the form shows for each field: its widget, its value as the input holds it, its state.

The form is one template for every doctype; this module turns Meta plus a form state (the
values as text, from the stored document or from what the user posted) into tabs ->
sections -> columns -> fields, each field a `FieldView` naming the widget that draws it
(`form_html.py`). It also converts back: posted text -> the values a save
takes, so the same code decides what is shown and what is accepted.
"""

from __future__ import annotations

import datetime as dt
import decimal
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import smooth.expressions as expressions
from smooth.messages import _
from smooth.meta import fieldtypes
from smooth.meta.doctype import DocField, Meta
from smooth.model import time_zones
from smooth.model.user_writes import user_may_write
from smooth.model.values import default_value

# fieldtype -> widget (form_html.FormFields draws each)
WIDGETS = {
    "Data": "text", "Phone": "text", "Autocomplete": "text", "Rating": "rating", "Color": "color",
    "Int": "number", "Long Int": "number", "Float": "number", "Currency": "number", "Percent": "number",
    "Duration": "number", "Check": "check", "Select": "select", "Date": "date", "Time": "time",
    "Datetime": "datetime", "Link": "link", "Dynamic Link": "dynamic_link", "Small Text": "textarea",
    "Text": "textarea", "Long Text": "textarea", "Code": "code", "JSON": "code", "Markdown Editor": "code",
    "HTML Editor": "code", "Text Editor": "rich_text", "Attach": "attach", "Attach Image": "attach",
    "Password": "password", "Read Only": "read_only", "Table": "table", "Table MultiSelect": "multiselect",
    "Heading": "heading", "HTML": "html",
}
NUMBER_STEP = {"Int": "1", "Long Int": "1", "Rating": "1"}
PRECISION_TYPES = frozenset({"Float", "Currency", "Percent"})  # Frappe's form rounds these to `precision`
MULTISELECT_LIMIT = 200
STATE_TABLES = "tables"


@dataclass
class FieldView:
    """One field as the form draws it."""

    df: DocField
    widget: str
    name: str  # the input's name: the fieldname, or "<table>-<row>-<fieldname>" in a grid
    value: Any  # what the input holds (text; True/False for a Check; rows for a table)
    read_only: bool
    hidden: bool
    reqd: bool
    zone: str = ""  # Datetime, Time: the zone the value is shown in
    options: list[str] = field(default_factory=list)  # Select options, or candidates of a Table MultiSelect
    grid: Any = None  # Table: the GridView

    @property
    def input_id(self) -> str:
        return "f-" + self.name

    @property
    def stars(self) -> int:
        """A Rating's scale (five stars unless its options name another number)."""
        return fieldtypes.rating_scale(self.df.options)

    @property
    def step(self) -> str:
        if self.df.precision is not None and self.df.fieldtype in PRECISION_TYPES:
            return f"{10 ** -self.df.precision:.{self.df.precision}f}" if self.df.precision else "1"
        return NUMBER_STEP.get(self.df.fieldtype, "any")


@dataclass
class GridView:
    """A child table as an editable grid: its columns and its rows of FieldViews."""

    table: DocField
    columns: list[DocField]
    rows: list[tuple[str, list[FieldView]]]  # (row name or "", fields)
    template: list[FieldView]  # one empty row, `__IDX__` in its names, for "Add row"
    blank: list[FieldView]  # the empty last row a form without scripts offers
    editable: bool


@dataclass
class Column:
    fields: list[FieldView] = field(default_factory=list)
    depends_on: str | None = None  # its Column Break's: false hides the column, as in Frappe
    hidden: bool = False


@dataclass
class Section:
    label: str
    columns: list[Column] = field(default_factory=lambda: [Column()])
    depends_on: str | None = None  # its Section Break's: false hides the section
    hidden: bool = False

    @property
    def visible(self) -> bool:
        return not self.hidden and any(not f.hidden for c in self.columns if not c.hidden for f in c.fields)


@dataclass
class Tab:
    label: str
    key: str
    sections: list[Section] = field(default_factory=list)
    depends_on: str | None = None  # its Tab Break's: false hides the tab
    hidden: bool = False


# -- zones --------------------------------------------------------------------------------------------

def display_zone(field: DocField, user_zone: str, system_zone: str, values: Mapping[str, Any] | None = None) -> str:
    return time_zones.shown_zone(field.fieldtype, field.options, (user_zone, system_zone), values)


# -- stored value -> input text -----------------------------------------------------------------------

def _time_text(value: dt.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def input_text(field: DocField, value: Any, zone: str = "UTC") -> Any:
    """A stored value as the field's input holds it (Check: a bool)."""
    kind = field.fieldtype
    if kind == "Check":
        return bool(value) and str(value) not in ("0", "false", "False")
    if value is None:
        return ""
    if kind == "Datetime" and isinstance(value, dt.datetime):
        if field.options == "UTC":
            value = value.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M")
    if kind == "Date" and isinstance(value, dt.date):
        return value.isoformat()
    if kind == "Time":
        if isinstance(value, dt.timedelta):
            value = (dt.datetime.min + value).time()
        if isinstance(value, dt.time):
            return _time_text(value)
    if isinstance(value, decimal.Decimal | float):
        if field.precision is not None and kind in PRECISION_TYPES:
            value = round(float(value), field.precision)
        return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return str(value)


def state_from_doc(meta: Meta, doc: Any, site_meta: Any, zones: tuple[str, str]) -> dict[str, Any]:
    """The form state of a stored (or new) document: {fieldname: text, "tables": {table: [rows]}}."""
    state: dict[str, Any] = {}
    for df in meta.value_fields:
        state[df.fieldname] = input_text(df, doc.get(df.fieldname), display_zone(df, *zones))
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in meta.table_fields:
        child = site_meta(table.options)
        rows = []
        for row in doc.get(table.fieldname) or []:
            get = row.get if hasattr(row, "get") else row.__getitem__
            values = {df.fieldname: input_text(df, get(df.fieldname), display_zone(df, *zones))
                      for df in child.value_fields}
            rows.append({"name": get("name") or "", **values})
        tables[table.fieldname] = rows
    state[STATE_TABLES] = tables
    return state


# -- posted text -> form state and save values ------------------------------------------------------

def state_from_post(meta: Meta, form: Mapping[str, Any], site_meta: Any) -> dict[str, Any]:
    """The form state as posted (text kept as typed, for showing it again after an error)."""
    state: dict[str, Any] = {}
    for df in meta.value_fields:
        if df.fieldtype == "Check" and df.fieldname in form:
            state[df.fieldname] = str(form.get(df.fieldname, "")) == "1"
        elif df.fieldtype != "Check" and df.fieldname in form and isinstance(form[df.fieldname], str):
            state[df.fieldname] = form[df.fieldname]
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in meta.table_fields:
        child = site_meta(table.options)
        prefix = table.fieldname + "-"
        by_index: dict[int, dict[str, Any]] = {}
        for key, value in form.items():
            if not key.startswith(prefix) or not isinstance(value, str):
                continue
            index_text, _, fieldname = key[len(prefix):].partition("-")
            if not index_text.isdigit() or len(index_text) > 4:
                continue
            row = by_index.setdefault(int(index_text), {})
            if fieldname in ("name", "__remove") or child.has_field(fieldname):
                row[fieldname] = value
        rows = []
        for _index, row in sorted(by_index.items()):
            if row.pop("__remove", "") == "1":
                continue
            for df in child.value_fields:
                if df.fieldtype == "Check":
                    row[df.fieldname] = str(row.get(df.fieldname, "")) == "1"
            if not row.get("name") and _untouched(child, row):
                continue  # a new row left as offered (the no-script form always offers one)
            rows.append(row)
        tables[table.fieldname] = rows
    state[STATE_TABLES] = tables
    return state


DYNAMIC_DEFAULTS = frozenset({"today", "now", "__user"})


def default_row(child: Meta, zone: str = "UTC") -> dict[str, Any]:
    """A new grid row as its inputs hold it: each field's default, as a new document gets it."""
    return {df.fieldname: input_text(df, default_value(df), zone) for df in child.value_fields}


def _untouched(child: Meta, row: Mapping[str, Any]) -> bool:
    """Whether a posted new row still holds only what a new row is offered (blank or its defaults)."""
    offered = default_row(child)
    for key, value in row.items():
        df = child.get_field(key)
        if key == "name" or df is None or str(df.default or "").lower() in DYNAMIC_DEFAULTS:
            continue
        if value not in ("", False, None) and value != offered.get(key):
            return False
    return True


def _save_value(df: DocField, text: Any, zone: str) -> Any:
    if df.fieldtype == "Check":
        return 1 if text is True or str(text) == "1" else 0
    if not isinstance(text, str):
        return text
    if text == "" and df.fieldtype not in fieldtypes.SHORT_TEXT | fieldtypes.LONG_TEXT:
        return None
    if df.fieldtype == "Datetime" and text and df.options == "UTC":
        try:
            local_time = dt.datetime.fromisoformat(text)
        except ValueError:
            return text  # the core's coercion names the field in its message
        if local_time.tzinfo is None:
            local_time = local_time.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        return local_time.isoformat()
    if df.fieldtype in ("Datetime", "Date", "Time", "Link", "Dynamic Link", "Select") and text == "":
        return None
    if df.precision is not None and df.fieldtype in PRECISION_TYPES:
        try:
            return round(float(text), df.precision)  # as Frappe's form parses a typed number
        except ValueError:
            return text  # the core's coercion names the field in its message
    return text


def save_values(meta: Meta, state: Mapping[str, Any], editable: set[str], site_meta: Any,
                zones: tuple[str, str]) -> dict[str, Any]:
    """The values a save takes from a posted state: only fields the user could edit; a blank Password is kept."""
    values: dict[str, Any] = {}
    for df in meta.value_fields:
        if df.fieldname not in editable or df.fieldname not in state:
            continue
        if df.fieldtype == "Password" and not state.get(df.fieldname):
            continue
        values[df.fieldname] = _save_value(df, state[df.fieldname], display_zone(df, *zones))
    for table in meta.table_fields:
        if table.fieldname not in editable:
            continue
        child = site_meta(table.options)
        rows = []
        for row in state[STATE_TABLES].get(table.fieldname, []):
            out: dict[str, Any] = {"name": row["name"]} if row.get("name") else {}
            for df in child.value_fields:
                if df.fieldname in row and not df.read_only:
                    out[df.fieldname] = _save_value(df, row[df.fieldname], display_zone(df, *zones))
            rows.append(out)
        values[table.fieldname] = rows
    return values


# -- conditions ---------------------------------------------------------------------------------------

def condition_values(meta: Meta, state: Mapping[str, Any], is_new: bool = False) -> dict[str, Any]:
    """The state as a condition sees it: numbers as numbers, Checks as 1/0, blanks as null, tables as rows
    (and `__islocal` for a new document)."""
    values: dict[str, Any] = {}
    for df in meta.value_fields:
        text = state.get(df.fieldname)
        values[df.fieldname] = condition_value(df, text)
    for table in meta.table_fields:
        values[table.fieldname] = list(state.get(STATE_TABLES, {}).get(table.fieldname, []))
    return expressions.values_of(values, is_new)


def condition_value(df: DocField, text: Any) -> Any:
    if df.fieldtype == "Check":
        return 1 if text is True or str(text) == "1" else 0
    if text is None or text == "":
        return None
    if df.fieldtype in fieldtypes.NUMERIC and isinstance(text, str):
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number
    if df.fieldtype == "Datetime" and isinstance(text, str):
        return text.replace("T", " ")
    return text


# -- building the layout ------------------------------------------------------------------------------

@dataclass
class FormContext:
    """What decides how fields are drawn: may the user edit, the document's state, zones, Link candidates."""

    can_edit: bool
    docstatus: int
    is_new: bool
    zones: tuple[str, str]  # (user zone, system zone)
    site_meta: Any
    multiselect_options: Any  # (child Meta) -> list of candidate record names
    locked: frozenset[str] = frozenset()  # fields only the server sets (a workflow's state field)
    granting: Meta | None = None  # whose DocPerms open fields above level 0 (a child row: its parent's)
    read_levels: frozenset[int] | None = None  # the permlevels the viewer reads; None: every level

    def readable(self, df: DocField) -> bool:
        """A field at a level the viewer may not read is left out of the page altogether (not shown, not sent)."""
        return self.read_levels is None or df.permlevel in self.read_levels


def readable_state(meta: Meta, state: Mapping[str, Any], ctx: FormContext) -> dict[str, Any]:
    """The form state without the fields (and table-row fields) at levels the viewer may not read: what the page
    draws, embeds for its conditions and sends back never holds them."""
    if ctx.read_levels is None:
        return dict(state)
    kept = {k: v for k, v in state.items()
            if k == STATE_TABLES or (df := meta.get_field(k)) is None or ctx.readable(df)}
    tables: dict[str, list[dict[str, Any]]] = {}
    for fieldname, rows in state.get(STATE_TABLES, {}).items():
        table = meta.get_field(fieldname)
        child = ctx.site_meta(table.options) if table is not None else None
        tables[fieldname] = [{k: v for k, v in row.items()
                              if child is None or (df := child.get_field(k)) is None or ctx.readable(df)}
                             for row in rows]
    kept[STATE_TABLES] = tables
    return kept


def field_is_editable(df: DocField, ctx: FormContext, values: Mapping[str, Any]) -> bool:
    if not ctx.can_edit:
        return False
    if df.fieldname in ctx.locked:
        return False
    if df.set_only_once and not ctx.is_new and not _empty_text(values.get(df.fieldname)):
        return False
    if ctx.docstatus == 2 or (ctx.docstatus == 1 and not df.allow_on_submit):
        return False
    return user_may_write(df, values, granting=ctx.granting)


def _empty_text(value: Any) -> bool:
    return value is None or value == ""


def editable_fields(meta: Meta, state: Mapping[str, Any], ctx: FormContext) -> set[str]:
    values = condition_values(meta, state, ctx.is_new)
    return {df.fieldname for df in meta.fields
            if df.fieldname and (df.has_value or df.fieldtype in fieldtypes.TABLE)
            and not df.hidden and field_is_editable(df, ctx, values)}


def _view(df: DocField, name: str, value: Any, ctx: FormContext, values: Mapping[str, Any]) -> FieldView:
    widget = WIDGETS.get(df.fieldtype, "text")
    view = FieldView(df=df, widget=widget, name=name, value=value,
                     read_only=not field_is_editable(df, ctx, values),
                     hidden=df.hidden or not expressions.holds(df.depends_on, values, True),
                     reqd=df.reqd or expressions.holds(df.mandatory_depends_on, values, False))
    if df.fieldtype == "Select":
        view.options = df.select_options
    view.zone = display_zone(df, *ctx.zones, values)
    return view


def _grid(df: DocField, rows: list[dict[str, Any]], ctx: FormContext, editable: bool,
          parent_values: Mapping[str, Any]) -> GridView:
    child = ctx.site_meta(df.options)
    columns = [c for c in child.value_fields if not c.hidden and ctx.readable(c)]
    row_ctx = FormContext(can_edit=editable, docstatus=ctx.docstatus, is_new=ctx.is_new, zones=ctx.zones,
                          site_meta=ctx.site_meta, multiselect_options=ctx.multiselect_options,
                          granting=ctx.granting, read_levels=ctx.read_levels)

    def row_views(index: str, row: Mapping[str, Any]) -> list[FieldView]:
        values = {**parent_values, **condition_values(child, row)}
        return [_view(c, f"{df.fieldname}-{index}-{c.fieldname}",
                      row.get(c.fieldname, False if c.fieldtype == "Check" else ""), row_ctx, values)
                for c in columns]

    grid_rows = [(row.get("name") or "", row_views(str(i), row)) for i, row in enumerate(rows)]
    blank = default_row(child, ctx.zones[0])
    return GridView(table=df, columns=columns, rows=grid_rows, template=row_views("__IDX__", blank),
                    blank=row_views(str(len(rows)), blank), editable=editable)


def layout(meta: Meta, state: Mapping[str, Any], ctx: FormContext) -> list[Tab]:
    """Tabs of sections of columns of fields, from the doctype's Tab / Section / Column Breaks in
    `field_order`; a break's `depends_on` shows or hides what it opens."""
    values = condition_values(meta, state, ctx.is_new)
    tabs = [Tab(label=_("Details"), key="details", sections=[Section(label="")])]
    for df in meta.fields:
        kind = df.fieldtype
        hidden = df.hidden or not expressions.holds(df.depends_on, values, True)
        if kind == "Tab Break":
            tabs.append(Tab(label=_(df.label), key=df.fieldname or f"tab{len(tabs)}", sections=[Section(label="")],
                            depends_on=df.depends_on, hidden=hidden))
            continue
        section = tabs[-1].sections[-1]
        if kind == "Section Break":
            tabs[-1].sections.append(Section(label=_(df.label) if df.raw.get("label") else "",
                                             depends_on=df.depends_on, hidden=hidden))
            continue
        if kind == "Column Break":
            section.columns.append(Column(depends_on=df.depends_on, hidden=hidden))
            continue
        if kind in ("Button", "Fold", "Image") or not df.fieldname or not ctx.readable(df):
            continue
        if kind in fieldtypes.TABLE:
            rows = state.get(STATE_TABLES, {}).get(df.fieldname, [])
            editable = field_is_editable(df, ctx, values)
            view = _view(df, df.fieldname, rows, ctx, values)
            if kind == "Table":
                view.grid = _grid(df, rows, ctx, editable, values)
            else:
                child = ctx.site_meta(df.options)
                link = next((c for c in child.value_fields if c.fieldtype == "Link"), None)
                chosen = [r.get(link.fieldname) for r in rows if link and r.get(link.fieldname)]
                view.value = chosen
                view.options = sorted(set(ctx.multiselect_options(child, link) + chosen)) if link else chosen
                view.grid = link
        else:
            view = _view(df, df.fieldname, state.get(df.fieldname, ""), ctx, values)
        section.columns[-1].fields.append(view)
    for tab in tabs:
        tab.sections = [s for s in tab.sections if any(c.fields for c in s.columns)]
    return [t for t in tabs if t.sections]
