"""/printview?doctype=&name=&format=: a document drawn through its Print Format, as HTML.

The same page the PDF is made from (`smooth.api.printing.printed`), behind the same read check;
a bar above it (hidden when printing) links to the PDF.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import HTMLResponse, Response

from smooth.api.printing import printed
from smooth.api.request import ApiRequest
from smooth.exceptions import ValidationError
from smooth.messages import _
from smooth.pages.rendering import SECURITY_HEADERS

BAR = ('<nav class="print-bar" aria-label="Print"><a href="{pdf}">Download PDF</a></nav>'
       "<style>.print-bar{{font:14px sans-serif;padding:8px 12px;background:#f4f5f6;border-bottom:1px solid #d1d8dd}}"
       ".print-bar a{{color:#2f6fb3}}@media print{{.print-bar{{display:none}}}}</style>")


def show_printview(api: ApiRequest) -> Response:
    doctype, name = api.form.get("doctype"), api.form.get("name")
    if not doctype or not name:
        raise ValidationError(_("Give the document to print: /printview?doctype=...&name=..."))
    chosen = api.form.get("format") or None
    page, _media_type = printed(str(doctype), str(name), chosen)
    query = {"doctype": doctype, "name": name, **({"format": chosen} if chosen else {})}
    bar = BAR.format(pdf="/api/method/frappe.utils.print_format.download_pdf?" + urlencode(query).replace("&", "&amp;"))
    page = page.replace("<body>", f"<body>{bar}", 1)
    return HTMLResponse(page, headers=SECURITY_HEADERS)
