"""Who may use the desk, and which doctype a URL names.

The desk is for System Users: a Guest is sent to log in, a Website User (portal-only, e.g. an
LMS Student) to their portal home. A doctype is addressed by its slug, Frappe's way: lower
case with spaces as hyphens (`/app/lms-certificate-request`).
"""

from __future__ import annotations

import functools

from smooth.api.request import ApiRequest
from smooth.auth.login import website_home
from smooth.context import local
from smooth.exceptions import DoesNotExistError
from smooth.messages import _
from smooth.meta.desk_routes import slug as slug  # re-exported: the desk pages name it from here
from smooth.meta.doctype import Meta
from smooth.meta.registry import MetaRegistry
from smooth.pages.rendering import GUEST, Redirect, Viewer, login_url, viewer


def require_desk_user(api: ApiRequest) -> Viewer:
    """The viewer, when they may use the desk; otherwise a Redirect to login or to their portal."""
    if api.user == GUEST:
        raise Redirect(login_url(api))
    seen = viewer(api)
    if not seen.desk_user:
        raise Redirect(website_home())
    return seen


@functools.lru_cache(maxsize=8)
def _pages(registry: MetaRegistry) -> dict[str, Meta]:
    """slug -> doctype with a page (not a child table), once per registry (a reload of metadata makes a new one)."""
    found: dict[str, Meta] = {}
    for meta in registry:
        if not meta.istable:
            found.setdefault(slug(meta.name), meta)
    return found


def doctype_for(slug_text: str) -> Meta:
    """The doctype a URL slug names (404 for none, and for child tables, which have no pages)."""
    meta = _pages(local().site.registry).get(slug_text)
    if meta is None:
        raise DoesNotExistError(_("There is no page /app/{0}: no workspace or document type has that name", slug_text))
    return meta
