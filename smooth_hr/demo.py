"""The HR half of the demo: `bench --site S execute smooth_hr.demo.make_demo_data` (after smooth_lms.demo's).

The LMS demo's learners become employees of a small warehouse team with a manager, their files
and compliance rows in every status (so the dashboard and the daily job have something to show),
Omar's forklift training record expiring inside its reminder window, and Tom, who joins next
week, has a submitted onboarding with a document to upload and a policy to sign at /onboarding.
Idempotent; dates are relative to today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth_lms.demo import PASSWORD

HR_MANAGER, MANAGER = "hana.hr@example.com", "maya.manager@example.com"
EMPLOYEES = {  # user -> (first, last, department, designation, manager user, days since joining)
    MANAGER: ("Maya", "Manager", "Warehouse", "Shift Lead", None, 900),
    "lena.learner@example.com": ("Lena", "Learner", "Warehouse", "Forklift Driver", MANAGER, 400),
    "omar.learner@example.com": ("Omar", "Learner", "Warehouse", "Forklift Driver", MANAGER, 700),
    "sara.learner@example.com": ("Sara", "Learner", "Office", "Analyst", None, 1300),
    "tom.learner@example.com": ("Tom", "Learner", "Warehouse", "Forklift Driver", MANAGER, -7),
    "nina.learner@example.com": ("Nina", "Learner", "Warehouse", "Forklift Driver", MANAGER, 250),
}
DOCUMENT_TYPES: list[dict[str, Any]] = [
    {"document_type": "Training Record", "allowed_file_types": "pdf"},
    {"document_type": "Policy Acknowledgment", "allowed_file_types": "pdf"},
    {"document_type": "ID Document", "default_validity_months": 60, "allowed_file_types": "pdf, png, jpg, jpeg"},
]
FORKLIFT = "Forklift Safety Certification"
COMPLIANCE = [  # (user, compliance type, days since completion or None for Pending)
    ("lena.learner@example.com", FORKLIFT, 100),
    ("omar.learner@example.com", FORKLIFT, 300),  # renewal within 90 days: Expiring
    ("sara.learner@example.com", "Background Check", 3 * 365 + 10),  # past its 36 months: Expired
    ("tom.learner@example.com", "I-9 Employment Eligibility", None),
    (MANAGER, "Background Check", 200),
]
POLICY = ("Forklifts are driven only by trained, certified staff. Wear your high-visibility vest on the "
          "warehouse floor, keep to the marked lanes, and report any damage to your shift lead at once.")


def make_demo_data() -> dict[str, Any]:
    created: dict[str, int] = {}
    for email, first, last, roles in ((HR_MANAGER, "Hana", "Hr", ["HR Manager"]),
                                      (MANAGER, "Maya", "Manager", ["LMS Student"])):
        if not smooth.db.exists("User", email):
            smooth.get_doc({"doctype": "User", "email": email, "first_name": first, "last_name": last,
                            "new_password": PASSWORD,
                            "roles": [{"role": r} for r in roles]}).insert(ignore_permissions=True)
            _count(created, "User")
    for doctype, field, name in [("Department", "department_name", d) for d in ("Warehouse", "Office")] + \
            [("Designation", "designation_name", d) for d in ("Shift Lead", "Forklift Driver", "Analyst")]:
        _ensure(doctype, name, {field: name}, created)
    for values in DOCUMENT_TYPES:
        _ensure("Employee Document Type", values["document_type"], values, created)
    forklift = smooth.db.get_value("LMS Course", {"title": "Forklift Operation"})
    _ensure("Compliance Type", FORKLIFT, {
        "compliance_type": FORKLIFT, "renewal_period_months": 12, "reminder_days": "90, 60, 30, 7",
        "course": forklift, "document_type": "Training Record", "applies_to": [{"department": "Warehouse"}]},
        created)
    _ensure("Compliance Type", "Background Check", {"compliance_type": "Background Check",
                                                    "renewal_period_months": 36, "reminder_days": "60, 30"}, created)
    _ensure("Compliance Type", "I-9 Employment Eligibility", {"compliance_type": "I-9 Employment Eligibility",
                                                              "renewal_period_months": 0}, created)
    employees = {user: _employee(user, values, created) for user, values in EMPLOYEES.items()
                 if smooth.db.exists("User", user)}
    for user, kind, days in COMPLIANCE:
        if user in employees and not smooth.db.exists("Employee Compliance", {"employee": employees[user],
                                                                               "compliance_type": kind}):
            done = smooth.today() - dt.timedelta(days=days) if days is not None else None
            smooth.get_doc({"doctype": "Employee Compliance", "employee": employees[user], "compliance_type": kind,
                            "status": "Complete" if done else "Pending", "completion_date": done}).insert(
                ignore_permissions=True)
            _count(created, "Employee Compliance")
    omar = employees.get("omar.learner@example.com")
    if omar:
        _expiring_document(omar, created)
    newcomer = employees.get("tom.learner@example.com")
    if newcomer and not smooth.db.exists("Employee Onboarding", {"employee": newcomer}):
        smooth.get_doc({"doctype": "Employee Onboarding", "employee": newcomer, "activities": [
            {"activity_name": "Upload a photo ID", "kind": "Upload Document", "document_type": "ID Document"},
            {"activity_name": "Forklift safety policy", "kind": "Policy Acknowledgment", "policy_text": POLICY},
            {"activity_name": "Collect your high-visibility vest", "kind": "Task"},
        ]}).insert(ignore_permissions=True).submit()
        _count(created, "Employee Onboarding")
    return created


def _expiring_document(employee: str, created: dict[str, int]) -> None:
    """Omar's forklift training record: it expires with his Expiring certification, inside its reminder window."""
    if smooth.db.exists("Employee Document", {"employee": employee, "document_type": "Training Record"}):
        return
    done = smooth.today() - dt.timedelta(days=300)
    stored = smooth.new_doc("File", file_name="forklift-training-omar.pdf", is_private=1)
    stored.content = b"%PDF-1.4\n% Forklift safety training record: Omar Learner\n%%EOF\n"
    stored.insert(ignore_permissions=True)
    smooth.get_doc({"doctype": "Employee Document", "employee": employee, "document_type": "Training Record",
                    "title": "Forklift safety training", "file": stored.file_url, "issue_date": done,
                    "expiry_date": smooth.add_months(done, 12)}).insert(ignore_permissions=True)
    _count(created, "Employee Document")


def _count(created: dict[str, int], doctype: str) -> None:
    created[doctype] = created.get(doctype, 0) + 1


def _ensure(doctype: str, name: str, values: dict[str, Any], created: dict[str, int]) -> None:
    if not smooth.db.exists(doctype, name):
        smooth.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True)
        _count(created, doctype)


def _employee(user: str, values: tuple[Any, ...], created: dict[str, int]) -> str:
    found = smooth.db.get_value("Employee", {"user_id": user})
    if found:
        return str(found)
    first, last, department, designation, manager, days = values
    doc = smooth.get_doc({
        "doctype": "Employee", "first_name": first, "last_name": last, "user_id": user, "company_email": user,
        "department": department, "designation": designation,
        "reports_to": smooth.db.get_value("Employee", {"user_id": manager}) if manager else None,
        "date_of_joining": smooth.today() - dt.timedelta(days=days)}).insert(ignore_permissions=True)
    _count(created, "Employee")
    return str(doc.name)
