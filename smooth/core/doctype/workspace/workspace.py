"""Workspace: a desk page of shortcuts (with live counts) and cards of links, addressed as /app/<slug>.

A workspace's slug is its label in lower case with spaces as hyphens, like a doctype's; the
desk resolves workspaces before doctypes, so a label whose slug is a doctype's would hide
that doctype's list and is refused.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from smooth.context import local
from smooth.exceptions import ValidationError
from smooth.messages import _
from smooth.model.document import Document


def workspace_slug(label: str) -> str:
    return label.strip().lower().replace(" ", "-")


def check_target(kind: str, target: str | None, where: str) -> None:
    """A link's target must exist (a DocType with pages) or be a safe address (no javascript: URLs)."""
    if not target:
        raise ValidationError(_("{0}: Link To is required", where))
    if kind == "DocType":
        registry = local().site.registry
        if target not in registry or registry.get(target).istable:
            raise ValidationError(_("{0}: {1!r} is not a DocType with pages", where, target))
    elif kind == "Page":
        if not all(part.isalnum() or part in "-_" for part in target):
            raise ValidationError(_("{0}: a Page is a desk page name (letters, digits, - and _), not {1!r}",
                                    where, target))
    elif kind == "URL":
        parts = urlsplit(target)
        local_path = target.startswith("/") and not target.startswith("//")
        if not local_path and not (parts.scheme in ("http", "https") and parts.netloc):
            raise ValidationError(_("{0}: a URL must be a path on this server or an http(s) address, not {1!r}",
                                    where, target))


def parse_stats_filter(text: str | None, where: str) -> Any:
    """The shortcut's count filters (a JSON object or list), or None when it has none."""
    if not text or not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValidationError(_("{0}: Count Filter is not valid JSON ({1})", where, exc)) from None
    if not isinstance(value, dict | list):
        raise ValidationError(_("{0}: Count Filter must be a JSON object or list of filters", where))
    return value


class Workspace(Document):
    label: str
    title: str | None

    def before_validate(self) -> None:
        self.title = self.title or self.label

    def validate(self) -> None:
        slug = workspace_slug(self.label or "")
        clash = next((m.name for m in local().site.registry if workspace_slug(m.name) == slug), None)
        if clash:
            raise ValidationError(_("Workspace {0!r} would hide the pages of DocType {1} (both are /app/{2}); "
                                    "choose another label", self.label, clash, slug))
        if not self.public and not self.for_user:
            raise ValidationError(_("A private workspace needs For User: the user who sees it"))
        for row in self.get("links") or []:
            if row.type == "Link":
                check_target(row.link_type or "DocType", row.link_to, f"Row #{row.idx} in Links")
        for row in self.get("shortcuts") or []:
            where = f"Row #{row.idx} in Shortcuts"
            check_target(row.type or "DocType", row.link_to, where)
            if parse_stats_filter(row.stats_filter, where) is not None and (row.type or "DocType") != "DocType":
                raise ValidationError(_("{0}: only a DocType shortcut can show a count", where))
