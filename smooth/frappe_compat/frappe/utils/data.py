"""`frappe.utils.data`, where Frappe defines the helpers `frappe.utils` re-exports: the same functions here."""

from __future__ import annotations

from smooth.frappe_compat.frappe.utils import (
    add_days,
    add_months,
    cint,
    cstr,
    date_diff,
    flt,
    format_date,
    get_datetime,
    getdate,
    now,
    now_datetime,
    nowdate,
    today,
)
from smooth.frappe_compat.missing import module_getattr

__all__ = ["add_days", "add_months", "cint", "cstr", "date_diff", "flt", "format_date", "get_datetime", "getdate",
           "now", "now_datetime", "nowdate", "today"]
__getattr__ = module_getattr("frappe.utils.data", dict.fromkeys(__all__))
