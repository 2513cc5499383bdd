"""HTML to PDF through pdfkit and wkhtmltopdf, with nothing fetched from anywhere.

The page reaching wkhtmltopdf is already self-contained (`render.localize`); the renderer is
still run as if hostile: no local file access, no JavaScript, no external links, and every
request sent through a proxy address where nothing listens, so even a URL the rewrite missed
cannot leave the machine. A missing binary is a clear error naming the Debian package.
"""

from __future__ import annotations

import os
import shutil

import pdfkit

from smooth.context import local
from smooth.exceptions import SmoothError
from smooth.messages import _, _lazy
from smooth.printing.render import PrintLayout

PACKAGE_HINT = _lazy("install the Debian package `wkhtmltopdf` (sudo apt-get install wkhtmltopdf), or set "
                     "`wkhtmltopdf` in site_config.json to its path")
NOWHERE_PROXY = "http://127.0.0.1:9"  # the discard port: nothing answers, so nothing is fetched


class PdfUnavailableError(SmoothError):
    """wkhtmltopdf is missing: PDFs cannot be made on this server (HTML print view still works)."""

    http_status_code = 503


def wkhtmltopdf_path() -> str:
    configured = local().site.config.get("wkhtmltopdf") or os.environ.get("SMOOTH_WKHTMLTOPDF")
    found = shutil.which(configured) if configured else shutil.which("wkhtmltopdf")
    if not found:
        if configured:
            raise PdfUnavailableError(_("Cannot make a PDF: wkhtmltopdf is not installed (looked for {0!r}); {1}",
                                        configured, PACKAGE_HINT))
        raise PdfUnavailableError(_("Cannot make a PDF: wkhtmltopdf is not installed; {0}", PACKAGE_HINT))
    return found


def options(layout: PrintLayout) -> dict[str, str | None]:
    return {
        "page-size": layout.page_size,
        "orientation": layout.orientation,
        "margin-top": f"{layout.margin_top}mm",
        "margin-bottom": f"{layout.margin_bottom}mm",
        "margin-left": f"{layout.margin_left}mm",
        "margin-right": f"{layout.margin_right}mm",
        "encoding": "UTF-8",
        "disable-local-file-access": None,
        "disable-external-links": None,
        "disable-javascript": None,
        "proxy": NOWHERE_PROXY,
        "load-error-handling": "ignore",
        "load-media-error-handling": "ignore",
        "quiet": None,
    }


def html_to_pdf(page: str, layout: PrintLayout) -> bytes:
    config = pdfkit.configuration(wkhtmltopdf=wkhtmltopdf_path())
    try:
        return pdfkit.from_string(page, False, options=options(layout), configuration=config)
    except OSError as exc:
        raise SmoothError(_("wkhtmltopdf could not make the PDF: {0}", str(exc).strip()[:500])) from exc
