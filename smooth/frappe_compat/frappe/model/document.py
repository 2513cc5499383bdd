"""`frappe.model.document`: Smooth's Document, the class every controller subclasses."""

from __future__ import annotations

from smooth.frappe_compat.calls import frappe_get_doc as get_doc
from smooth.frappe_compat.missing import module_getattr
from smooth.model.document import Document

__all__ = ["Document", "get_doc"]
__getattr__ = module_getattr("frappe.model.document", dict.fromkeys(__all__))
