"""The form's Print menu: the doctype's Print Formats, each to open in the print view or download as PDF."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from smooth.context import db
from smooth.model.document import Document
from smooth.model.listing import get_all

PDF_METHOD = "/api/method/frappe.utils.print_format.download_pdf"


@dataclass(frozen=True)
class PrintChoice:
    format: str
    print_url: str
    pdf_url: str


def print_choices(doc: Document) -> list[PrintChoice]:
    """One choice per enabled Print Format of the doctype, the default (or the one the document names) first.

    A doctype without a Print Format has no menu: whoever prints it has a format to choose."""
    if doc.is_new():
        return []
    rows = [{"name": name, "is_default": default} for name, default in db().cached(
        ("print formats", doc.doctype), lambda: tuple(get_all(
            "Print Format", filters={"doc_type": doc.doctype, "disabled": 0}, fields=["name", "is_default"],
            order_by="name asc", as_list=True)))]
    if not rows:
        return []
    named = next((doc.get(f.fieldname) for f in doc.meta.link_fields
                  if f.options == "Print Format" and doc.get(f.fieldname)), None)
    rows.sort(key=lambda r: (r["name"] != named, not r["is_default"], r["name"]))
    choices = []
    for row in rows:
        query = urlencode({"doctype": doc.doctype, "name": doc.name, "format": row["name"]})
        choices.append(PrintChoice(row["name"], f"/printview?{query}", f"{PDF_METHOD}?{query}"))
    return choices
