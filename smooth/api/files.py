"""Files over HTTP: `POST /api/method/upload_file`, `GET /files/<name>`, `GET /private/files/<name>`.

upload_file takes Frappe's multipart form (field `file`, plus `doctype`, `docname`,
`fieldname`, `is_private` (default 1), `folder`) and answers `{"message": <File>}`. Downloads
are served with `X-Content-Type-Options: nosniff`, a sandboxing Content-Security-Policy and
`Content-Disposition: attachment` for every type a browser could execute or render as a page.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.responses import FileResponse, RedirectResponse, Response

from smooth import access_log
from smooth.api.args import to_bool
from smooth.api.request import NO_STORE
from smooth.context import local, session_user
from smooth.core.doctype.file.file import ATTACH_FIELDTYPES, can_read
from smooth.exceptions import DoesNotExistError, PermissionError, ValidationError
from smooth.file_storage import is_safe_name, max_file_size, storage, url_for
from smooth.messages import _
from smooth.model import records
from smooth.model.database_api import document_db
from smooth.model.document import Document
from smooth.model.user_writes import apply_user_values, user_may_write
from smooth.whitelist import whitelist

INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain",
                          "video/mp4", "video/webm"})
SANDBOX_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


def _read_upload(upload: UploadFile) -> bytes:
    """The uploaded bytes, reading at most one byte more than the limit (the File refuses oversize content)."""
    limit = max_file_size()
    upload.file.seek(0)
    return upload.file.read(limit + 1)


@whitelist(methods=("POST",))
def upload_file(file: Any = None, doctype: str | None = None, docname: str | None = None,
                fieldname: str | None = None, is_private: Any = 1, folder: str | None = None,
                file_url: str | None = None) -> dict[str, Any]:
    """Store an uploaded file as a File (private unless is_private=0), optionally attached to a document.

    With `fieldname` (an Attach / Attach Image field of `doctype`), the document's field is set
    to the new file's URL and the document saved, all in the request's transaction.
    """
    if (doctype or docname) and not (doctype and docname):
        raise ValidationError(_("Attaching a file needs both doctype and docname"))
    if fieldname and not doctype:
        raise ValidationError(_("fieldname needs doctype and docname"))
    values = {"is_private": 1 if to_bool(is_private, default=True) else 0, "folder": folder or None,
              "attached_to_doctype": doctype or None, "attached_to_name": docname or None,
              "attached_to_field": fieldname or None}
    target = _attach_target(doctype, docname, fieldname) if fieldname else None
    if isinstance(file, UploadFile):
        record = records.new_doc("File", file_name=file.filename, **values)
        record.content = _read_upload(file)
    elif file_url and not file:
        record = records.new_doc("File", file_url=file_url, **values)
    else:
        raise ValidationError(_("No file was uploaded: send it as the multipart form field 'file'"))
    record.insert()
    if target is not None and fieldname:
        apply_user_values(target, {fieldname: record.file_url}).save()
    return record.as_dict()


def _attach_target(doctype: Any, docname: Any, fieldname: str) -> Document:
    """The document a file is attached to through `fieldname`, which must be an Attach field the user may set."""
    field = local().site.get_meta(doctype or "").get_field(fieldname)
    if field is None or field.fieldtype not in ATTACH_FIELDTYPES:
        raise ValidationError(_("{0} has no Attach field {1!r}", _(doctype), fieldname))
    target = records.get_doc(doctype, docname, for_update=True)
    if not user_may_write(field, target.as_dict(), granting=target.meta):
        raise ValidationError(_("{0} of {1} is read only: a file cannot be attached to it",
                                _(field.label), _(doctype)))
    return target




def _disposition(kind: str, file_name: str) -> str:
    mode = "inline" if kind in INLINE_TYPES else "attachment"
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in file_name) or "file"
    return f"{mode}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def serve_file(name: str, private: bool) -> Response:
    """The stored content at /files/<name> or /private/files/<name> (404 unknown, 403 not permitted).

    From a local folder the bytes are sent from here; from object storage (several hosts) the
    answer is a redirect to a short-lived signed URL of the object, made only after the check."""
    if not is_safe_name(name):
        raise DoesNotExistError(_("No file {0!r}", name))
    url = url_for(private, name)
    rows = document_db().get_all("File", filters={"file_url": url},
                                 fields=["file_name", "is_private", "attached_to_doctype", "attached_to_name"],
                                 limit_page_length=1, order_by="")
    if not rows:
        raise DoesNotExistError(_("No file at {0}", url))
    if private and not can_read(url):
        raise PermissionError(_("Not permitted: {0} may not read {1}", session_user(), url))
    access_log.log_if_tracked(rows[0]["attached_to_doctype"], rows[0]["attached_to_name"], "Download")
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    media_type = f"{kind}; charset=utf-8" if kind.startswith("text/") else kind
    disposition = _disposition(kind, rows[0]["file_name"] or name)
    store = storage()
    signed = store.signed_url(private, name, media_type, disposition)
    if signed is not None:
        return RedirectResponse(signed, status_code=302, headers={"Cache-Control": NO_STORE})
    path = store.path(private, name)
    if path is None:
        raise DoesNotExistError(_("No file at {0}", url))
    headers = {
        "Content-Disposition": disposition,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": NO_STORE if private else "public, max-age=300",
    }
    if kind != "application/pdf":
        headers["Content-Security-Policy"] = SANDBOX_CSP
    return FileResponse(path, media_type=media_type, headers=headers)
