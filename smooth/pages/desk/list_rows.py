"""The list view's table rows as markup, drawn in Python rather than by a Jinja loop.

A list page holds 20 to 500 rows of a few cells each; looping over them in the template (an attribute
look-up, a test and an escape per value, per cell) cost more than the query that fetched the rows.
Every value is escaped here by markupsafe, as autoescaping would: nothing in a row is trusted markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from smooth.messages import _
from smooth.pages.desk.cells import Cell
from smooth.pages.desk.list_query import Column
from smooth.pages.escaping import escape_text

NUMERIC = ' class="num"'

def _opening(column: Column) -> str:
    """A column's `<td>`: numbers aligned right; `data-label` heads the cell on a phone, where rows stack."""
    return f'<td{NUMERIC if column.numeric else ""} data-label="{escape_text(_(column.heading))}">'


def _title_cell(cell: Cell, name: Any, href: str) -> str:
    """The first cell: the record's title linking to its form, its name beside it when the title differs."""
    shown = f'<a class="row-title" href="{escape_text(href)}">{escape_text(cell.text or name)}</a>'
    return shown + f'<span class="row-name">{escape_text(name)}</span>' if cell.text and cell.text != name else shown


def _cell(cell: Cell) -> str:
    if cell.indicator:
        return f'<span class="indicator {escape_text(cell.indicator)}">{escape_text(cell.text)}</span>'
    if cell.href:
        return f'<a href="{escape_text(cell.href)}">{escape_text(cell.text)}</a>'
    return escape_text(cell.text)


def rows_html(columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> Markup:
    """The `<tr>` of each row (`listview.table_rows`): a selection box, then the columns' cells."""
    openings = [_opening(c) for c in columns]
    out: list[str] = []
    for index, row in enumerate(rows, 1):
        name, cells = row["name"], row["cells"]
        label = escape_text(f"Select {cells[0].text or name} ({name})")
        out.append(f'<tr>\n<td class="select-col"><input type="checkbox" id="select-{index}" '
                   f'name="select:{escape_text(name)}" value="1" data-row-select aria-label="{label}"></td>\n')
        for position, (opening, cell) in enumerate(zip(openings, cells, strict=True)):
            inner = _title_cell(cell, name, row["href"]) if position == 0 else _cell(cell)
            out.append(f"{opening}{inner}</td>\n")
        out.append("</tr>\n")
    return Markup("".join(out))
