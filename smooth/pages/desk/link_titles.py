"""Link values shown by their title, Frappe's `show_title_field_in_link`.

A doctype with `"show_title_field_in_link": 1` and a `title_field` is named in forms and lists by
its title (an employee's name, not HR-EMP-00007); the stored value stays its name. As in Frappe
the title is shown to whoever sees the value, as the name is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from smooth.context import db, local
from smooth.model.listing import get_all

BATCH = 500
CACHED_AT_MOST = 50  # a form's or a list page's links to a cached doctype (users) are kept in the site cache


def title_field(doctype: str) -> str:
    """The field a Link to `doctype` is shown by, or "" when it is shown by name."""
    registry = local().site.registry
    if not doctype or doctype not in registry:
        return ""
    meta = registry.get(doctype)
    shown = meta.raw.get("show_title_field_in_link") and meta.title_field in meta.column_set
    return str(meta.title_field) if shown else ""


def titles(doctype: str, names: Iterable[Any]) -> dict[str, str]:
    """{name: title} of the records of `doctype` named (empty titles left out)."""
    field = title_field(doctype)
    wanted = sorted({str(n) for n in names if n not in (None, "")})
    if not field or not wanted:
        return {}
    if doctype in local().site.cached_doctypes and len(wanted) <= CACHED_AT_MOST:
        kept = db().cached(("link titles", doctype, tuple(wanted)),
                           lambda: tuple(_read(doctype, field, wanted).items()))
        return dict(kept)
    return _read(doctype, field, wanted)


def _read(doctype: str, field: str, wanted: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(wanted), BATCH):
        rows = get_all(doctype, filters={"name": ["in", wanted[start:start + BATCH]]}, fields=["name", field])
        found.update({str(r["name"]): str(r[field]) for r in rows if r.get(field) not in (None, "")})
    return found


class LinkTitles:
    """A form's lookup `link_title(doctype, value)`, each record read once."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], str] = {}

    def prefetch(self, links: Mapping[str, Iterable[Any]]) -> LinkTitles:
        """Read the titles of {doctype: values} at once (a grid's Link column is one read, not one per row)."""
        for doctype, values in links.items():
            wanted = {str(v) for v in values if v not in (None, "")}
            if wanted and title_field(doctype):
                found = titles(doctype, wanted)
                self._known.update({(doctype, name): found.get(name, "") for name in wanted})
        return self

    def __call__(self, doctype: Any, value: Any) -> str:
        if value in (None, "") or not doctype:
            return ""
        key = (str(doctype), str(value))
        if key not in self._known:
            self._known[key] = titles(key[0], [key[1]]).get(key[1], "")
        return self._known[key]
