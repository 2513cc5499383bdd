"""A document printed as Frappe's `frappe.get_print` does it: through its Print Format to an HTML
page, or to PDF bytes with `as_pdf` (the renderer the desk's print view and PDF download use)."""

from __future__ import annotations

from typing import Any

from smooth.exceptions import ValidationError
from smooth.messages import _
from smooth.model.document import Document
from smooth.model.records import get_doc
from smooth.printing.pdf import html_to_pdf
from smooth.printing.render import choose_format, render_page


def get_print(doctype: str | None = None, name: str | None = None, print_format: str | None = None, *,
              doc: Document | None = None, as_pdf: bool = False, context: dict[str, Any] | None = None) -> Any:
    """The printed page of `doc` (or of `doctype`/`name`); `context` adds names the format's template reads.

    Returns the HTML text, or the PDF's bytes when `as_pdf`. Code that prints for a user checks
    their `print` right first: this function prints whatever it is given, as Frappe's does for server code.
    """
    if doc is None:
        if not doctype or not name:
            raise ValidationError(_("get_print needs a doc, or a doctype and a name"))
        doc = get_doc(doctype, name)
    layout = choose_format(doc, print_format)
    page = render_page(doc, layout, context)
    return html_to_pdf(page, layout) if as_pdf else page
