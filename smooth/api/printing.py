"""`download_pdf` (Frappe's frappe.utils.print_format.download_pdf): a document as a PDF.

Printing is reading: the same checks as GET /api/resource/<doctype>/<name> run first
(`client.load_for_read`), so whoever cannot read a document cannot print it either.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from smooth import access_log
from smooth.api.client import load_for_read
from smooth.api.request import NO_STORE
from smooth.printing.pdf import html_to_pdf
from smooth.printing.render import PrintLayout, choose_format, render_page
from smooth.whitelist import whitelist


def printed(doctype: str, name: str, format: str | None = None) -> tuple[str, PrintLayout]:
    """The HTML page of `name` in its format, after the read check."""
    doc = load_for_read(doctype, name)
    if doc.meta.track_views:
        access_log.make_access_log(doctype, doc.name, "Print")
    layout = choose_format(doc, format or None)
    return render_page(doc, layout), layout


def pdf_response(content: bytes, file_name: str, inline: bool = False) -> Response:
    ascii_name = file_name.encode("ascii", "replace").decode().replace('"', "")
    mode = "inline" if inline else "attachment"
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": f"{mode}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}",
        "Cache-Control": NO_STORE, "X-Content-Type-Options": "nosniff"})


@whitelist(methods=("GET", "POST"))
def download_pdf(doctype: str, name: str, format: str | None = None, no_letterhead: str | None = None) -> Response:
    """The PDF of one document through the chosen (or default) Print Format."""
    page, layout = printed(doctype, name, format)
    return pdf_response(html_to_pdf(page, layout), f"{name}.pdf")
