"""Documents by doctype and name: Frappe's `get_doc`, `new_doc` and `delete_doc`."""

from __future__ import annotations

from typing import Any

from smooth.context import local
from smooth.exceptions import DoesNotExistError, ValidationError
from smooth.messages import _
from smooth.model import preparation
from smooth.model.document import Document, get_controller, load_document, load_single


def get_doc(arg: Any = None, name: str | None = None, *, for_update: bool = False,
            check_permission: bool | str = False, **kwargs: Any) -> Any:
    """`get_doc(dict)` builds a new document; `get_doc(doctype, name)` loads one."""
    site = local().site
    if isinstance(arg, dict) or (arg is None and kwargs):
        data = dict(arg or {}, **kwargs) if kwargs or arg is None else arg  # the document copies what it keeps
        if not data.get("doctype"):
            raise ValidationError(_("get_doc(dict) needs a 'doctype' key"))
        return get_controller(site, data["doctype"])(data)
    if not isinstance(arg, str):
        raise ValidationError(_("get_doc takes a dict or a doctype name"))
    meta = site.get_meta(arg)
    if name is None and meta.issingle:
        doc = load_single(arg)
    elif name is None:
        raise ValidationError(_("get_doc({0!r}) needs the name of the {0} to load", arg))
    else:
        doc = load_document(arg, name, for_update=for_update)
    if check_permission:
        doc.check_permission(check_permission if isinstance(check_permission, str) else "read")
    return doc


def new_doc(doctype: str, **values: Any) -> Any:
    """A new, unsaved document with its defaults filled in."""
    doc = get_doc({"doctype": doctype, **values})
    preparation.set_defaults(doc)
    return doc


def delete_doc(doctype: str, name: str, *, ignore_permissions: bool = False, force: bool = False,
               ignore_missing: bool = True) -> None:
    """Delete a record by name; a missing one is quiet unless `ignore_missing=False`."""
    try:
        doc: Document = load_document(doctype, name, for_update=True)
    except DoesNotExistError:
        if ignore_missing:
            return
        raise
    doc.delete(ignore_permissions=ignore_permissions, force=force)
