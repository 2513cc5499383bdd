"""Comment: notes on a document, shown on its timeline (Frappe's Comment doctype).

Anyone who may read a document may comment on it; a comment is edited or deleted only by
its author or a System Manager. The whitelisted functions below carry those rules (the
Comment DocPerm itself is for System Managers, who manage comments in bulk), and the
content is rich text, sanitised by the model like every Text Editor value.
"""

from __future__ import annotations

from typing import Any

import smooth.permissions as permissions
from smooth.context import session_user
from smooth.exceptions import PermissionError, ValidationError
from smooth.i18n.formatting import format_number
from smooth.messages import _
from smooth.model.database_api import document_db
from smooth.model.document import Document, load_document
from smooth.model.records import delete_doc, get_doc, new_doc
from smooth.whitelist import whitelist

MAX_CONTENT = 100_000
MODERATOR_ROLE = "System Manager"


class Comment(Document):
    def validate(self) -> None:
        if self.comment_type == "Comment" and not (self.content or "").strip():
            raise ValidationError(_("A comment cannot be empty"))
        if len(self.content or "") > MAX_CONTENT:
            raise ValidationError(_("A comment may be at most {0} characters long", format_number(MAX_CONTENT, 0)))


def _reference(reference_doctype: str, reference_name: str) -> Document:
    if not reference_doctype or not reference_name:
        raise ValidationError(_("A comment needs reference_doctype and reference_name"))
    reference = get_doc(reference_doctype, reference_name)
    if not permissions.has_permission(reference_doctype, "read", doc=reference):
        raise PermissionError(_("Not permitted: you may not read {0} {1}, so you cannot comment on it",
                                _(reference_doctype), reference_name))
    return reference


def _own(name: str) -> Document:
    comment = load_document("Comment", name)
    user = session_user()
    if comment.comment_type != "Comment" or not (
            comment.owner == user or MODERATOR_ROLE in permissions.get_roles(user) or user == "Administrator"):
        raise PermissionError(_("Not permitted: only its author or a System Manager may change this comment"))
    _reference(comment.reference_doctype, comment.reference_name)
    return comment


@whitelist(methods=("POST",))
def add_comment(reference_doctype: str, reference_name: str, content: str, comment_email: Any = None,
                comment_by: Any = None) -> dict[str, Any]:
    """Comment on a document the user may read (the author is always the session user)."""
    reference = _reference(reference_doctype, reference_name)
    user = session_user()
    full_name = document_db().get_value("User", user, "full_name") or user
    comment = new_doc("Comment", comment_type="Comment", reference_doctype=reference_doctype,
                      reference_name=reference.name, reference_owner=reference.owner, content=content,
                      comment_email=user, comment_by=full_name)
    comment.insert(ignore_permissions=True)
    return comment.as_dict()


@whitelist(methods=("POST",))
def update_comment(name: str, content: str) -> dict[str, Any]:
    """Change the text of one's own comment (a System Manager may change any)."""
    comment = _own(name)
    comment.set("content", content)
    comment.save(ignore_permissions=True)
    return comment.as_dict()


@whitelist(methods=("POST", "DELETE"))
def delete_comment(name: str) -> None:
    """Delete one's own comment (a System Manager may delete any)."""
    _own(name)
    delete_doc("Comment", name, ignore_permissions=True)


def comments_on(reference_doctype: str, reference_name: str, limit: int = 100) -> list[dict[str, Any]]:
    """The comments on a document, oldest first (the caller has checked the user may read it)."""
    return document_db().get_all("Comment", filters={"reference_doctype": reference_doctype,
                                                     "reference_name": reference_name, "comment_type": "Comment"},
                        fields=["name", "owner", "creation", "modified", "content", "comment_by", "comment_email"],
                        order_by="creation asc", limit_page_length=limit)
