"""Which values a URL-ish field may hold and a page may turn into a link.

Attach and Attach Image fields and Data fields with `options: URL` are shown as links, so a
`javascript:` or `data:` value would run or phish when clicked. Only http(s) with a host,
mailto, and the site's own files (`/files/...`, `/private/files/...`) are stored, and the page
renderer refuses to link anything else, whatever an older row or a direct database write holds.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

FILE_PREFIXES = ("/files/", "/private/files/")
WEB_SCHEMES = frozenset({"http", "https"})
URL_FIELDTYPES = frozenset({"Attach", "Attach Image"})
ALLOWED = "an http(s) or mailto link, or a file of this site (/files/..., /private/files/...)"


def is_url_field(fieldtype: str, options: str | None) -> bool:
    return fieldtype in URL_FIELDTYPES or (fieldtype == "Data" and (options or "").strip() == "URL")


def is_safe_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or any(ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in text):
        return False  # control characters and backslashes let a browser read a scheme Python does not see
    if text.startswith(FILE_PREFIXES):
        return ".." not in text.split("?", 1)[0].split("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme in WEB_SCHEMES:
        return bool(parts.hostname)
    return scheme == "mailto" and bool(parts.path)


def safe_href(value: Any) -> str | None:
    """The value when a page may link to it, else None (the page shows it as text, or not at all)."""
    return value.strip() if is_safe_url(value) else None
