"""A field value as list and report views show it: text, a link to the record it names, a status colour.

Values are returned as plain text for the templates to escape; nothing here builds markup.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, NamedTuple
from urllib.parse import quote

from smooth.context import local, system_time_zone
from smooth.i18n import formatting, language
from smooth.messages import _
from smooth.meta.doctype import Meta
from smooth.model import time_zones, workflow
from smooth.pages.desk.access import slug
from smooth.pages.desk.list_query import Column

DOCSTATUS = {0: ("Draft", "red"), 1: ("Submitted", "blue"), 2: ("Cancelled", "red")}
COLOURS = frozenset({"red", "orange", "green", "blue", "gray"})


class Cell(NamedTuple):
    """A cell as drawn (a list shows some hundred per page: a named tuple is made three times faster than a
    frozen dataclass)."""

    text: str
    href: str = ""
    indicator: str = ""  # a colour when the value is shown as a status pill


def form_url(doctype: str, name: Any) -> str:
    """The page of the record a Link names: "" for no value; a DocType's own page is its list (there is no
    DocType form), and a child table, which has no page, gets no link."""
    if name is None or name == "" or not doctype:
        return ""
    if doctype == "DocType":
        registry = local().site.registry
        shown = str(name) in registry and not registry.get(str(name)).istable
        return f"/app/{slug(str(name))}" if shown else ""
    return _record_path(doctype, str(name))


@functools.lru_cache(maxsize=8192)
def _record_path(doctype: str, name: str) -> str:
    """Worked out once per record: a form draws a link per Link field, a list one per row and Link cell."""
    return f"/app/{slug(doctype)}/{quote(name, safe='')}"


def as_text(column: Column, value: Any, localized: bool = True) -> str:
    """The value as text (CSV cells and table cells alike); `localized` numbers and Yes/No are in the reader's
    language (a CSV file's are not: they are read back by programs)."""
    if value is None or value == "":
        return ""
    if column.fieldtype == "Check":
        return (_("Yes") if value else _("No")) if localized else ("Yes" if value else "No")
    if column.fieldtype == "Select":  # an option as the reader's language shows it (stored and filtered in English)
        return _(str(value)) if localized else str(value)
    if isinstance(value, dt.datetime):
        value = time_zones.in_zone(value, column.options, column.zone)
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if localized and language.current() != language.DEFAULT:
            return formatting.format_number(value, 2 if column.fieldtype == "Currency" else None)
        return f"{value:,.2f}" if column.fieldtype == "Currency" else f"{value:g}"
    return str(value)


_COLOURS = "desk_workflow_colours"
_STYLES = "desk_workflow_styles"
STYLE_COLOURS = {"Primary": "blue", "Info": "blue", "Success": "green", "Warning": "orange", "Danger": "red",
                 "Inverse": "gray"}


def workflow_styles(flow: Any) -> dict[str, str]:
    """Each state of the workflow with its Workflow State style, read once per unit of work (a form's
    indicator and its action buttons both ask)."""
    cache: dict[str, dict[str, str]] = local().flags.__dict__.setdefault(_STYLES, {})
    if flow.name not in cache:
        cache[flow.name] = workflow.state_styles(flow)
    return cache[flow.name]


def workflow_colours(doctype: str) -> tuple[str, dict[str, str]] | None:
    """(state field, state -> colour) of the doctype's active workflow, from its Workflow State styles (read
    once per unit of work: a list asks for its columns and for each row's indicator)."""
    cache: dict[str, tuple[str, dict[str, str]] | None] = local().flags.__dict__.setdefault(_COLOURS, {})
    if doctype not in cache:
        flow = workflow.get_workflow(doctype)
        cache[doctype] = None if flow is None or not workflow.shows_state(flow) else (
            flow.workflow_state_field,
            {state: STYLE_COLOURS.get(style, "gray") if workflow.shows_state(flow, state) else ""
             for state, style in workflow_styles(flow).items()})
    return cache[doctype]


def workflow_indicator(doctype: str, doc: Any) -> tuple[str, str] | None:
    """(state, colour) of a document under a workflow, for the form's head."""
    found = workflow_colours(doctype)
    if found is None or doc.is_new():
        return None
    state = str(doc.get(found[0]) or "")
    colour = found[1].get(state, "gray")
    return (state, colour) if state and colour else None


def indicator_settings(meta: Meta, settings: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    """(field, value -> colour): the active workflow's states, else the list settings' `indicator`, else
    docstatus for submittable doctypes."""
    configured = settings.get("indicator")
    flow = workflow_colours(meta.name)
    if flow is not None:
        colours = dict(flow[1])
        if isinstance(configured, dict) and configured.get("field") == flow[0]:
            colours.update({str(k): str(v) for k, v in (configured.get("colors") or {}).items() if v in COLOURS})
        return flow[0], colours
    if isinstance(configured, dict) and configured.get("field"):
        colours = {str(k): str(v) for k, v in (configured.get("colors") or {}).items() if v in COLOURS}
        return str(configured["field"]), colours
    if meta.is_submittable:
        return "docstatus", {label: colour for label, colour in DOCSTATUS.values()}
    return None


def cell(column: Column, value: Any, row: dict[str, Any],
         indicator: tuple[str, dict[str, str]] | None = None, titles: dict[str, str] | None = None) -> Cell:
    """`titles`: {name: title} of a Link column whose doctype is shown by title (link_titles)."""
    if column.fieldname == "docstatus" and value is not None:
        label, colour = DOCSTATUS.get(int(value), (str(value), "gray"))
        return Cell(label, indicator=colour)
    text = as_text(column, value)
    if column.fieldtype == "Time" and column.options and text:  # a zone that varies by record: name it in each
        text = time_zones.labelled(value, time_zones.shown_zone("Time", column.options, ("", system_time_zone()), row))
    if indicator and column.fieldname == indicator[0] and text:
        key = str(value) if column.fieldtype == "Select" else text
        return Cell(text, indicator=indicator[1].get(key, "gray"))  # "": a state that does not override status
    if column.fieldtype == "Link" and column.options and text:
        return Cell((titles or {}).get(text, text), href=form_url(column.options, value))
    if column.fieldtype == "Dynamic Link" and column.options and text and row.get(column.options):
        return Cell(text, href=form_url(str(row[column.options]), value))
    return Cell(text)
