"""`frappe` as Frappe-written code imports it: Smooth's API under Frappe's names (smooth.frappe_compat.finder).

A name not here fails where it is used with a message naming it (`__getattr__` below), and
`bench check` lists every such use it finds in an app's code before anything runs.
"""

from __future__ import annotations

from smooth.exceptions import (
    AuthenticationError,
    CharacterLengthExceededError,
    DataError,
    DocstatusTransitionError,
    DoesNotExistError,
    DuplicateEntryError,
    LinkExistsError,
    LinkValidationError,
    MandatoryError,
    PermissionError,
    TimestampMismatchError,
    UniqueValidationError,
    UpdateAfterSubmitError,
    ValidationError,
)
from smooth.facade import conf
from smooth.frappe_compat.calls import (
    _,
    delete_doc,
    enqueue,
    get_meta,
    get_roles,
    get_single,
    has_permission,
    msgprint,
    new_doc,
    sendmail,
    throw,
    whitelist,
)
from smooth.frappe_compat.calls import frappe_get_doc as get_doc
from smooth.frappe_compat.database import db, get_value
from smooth.frappe_compat.database import frappe_get_all as get_all
from smooth.frappe_compat.database import frappe_get_list as get_list
from smooth.frappe_compat.frappe import exceptions, model, utils
from smooth.frappe_compat.missing import module_getattr
from smooth.frappe_compat.state import _dict, flags, form_dict, local, session

__all__ = [
    "AuthenticationError", "CharacterLengthExceededError", "DataError", "DocstatusTransitionError",
    "DoesNotExistError", "DuplicateEntryError", "LinkExistsError", "LinkValidationError", "MandatoryError",
    "PermissionError", "TimestampMismatchError", "UniqueValidationError", "UpdateAfterSubmitError",
    "ValidationError", "_", "_dict", "conf", "db", "delete_doc", "enqueue", "exceptions", "flags", "form_dict",
    "get_all", "get_doc", "get_list", "get_meta", "get_roles", "get_single", "get_value", "has_permission",
    "local", "model", "msgprint", "new_doc", "sendmail", "session", "throw", "utils", "whitelist",
]
__getattr__ = module_getattr("frappe", dict.fromkeys(__all__))
