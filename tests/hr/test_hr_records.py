"""Employee, Employee Document and Employee Compliance rules: controller validation, no dialect in it, SQLite only."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from tests.hr.conftest import make_compliance_type, make_department, make_document_type, make_employee


def test_employee_name_and_reporting_loop_refused(lms) -> None:
    make_department()
    boss = make_employee("Bea", last_name="Boss", department="Operations")
    worker = make_employee("Will", last_name="Worker", reports_to=boss)
    assert smooth.db.get_value("Employee", worker, "employee_name") == "Will Worker"
    top = smooth.get_doc("Employee", boss)
    top.reports_to = worker
    with pytest.raises(smooth.ValidationError, match="loop in the reporting line"):
        top.save()


def test_left_employee_needs_relieving_date(lms) -> None:
    with pytest.raises(smooth.MandatoryError, match="Relieving Date"):
        make_employee("Lee", status="Left")


def test_document_expiry_defaults_from_type_and_file_type_checked(lms) -> None:
    make_document_type("Training Record", default_validity_months=12, allowed_file_types=".PDF, png")
    emp = make_employee("Dana")
    doc = smooth.get_doc({"doctype": "Employee Document", "employee": emp, "document_type": "Training Record",
                          "file": "/private/files/cert.pdf", "issue_date": "2026-01-31"}).insert()
    assert smooth.getdate(doc.expiry_date) == dt.date(2027, 1, 31)
    assert doc.title == "Training Record: Dana"
    with pytest.raises(smooth.ValidationError, match="accepts pdf, png files, not '.exe'"):
        smooth.get_doc({"doctype": "Employee Document", "employee": emp, "document_type": "Training Record",
                        "file": "/private/files/tool.exe"}).insert()


def test_document_history_kept_on_renewal(lms) -> None:
    make_document_type("Policy Acknowledgment")
    emp = make_employee("Ola")
    first = smooth.get_doc({"doctype": "Employee Document", "employee": emp, "document_type": "Policy Acknowledgment",
                            "file": "/private/files/v1.pdf"}).insert()
    first.file = "/private/files/v2.pdf"
    with pytest.raises(smooth.ValidationError, match="File of a filed document cannot change"):
        first.save()
    second = smooth.get_doc({"doctype": "Employee Document", "employee": emp, "document_type": "Policy Acknowledgment",
                             "file": "/private/files/v2.pdf", "supersedes": first.name}).insert()
    assert smooth.db.get_value("Employee Document", first.name, "file") == "/private/files/v1.pdf"
    assert smooth.db.get_value("Employee Document", first.name, "superseded_by") == second.name
    with pytest.raises(smooth.ValidationError, match="already superseded"):
        smooth.get_doc({"doctype": "Employee Document", "employee": emp, "document_type": "Policy Acknowledgment",
                        "file": "/private/files/v3.pdf", "supersedes": first.name}).insert()


def test_compliance_renewal_date_and_status(lms) -> None:
    make_compliance_type("Forklift Safety", renewal_period_months=12, reminder_days="7, 30,90, 60")
    assert smooth.db.get_value("Compliance Type", "Forklift Safety", "reminder_days") == "90, 60, 30, 7"
    emp = make_employee("Kim")
    row = smooth.get_doc({"doctype": "Employee Compliance", "employee": emp,
                          "compliance_type": "Forklift Safety"}).insert()
    assert row.status == "Pending" and not row.renewal_date
    row.status = "Complete"
    with pytest.raises(smooth.ValidationError, match="Completion Date is needed"):
        row.save()
    done = smooth.today() - dt.timedelta(days=300)
    row.completion_date = done
    row.save()
    assert smooth.getdate(row.renewal_date) == smooth.add_months(done, 12)
    assert row.status == "Expiring"  # renewal is ~65 days away, inside the 90-day lead
    row.completion_date = smooth.today() - dt.timedelta(days=400)
    row.save()
    assert row.status == "Expired"
    with pytest.raises(smooth.DuplicateEntryError):
        smooth.get_doc({"doctype": "Employee Compliance", "employee": emp,
                        "compliance_type": "Forklift Safety"}).insert()


def test_bad_reminder_schedule_refused(lms) -> None:
    with pytest.raises(smooth.ValidationError, match="'soon' is not a number of days"):
        make_compliance_type("I-9", reminder_days="30, soon")
