"""The form's sidebar: who the document is assigned to and the files attached to it.

The files follow the form (with its timeline, from `/app/<slug>/<name>/activity`), as in Frappe
where the form's extras load after the document; the assignee is named with the form's Link titles,
which the form reads anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smooth.core.doctype.file.file import display_name, human_size
from smooth.meta.doctype import Meta
from smooth.model.document import Document
from smooth.model.listing import get_all
from smooth.pages.desk.settings import view_settings


@dataclass(frozen=True)
class Attachment:
    name: str
    label: str
    url: str
    size: str


@dataclass(frozen=True)
class Sidebar:
    assigned_to: list[tuple[str, str]]  # (user, full name)
    attachments: list[Attachment] | None  # None: they follow the form


def _assigned_to(meta: Meta, doc: Document, link_title: Callable[[str, Any], str]) -> list[tuple[str, str]]:
    """The user the list settings' `assigned_to_field` names (the field "Assigned to me" compares with)."""
    field = str(view_settings(meta, "list").get("assigned_to_field") or "")
    user = doc.get(field) if field else None
    if not user:
        return []
    return [(str(user), link_title("User", user) or str(user))]


def attachments(meta: Meta, doc: Document) -> list[Attachment]:
    """The files attached to the document; reading it is the right to see them (as downloading them)."""
    files: list[dict[str, Any]] = get_all("File", filters={"attached_to_doctype": meta.name,
                                                          "attached_to_name": doc.name},
                                          fields=["name", "file_name", "file_url", "file_size"],
                                          order_by="creation asc")
    return [Attachment(f["name"], display_name(f["file_name"]) or f["name"], f["file_url"] or "",
                       human_size(int(f["file_size"] or 0))) for f in files]


def form_sidebar(meta: Meta, doc: Document, link_title: Callable[[str, Any], str], *,
                 with_files: bool = False) -> Sidebar | None:
    """What the sidebar shows (the attachments only `with_files`: otherwise they follow the form)."""
    if doc.is_new() or meta.issingle:
        return None
    return Sidebar(_assigned_to(meta, doc, link_title), attachments(meta, doc) if with_files else None)
