"""An app's desk pages, Frappe's "Page": `/app/<page-name>` for a page that is not a doctype's view.

A module holds them as Frappe does, one folder per page:

    <module>/page/compliance_dashboard/compliance_dashboard.json   {"doctype": "Page", "name": "compliance-dashboard",
                                                                    "title": ..., "roles": [{"role": "HR User"}]}
    <module>/page/compliance_dashboard/compliance_dashboard.py     get_context(context) fills the template's context
    <module>/page/compliance_dashboard/compliance_dashboard.html   the template (extends "desk/layout.html")

A page with roles opens only for users holding one of them (Administrator always); a page
without roles opens for every desk user. What a page shows is still permission-checked by
the reads its `get_context` makes. Workspace links of type "Page" point here and are shown
only to users who may open the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from smooth.apps import App
from smooth.context import local, session_user
from smooth.permissions import ADMINISTRATOR, get_roles


@dataclass(frozen=True)
class DeskPage:
    name: str  # the URL slug, "compliance-dashboard"
    title: str
    roles: tuple[str, ...]
    root: Path  # the module folder: templates are named from here
    template: str  # "page/compliance_dashboard/compliance_dashboard.html"
    module: str  # the Python module with get_context


def _folder_name(page_slug: str) -> str:
    return page_slug.replace("-", "_")


# (the site's registry, slug) -> the page or None: every `/app/<slug>` asks before it is taken for a doctype's list,
# and looking costs a file check per app module; a reload of the metadata (migrate) makes a new registry
_found: dict[tuple[object, str], DeskPage | None] = {}
_FOUND_LIMIT = 1024


def find_desk_page(page_slug: str) -> DeskPage | None:
    """The page `/app/<page_slug>` names in the site's app modules, or None."""
    site = local().site
    key = (site.registry, page_slug)
    if key not in _found:
        if len(_found) >= _FOUND_LIMIT:
            _found.clear()
        _found[key] = _look_up(site.apps, page_slug)
    return _found[key]


def _look_up(apps: list[App], page_slug: str) -> DeskPage | None:
    folder = _folder_name(page_slug)
    if not folder or not folder.replace("_", "").isalnum() or not folder.isascii():
        return None
    for app in apps:
        for module in app.modules:
            spec = module.path / "page" / folder / f"{folder}.json"
            if not spec.is_file():
                continue
            data = json.loads(spec.read_text(encoding="utf-8"))
            if str(data.get("name") or data.get("page_name") or "").replace("_", "-") != page_slug:
                continue
            roles = tuple(str(r["role"]) for r in data.get("roles") or [] if isinstance(r, dict) and r.get("role"))
            return DeskPage(page_slug, str(data.get("title") or page_slug), roles, module.path,
                            f"page/{folder}/{folder}.html", f"{module.package}.page.{folder}.{folder}")
    return None


def may_open(page: DeskPage, user: str | None = None) -> bool:
    user = user or session_user()
    if user == ADMINISTRATOR or not page.roles:
        return True
    return bool(set(page.roles) & set(get_roles(user)))
