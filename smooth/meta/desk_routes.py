"""Where a doctype's records live in the desk: `/app/<slug>/<name>`, Frappe's addresses.

Below the pages on purpose: a message naming a record (`get_link_to_form`) links to it from any layer.
"""

from __future__ import annotations

from urllib.parse import quote


def slug(doctype: str) -> str:
    """A doctype in a URL: lower case with spaces as hyphens (`lms-certificate-request`)."""
    return doctype.lower().replace(" ", "-")


def form_path(doctype: str, name: str) -> str:
    return f"/app/{slug(doctype)}/{quote(str(name), safe='')}"
