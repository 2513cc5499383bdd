"""File: an uploaded file's record; its content lives in the site's file storage, never in the database.

Public files are stored in `sites/<site>/public/files/` (or the `public/` objects of the site's
S3 storage: smooth.file_storage) and served at `/files/<name>` to anyone; private ones (the
default) in `private/files/`, served at `/private/files/<name>` only to users who may read the
File or the document it is attached to.

The content is written while the File is inserted, under a name no other file holds (an
exclusive create, with a random suffix on a clash), and removed again if the transaction
rolls back; deleting a File removes its content once the deletion is committed. So a
committed File always has its content, and no content outlives its record.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import smooth.permissions as permissions
from smooth.context import db, local, session_user
from smooth.exceptions import DoesNotExistError, LinkValidationError, PermissionError, ValidationError
from smooth.file_storage import (
    PRIVATE_PREFIX,
    PUBLIC_PREFIX,
    allowed_extensions,
    extension_of,
    max_file_size,
    read_file,
    split_url,
    storage,
    url_for,
)
from smooth.messages import _
from smooth.model.document import Document, load_document
from smooth.model.records import delete_doc

ATTACH_FIELDTYPES = frozenset({"Attach", "Attach Image"})
IMMUTABLE = ("file_url", "is_private", "file_size", "content_hash")
MAX_STORED_NAME = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def human_size(size: int) -> str:
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= factor:
            amount = size / factor
            return f"{amount:.0f} {unit}" if amount == int(amount) else f"{amount:.1f} {unit}"
    return f"{size} bytes"


def display_name(file_name: Any) -> str:
    """The uploaded name without any folder part a client may have sent."""
    text = str(file_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    text = "".join(ch for ch in text if ch.isprintable())
    return text[:140]


def stored_name(file_name: str) -> str:
    """A name safe on any file system and in a URL: ASCII letters, digits, dot, dash, underscore."""
    stem, dot, ext = file_name.rpartition(".")
    if not dot:
        stem, ext = file_name, ""
    stem = _UNSAFE.sub("_", stem).strip("._") or "file"
    ext = _UNSAFE.sub("", ext).lower()
    stem = stem[:MAX_STORED_NAME - len(ext) - 8]
    return f"{stem}.{ext}" if ext else stem


def is_local_url(file_url: str | None) -> bool:
    return bool(file_url) and str(file_url).startswith((PUBLIC_PREFIX, PRIVATE_PREFIX))


def _remove(file_url: str) -> None:
    parts = split_url(file_url)
    if parts is not None:
        storage().delete(*parts)


class File(Document):
    file_name: str | None
    file_url: str | None
    file_size: int | None
    content_hash: str | None
    content: bytes | None = None  # set by the uploader before insert; never a column, never taken from a request

    def validate(self) -> None:
        self.file_name = display_name(self.file_name) or None
        if self.is_new():
            self._validate_new_content()
        else:
            self._validate_unchanged()
        self._validate_attachment()

    def _validate_new_content(self) -> None:
        if self.content is not None:
            if not self.file_name:
                raise ValidationError(_("The uploaded file has no name"))
            ext = extension_of(self.file_name)
            allowed = allowed_extensions()
            if ext not in allowed:
                types = ", ".join(sorted(allowed))
                raise ValidationError(_("Files of type .{0} are not allowed ({1}); allowed types: {2}", ext,
                                        self.file_name, types) if ext else
                                      _("Files without an extension are not allowed ({0}); allowed types: {1}",
                                        self.file_name, types))
            limit = max_file_size()
            if len(self.content) > limit and not self.flags.ignore_file_size:  # an upload; not a file the site made
                raise ValidationError(_("{0} is larger than the maximum file size of {1} ({2} bytes)",
                                        self.file_name, human_size(limit), limit))
            return
        url = str(self.file_url or "")
        if is_local_url(url) or not url.startswith(("http://", "https://")):
            raise ValidationError(_("A File needs uploaded content (POST /api/method/upload_file) or an http(s) "
                                    "file_url; it cannot point at a stored file"))
        self.file_name = self.file_name or display_name(url.split("?", 1)[0]) or url[:140]
        self.file_size = None
        self.content_hash = None

    def _validate_unchanged(self) -> None:
        before = self.get_doc_before_save()
        if before is None:
            return
        for fieldname in IMMUTABLE:
            if (before.get(fieldname) or None) != (self.get(fieldname) or None):
                raise ValidationError(_("{0} of a File cannot be changed; upload the file again instead",
                                        _(self.meta.get_label(fieldname))))

    def _validate_attachment(self) -> None:
        doctype, name, fieldname = self.attached_to_doctype, self.attached_to_name, self.attached_to_field
        if not doctype and not name and not fieldname:
            return
        if not doctype or not name:
            raise ValidationError(_("Attaching a file needs both the document type (doctype) and its name (docname)"))
        if doctype not in local().site.registry:
            raise LinkValidationError(_("Could not find Attached To DocType: {0}", _(doctype)))
        meta = local().site.get_meta(doctype)
        if meta.issingle or meta.istable:
            raise ValidationError(_("Files cannot be attached to {0}", _(doctype)))
        if fieldname:
            field = meta.get_field(fieldname)
            if field is None or field.fieldtype not in ATTACH_FIELDTYPES:
                raise ValidationError(_("{0} has no Attach field {1!r}", _(doctype), fieldname))
        before = self.get_doc_before_save()
        moved = before is None or (before.attached_to_doctype, before.attached_to_name) != (doctype, name)
        if moved and not self.flags.ignore_permissions:
            target = load_document(doctype, name)
            if not permissions.has_permission(doctype, "write", doc=target):
                raise PermissionError(
                    _("Not permitted: {0} may not attach files to {1} {2} (write permission needed)",
                      session_user(), _(doctype), name))

    def before_save(self) -> None:
        if self.is_new() and self.content is not None:
            self._write_content()

    def _write_content(self) -> None:
        content = bytes(self.content or b"")
        private = bool(int(self.is_private or 0))
        name = storage().save(private, stored_name(self.file_name or "file"), content)
        self.file_url = url_for(private, name)
        db().after_rollback.add(_remove, self.file_url)
        self.file_size = len(content)
        self.content_hash = hashlib.sha256(content).hexdigest()

    def on_trash(self) -> None:
        if split_url(self.file_url) is not None:
            others = db().get_all("File", filters={"file_url": self.file_url, "name": ["!=", self.name]},
                                  pluck="name", limit_page_length=1, order_by="")
            if not others:
                db().after_commit.add(_remove, self.file_url)

    def get_content(self) -> bytes:
        content = read_file(self.file_url)
        if content is None:
            raise DoesNotExistError(_("The content of File {0} is not stored on this site", self.name))
        return content


def delete_attachments(doc: Document, method: str) -> None:
    """doc_events on_trash for every doctype: a deleted document takes its attached files with it."""
    if doc.doctype == "File" or doc.meta.issingle or doc.meta.istable:
        return
    names = db().get_all("File", filters={"attached_to_doctype": doc.doctype, "attached_to_name": doc.name},
                         pluck="name", order_by="")
    for name in names:
        delete_doc("File", name, ignore_permissions=True)


def can_read(file_url: str, user: str | None = None) -> bool:
    """Whether `user` may download the stored file at `file_url` (its File, or the document it is attached to)."""
    user = user or session_user()
    for name in db().get_all("File", filters={"file_url": file_url}, pluck="name", order_by=""):
        record = load_document("File", name)
        if permissions.has_permission("File", "read", doc=record, user=user):
            return True
        doctype, docname = record.attached_to_doctype, record.attached_to_name
        if doctype and docname and doctype in local().site.registry:
            try:
                target = load_document(doctype, docname)
            except DoesNotExistError:
                continue
            if permissions.has_permission(doctype, "read", doc=target, user=user):
                return True
    return False
