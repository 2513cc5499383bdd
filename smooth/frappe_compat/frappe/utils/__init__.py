"""`frappe.utils`: Frappe's value and date helpers, with Frappe's return types (smooth.frappe_compat.dates)."""

from __future__ import annotations

from smooth.frappe_compat.conversions import cint, cstr, flt
from smooth.frappe_compat.dates import (
    add_days,
    add_months,
    date_diff,
    format_date,
    get_datetime,
    getdate,
    now,
    now_datetime,
    nowdate,
    today,
)
from smooth.frappe_compat.missing import module_getattr
from smooth.messages import get_link_to_form
from smooth.urls import get_url

__all__ = ["add_days", "add_months", "cint", "cstr", "date_diff", "flt", "format_date", "get_datetime",
           "get_link_to_form", "get_url", "getdate", "now", "now_datetime", "nowdate", "today"]
__getattr__ = module_getattr("frappe.utils", dict.fromkeys(__all__))
