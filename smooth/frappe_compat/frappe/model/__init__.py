"""`frappe.model`: the package Frappe controllers import `frappe.model.document` from."""

from __future__ import annotations

from smooth.frappe_compat.frappe.model import document
from smooth.frappe_compat.missing import module_getattr

__all__ = ["document"]
__getattr__ = module_getattr("frappe.model", dict.fromkeys(__all__))
