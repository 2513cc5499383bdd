"""The LMS + HR site (one per backend, cleaned per test) and HR record factories."""

from __future__ import annotations

from typing import Any

import smooth
from tests.lms.conftest import clean, lms, lms_site  # noqa: F401


def make_department(name: str = "Operations", **values: Any) -> str:
    if not smooth.db.exists("Department", name):
        smooth.get_doc({"doctype": "Department", "department_name": name, **values}).insert()
    return name


def make_employee(first_name: str, user_id: str | None = None, **values: Any) -> str:
    values.setdefault("date_of_joining", smooth.today())
    return smooth.get_doc({"doctype": "Employee", "first_name": first_name, "user_id": user_id, **values}).insert().name


def make_document_type(name: str = "Training Record", **values: Any) -> str:
    if not smooth.db.exists("Employee Document Type", name):
        smooth.get_doc({"doctype": "Employee Document Type", "document_type": name, **values}).insert()
    return name


def make_compliance_type(name: str = "Forklift Safety", **values: Any) -> str:
    values.setdefault("renewal_period_months", 12)
    smooth.get_doc({"doctype": "Compliance Type", "compliance_type": name, **values}).insert()
    return name
