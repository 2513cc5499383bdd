"""A document drawn through its Print Format as one self-contained HTML page.

Print Formats are edited in the desk, so their Jinja runs in the bounded immutable sandbox
(`smooth.template_sandbox`: time, size, depth and integer limits; any failure a 417 naming the
format and the line) with autoescape on, and sees the document as plain data (`doc` is its dict: no methods to call).
The page must print the same on a machine with no network: site files (`/files/...`) are
inlined as data URIs, and every other address (http, https, protocol-relative, file:) is
blanked before wkhtmltopdf sees the page, so a template cannot make the renderer fetch anything.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import mimetypes
import re
from dataclasses import dataclass
from typing import Any

import segno
from markupsafe import Markup

from smooth.exceptions import DoesNotExistError, ValidationError
from smooth.file_storage import read_file
from smooth.i18n import formatting, language
from smooth.messages import _
from smooth.meta.doctype import Meta
from smooth.model import time_zones
from smooth.model.database_api import document_db
from smooth.model.document import Document
from smooth.model.listing import get_all
from smooth.template_sandbox import BoundedSandbox, render
from smooth.template_sandbox import check_template as check_source
from smooth.urls import get_url

FORMAT_FIELDS = ["name", "doc_type", "html", "css", "page_size", "orientation", "margin_top", "margin_bottom",
                 "margin_left", "margin_right", "disabled"]
_env = BoundedSandbox(autoescape=True)
_URL_ATTR = re.compile(r"""(?P<attr>\b(?:src|href|srcset|poster|data|background|action|formaction|content)\s*=\s*)"""
                       r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>"']+))""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(?P<q>["']?)(?P<url>[^"')]*)(?P=q)\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?[^;]*;""", re.IGNORECASE)
BLANK = "data:,"  # an empty resource: loads instantly, from nowhere

STANDARD_HTML = """<h1>{{ doc.doctype }} {{ doc.name }}</h1>
<table class="fields">{% for f in fields %}<tr><th>{{ f.label }}</th><td>{{ f.value }}</td></tr>{% endfor %}</table>"""
BASE_CSS = """body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; color: #1f272e; margin: 0; }
table.fields { border-collapse: collapse; width: 100%; } table.fields th, table.fields td { text-align: left;
 padding: 4px 8px; border-bottom: 1px solid #d1d8dd; vertical-align: top; } table.fields th { width: 35%; }"""


@dataclass
class PrintLayout:
    """The chosen format as the renderer needs it (a plain record: the doctype row or the standard one)."""

    name: str
    html: str
    css: str = ""
    page_size: str = "A4"
    orientation: str = "Portrait"
    margin_top: float = 15
    margin_bottom: float = 15
    margin_left: float = 15
    margin_right: float = 15


def check_template(source: str, where: str) -> None:
    """Refuse a template that does not compile, naming where it is and the line."""
    check_source(_env, source, where)


def _layout(row: dict[str, Any]) -> PrintLayout:
    def margin(key: str) -> float:
        return 15.0 if row.get(key) is None else float(row[key])
    return PrintLayout(row["name"], row.get("html") or STANDARD_HTML, row.get("css") or "",
                       row.get("page_size") or "A4", row.get("orientation") or "Portrait", margin("margin_top"),
                       margin("margin_bottom"), margin("margin_left"), margin("margin_right"))


def choose_format(doc: Document, name: str | None = None) -> PrintLayout:
    """The format to print `doc` with: the one asked for, else the one the document names (a Link to
    Print Format, e.g. a certificate's template), else the DocType's default, else the standard layout."""
    db = document_db()
    if not name:
        for field in doc.meta.fields:
            if field.fieldtype == "Link" and field.options == "Print Format" and doc.get(field.fieldname):
                name = doc.get(field.fieldname)
                break
    if name:
        row = db.get_value("Print Format", name, FORMAT_FIELDS, as_dict=True)
        if not row:
            raise DoesNotExistError(_("Print Format {0} not found", name))
        if row["doc_type"] != doc.doctype:
            raise ValidationError(_("Print Format {0} is for {1}, not {2}", name, _(row['doc_type']), _(doc.doctype)))
        if row["disabled"]:
            raise ValidationError(_("Print Format {0} is disabled", name))
        return _layout(row)
    default = get_all("Print Format", filters={"doc_type": doc.doctype, "is_default": 1, "disabled": 0},
                      fields=FORMAT_FIELDS, limit_page_length=1)
    if default:
        return _layout(default[0])
    return PrintLayout("Standard", STANDARD_HTML)


def qr_image(text: str, scale: int = 4) -> Markup:
    """An <img> of a QR code for `text`, inlined (PNG data URI), for templates: `{{ qr_image(url) }}`."""
    uri = segno.make(str(text), error="m").png_data_uri(scale=scale, border=2)
    return Markup('<img class="qr" alt="QR code" src="{}">').format(uri)


def format_date(value: Any, pattern: str = "%d %B %Y") -> str:
    """A date for print, month and day names in the reader's language."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.strip())
    return formatting.strftime(value, pattern)


def from_json(value: Any) -> Any:
    """A JSON text field as data for a template (`doc.result | from_json`); bad JSON is an empty list."""
    if not isinstance(value, str):
        return value or []
    try:
        return json.loads(value)
    except ValueError:
        return []


_env.filters["from_json"] = from_json
_env.globals["_"] = _  # Print Formats translate their labels: `{{ _("Certificate of Completion") }}`
_env.globals["format_number"] = formatting.format_number


def _standard_fields(doc: Document, meta: Meta) -> list[dict[str, Any]]:
    """Each shown field's label and value; times in the reader's zone (UTC instants) or their own, named."""
    rows = []
    zones = time_zones.viewer_zones()
    values = doc.as_dict()
    for field in meta.fields:
        if field.fieldtype in ("Section Break", "Column Break", "Tab Break", "Table", "Table MultiSelect",
                               "Password", "HTML", "Button") or field.hidden or field.print_hide:
            continue
        value = doc.get(field.fieldname)
        if value not in (None, ""):
            zone = time_zones.shown_zone(field.fieldtype, field.options, zones, values)
            rows.append({"label": field.label or field.fieldname,
                         "value": time_zones.labelled(value, zone, field.options) if zone else value})
    return rows


def render_body(doc: Document, layout: PrintLayout, extra: dict[str, Any] | None = None) -> str:
    context = {"doc": doc.as_dict(), "format": layout.name, "qr_image": qr_image, "format_date": format_date,
               "site_url": get_url, "fields": _standard_fields(doc, doc.meta), **(extra or {})}
    return render(_env, layout.html, context, f"Print Format {layout.name!r}, HTML")


def render_page(doc: Document, layout: PrintLayout, extra: dict[str, Any] | None = None) -> str:
    """The whole HTML page: base CSS, the format's CSS, the body; local files inlined, other URLs blanked."""
    body = render_body(doc, layout, extra)
    lang = language.current()
    direction = ' dir="rtl"' if language.direction(lang) == "rtl" else ""
    page = (f'<!DOCTYPE html><html lang="{html.escape(lang)}"{direction}><head><meta charset="utf-8">'
            f"<title>{html.escape(str(doc.name))}</title>"
            f"<style>{BASE_CSS}\n{layout.css}</style></head><body>{body}</body></html>")
    return localize(page)


def _data_uri(url: str) -> str:
    url = url.split("?")[0].split("#")[0]
    content = None if url.startswith("/private/") else read_file(url)
    if content is None:
        return BLANK
    kind = mimetypes.guess_type(url)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(content).decode()}"


def _rewrite(url: str) -> str:
    stripped = html.unescape(url).strip()
    lowered = stripped.lower()
    if not stripped or lowered.startswith(("data:", "#")):
        return url
    if lowered.startswith("/files/"):
        return _data_uri(stripped)
    return BLANK  # http(s), //host, file:, javascript:, relative paths: nothing leaves the page


def localize(page: str) -> str:
    """Inline site files, blank every other address (attributes, CSS url() and @import)."""
    page = _CSS_IMPORT.sub("", page)
    page = _CSS_URL.sub(lambda m: f'url("{_rewrite(m.group("url"))}")', page)
    return _URL_ATTR.sub(_rewrite_attribute, page)


def _rewrite_attribute(match: re.Match[str]) -> str:
    value = next(v for v in (match.group("dq"), match.group("sq"), match.group("bare"), "") if v is not None)
    if match.group("attr").lower().startswith("content"):
        # <meta http-equiv="refresh" content="0;url=..."> is the one content= that names an address
        return match.group(0) if "url=" not in value.lower() else f'{match.group("attr")}""'
    return f'{match.group("attr")}"{html.escape(_rewrite(value), quote=True)}"'
