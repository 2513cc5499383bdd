"""`/app/search?q=`: the desk's search bar, going to a doctype's list or to a record by name or title.

A plain GET form, so it works without scripts (a page of results); desk.js asks the same URL
as the user types and shows the results under the bar (htmx: the fragment only). Doctypes
match by name; records match by name, title field or `search_fields` in the doctypes people
name their records in (a title, search fields, or a name chosen by field, format or prompt),
read with the viewer's permissions.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response

from smooth.api.request import ApiRequest
from smooth.context import local
from smooth.core.search import MAX_TEXT, search_columns
from smooth.meta.doctype import Meta
from smooth.model import listing
from smooth.pages.desk.access import require_desk_user, slug
from smooth.pages.desk.cells import form_url
from smooth.pages.rendering import render_page
from smooth.permissions import has_permission

MAX_DOCTYPES = 6
MAX_RECORDS = 12
PER_DOCTYPE = 5


@dataclass(frozen=True)
class Hit:
    label: str
    kind: str  # "List" for a doctype, else the record's doctype
    url: str
    detail: str = ""


def _named_records(meta: Meta) -> bool:
    autoname = meta.autoname.lower()
    return bool(meta.title_field or meta.search_fields or any(f.in_global_search for f in meta.fields)
                or autoname.startswith(("field:", "format:", "naming_series:")) or autoname == "prompt")


def _readable(metas: list[Meta]) -> list[Meta]:
    return [m for m in metas if not m.istable and has_permission(m.name, "read")]


def doctype_hits(text: str, metas: list[Meta]) -> list[Hit]:
    lowered = text.lower()
    found = sorted((m for m in metas if lowered in m.name.lower()),
                   key=lambda m: (not m.name.lower().startswith(lowered), m.name))
    return [Hit(m.name, "Form" if m.issingle else "List", form_url(m.name, m.name) if m.issingle
                else f"/app/{slug(m.name)}") for m in found[:MAX_DOCTYPES]]


def record_hits(text: str, metas: list[Meta]) -> list[Hit]:
    hits: list[Hit] = []
    for meta in sorted(metas, key=lambda m: m.name):
        if meta.issingle or not _named_records(meta):
            continue
        columns = search_columns(meta)
        rows = listing.get_list(meta.name, fields=columns, or_filters=[[c, "like", f"%{text}%"] for c in columns],
                                order_by="modified desc", limit_page_length=PER_DOCTYPE)
        for row in rows:
            title = str(row.get(meta.title_field) or "") if meta.title_field else ""
            others = [str(row[c]) for c in columns[1:] if row.get(c) not in (None, "") and c != meta.title_field]
            hits.append(Hit(title or str(row["name"]), meta.name, form_url(meta.name, row["name"]),
                            ", ".join([str(row["name"])] * bool(title) + others)))
    lowered = text.lower()
    hits.sort(key=lambda h: (h.label.lower() != lowered, not h.label.lower().startswith(lowered)))
    return hits[:MAX_RECORDS]


def search(text: str) -> list[Hit]:
    text = text.strip()[:MAX_TEXT]
    if not text:
        return []
    metas = _readable(list(local().site.registry))
    return doctype_hits(text, metas) + record_hits(text, metas)


def show_search(api: ApiRequest) -> Response:
    require_desk_user(api)
    query = api.form.get("q")
    text = query.strip() if isinstance(query, str) else ""
    hits = search(text)
    if api.request.headers.get("hx-request"):
        return render_page(api, "desk/_search_results.html", {"hits": hits, "q": text})
    return render_page(api, "desk/search.html", {"hits": hits, "q": text})
