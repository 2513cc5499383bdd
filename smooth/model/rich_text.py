"""Rich text (Text Editor fields, comments) is stored sanitised.

Whatever writes a document (a form, the REST API, a controller) goes through the model, so
cleaning here means the pages can show stored rich text as markup without trusting the
writer: scripts, event handler attributes, `javascript:` URLs and unknown tags are removed
by nh3 (the Rust `ammonia` sanitiser); ordinary formatting, lists, links and tables stay.
"""

from __future__ import annotations

import nh3

RICH_TEXT = frozenset({"Text Editor"})
_TAGS = nh3.ALLOWED_TAGS - {"img"} | {"span", "u", "s"}
_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "span": {"class"}, "p": {"class"}, "th": {"colspan", "rowspan"},
               "td": {"colspan", "rowspan"}}


def sanitize(html: str) -> str:
    """HTML safe to show as markup; links open with rel="noopener noreferrer"."""
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer")
