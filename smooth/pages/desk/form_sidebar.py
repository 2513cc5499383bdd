"""The form's sidebar: who the document is assigned to and the files attached to it."""

from __future__ import annotations

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
    attachments: list[Attachment]


def _assigned_to(meta: Meta, doc: Document) -> list[tuple[str, str]]:
    """The user the list settings' `assigned_to_field` names (the field "Assigned to me" compares with)."""
    field = str(view_settings(meta, "list").get("assigned_to_field") or "")
    user = doc.get(field) if field else None
    if not user:
        return []
    names = get_all("User", filters={"name": user}, fields=["full_name"], limit_page_length=1)
    return [(str(user), str(names[0]["full_name"] or user) if names else str(user))]


def form_sidebar(meta: Meta, doc: Document) -> Sidebar | None:
    """What the sidebar shows; reading the document is the right to see its attachments (as downloading them)."""
    if doc.is_new() or meta.issingle:
        return None
    files: list[dict[str, Any]] = get_all("File", filters={"attached_to_doctype": meta.name,
                                                          "attached_to_name": doc.name},
                                          fields=["name", "file_name", "file_url", "file_size"],
                                          order_by="creation asc")
    return Sidebar(_assigned_to(meta, doc),
                   [Attachment(f["name"], display_name(f["file_name"]) or f["name"], f["file_url"] or "",
                               human_size(int(f["file_size"] or 0))) for f in files])
