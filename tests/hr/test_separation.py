"""Onboarding and separation templates, Employee Separation (offboarding) and re-hire.

Model tests (templates and offboarding on both databases), and the Employee form's Re-hire button through the
served site.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import smooth
from smooth_hr import boarding_templates
from tests.api.helpers import Api
from tests.hr.conftest import make_compliance_type, make_department
from tests.hr.test_onboarding import assignments, make_designation, make_onboarding, new_hire
from tests.lms.conftest import make_course
from tests.pages.served import served, served_site  # noqa: F401


def make_template(doctype: str, name: str, activities: list[dict[str, Any]], **match: Any) -> str:
    smooth.get_doc({"doctype": doctype, "template_name": name, "activities": activities, **match}).insert()
    return name


def _activity(name: str, begin_on: int = 0, duration: int = 0, **values: Any) -> dict[str, Any]:
    return {"activity_name": name, "kind": "Task", "begin_on": begin_on, "duration": duration, **values}


@pytest.mark.both_backends  # the template's rows copied into the new document's table on both databases
def test_the_best_matching_template_fills_the_onboarding_with_due_dates(lms) -> None:
    make_department("Warehouse")
    make_department("Office")
    make_designation("Forklift Driver")
    onboarding = "Employee Onboarding Template"
    make_template(onboarding, "Everyone", [_activity("Sign the handbook")])
    make_template(onboarding, "Warehouse", [_activity("Safety walk", 1, 2, role="HR User"),
                                            _activity("Locker key", 0, 0)], department="Warehouse")
    make_template(onboarding, "Warehouse drivers", [_activity("Forklift check ride", 3, 4)],
                  department="Warehouse", designation="Forklift Driver")
    make_template(onboarding, "Office", [_activity("Desk setup")], department="Office")
    make_template(onboarding, "Contractors in the warehouse", [_activity("Contract check")],
                  department="Warehouse", employment_type="Contract")

    driver = new_hire(department="Warehouse", designation="Forklift Driver", employment_type="Full-time")
    doc = make_onboarding(driver, submit=False)
    assert doc.employee_onboarding_template == "Warehouse drivers"  # most specific wins
    assert [(a.activity_name, str(a.due_date)) for a in doc.activities] == [("Forklift check ride", "2030-03-09")]

    other = new_hire("Ola", "ola@example.com", department="Warehouse", employment_type="Full-time")
    doc = make_onboarding(other, submit=False)
    assert doc.employee_onboarding_template == "Warehouse"  # the contract template asks for Contract
    assert [(a.activity_name, a.role, str(a.due_date)) for a in doc.activities] == [
        ("Safety walk", "HR User", "2030-03-05"), ("Locker key", None, "2030-03-02")]

    nobody = new_hire("Ned", "ned@example.com", department=make_department("Sales"))
    assert make_onboarding(nobody, submit=False).employee_onboarding_template == "Everyone"

    chosen = new_hire("Cat", "cat@example.com", department="Warehouse")
    doc = smooth.get_doc({"doctype": "Employee Onboarding", "employee": chosen,
                          "employee_onboarding_template": "Office"}).insert()
    assert [a.activity_name for a in doc.activities] == ["Desk setup"]  # HR's choice is kept

    own = smooth.get_doc({"doctype": "Employee Onboarding", "employee": new_hire("Di", "di@example.com"),
                          "activities": [_activity("Only this")]}).insert()
    assert [a.activity_name for a in own.activities] == ["Only this"] and not own.employee_onboarding_template
    assert boarding_templates.overdue(own.activities, dt.date(2030, 3, 3)) == []


@pytest.fixture
def leaver(lms) -> dict[str, Any]:
    course = make_course("Forklift Basics", mandatory=1)
    employee = new_hire(department=make_department("Warehouse"), date_of_joining=smooth.today())
    make_onboarding(employee)
    make_compliance_type("Forklift Safety", renewal_period_months=12)
    make_compliance_type("Fire Drill", renewal_period_months=12)
    done = smooth.get_doc({"doctype": "Employee Compliance", "employee": employee, "compliance_type": "Forklift Safety",
                           "status": "Complete", "completion_date": smooth.today() - dt.timedelta(days=30)}).insert()
    smooth.get_doc({"doctype": "Employee Compliance", "employee": employee, "compliance_type": "Fire Drill"}).insert()
    make_template("Employee Separation Template", "Leavers", [
        _activity("Return equipment", -2, 0), _activity("Revoke access", 0, 1), _activity("Exit interview", -1, 0)])
    return {"employee": employee, "course": course, "done": done.name}


def _complete_all(doc: Any) -> None:
    for row in doc.activities:
        row.completed = 1
    doc.save()


@pytest.mark.both_backends  # bulk status changes through set_value on both databases
def test_a_separation_offboards_keeping_every_record(leaver: dict[str, Any]) -> None:
    employee = leaver["employee"]
    last_day = smooth.today() + dt.timedelta(days=14)
    doc = smooth.get_doc({"doctype": "Employee Separation", "employee": employee, "relieving_date": last_day}).insert()
    assert doc.employee_separation_template == "Leavers"
    assert [(a.activity_name, a.due_date) for a in doc.activities] == [
        ("Return equipment", last_day - dt.timedelta(days=2)), ("Revoke access", last_day + dt.timedelta(days=1)),
        ("Exit interview", last_day - dt.timedelta(days=1))]
    with pytest.raises(smooth.ValidationError, match="Complete every activity before submitting: Return equipment, "
                                                     "Revoke access, Exit interview are still open"):
        doc.submit()
    doc.reload()
    _complete_all(doc)
    assert doc.boarding_status == "Completed"
    doc.submit()
    assert doc.offboarding_summary == ("Employee marked Left; login nina@example.com disabled; 1 open training "
                                       "assignment closed as Not Required; 2 compliance records marked Not Applicable.")
    assert smooth.db.get_value("Employee", employee, ["status", "relieving_date"], as_dict=True) == {
        "status": "Left", "relieving_date": last_day}
    assert not int(smooth.db.get_value("User", "nina@example.com", "enabled"))
    assert assignments()[leaver["course"]]["status"] == "Not Required"
    rows = smooth.get_all("Employee Compliance", filters={"employee": employee},
                          fields=["status", "next_action_date"], order_by="compliance_type asc")
    assert rows == [{"status": "Not Applicable", "next_action_date": None}] * 2  # kept, never moved again
    again = smooth.get_doc({"doctype": "Employee Separation", "employee": employee, "relieving_date": last_day,
                            "activities": [_activity("x", completed=1)]}).insert()
    with pytest.raises(smooth.ValidationError, match="has already left"):
        again.submit()


def test_a_rehire_reactivates_without_losing_history(served: Api) -> None:  # noqa: F811
    with served.handle.context():
        smooth.set_user("Administrator")
        course = make_course("Forklift Basics", mandatory=1)
        employee = new_hire(department=make_department("Warehouse"), date_of_joining=smooth.today())
        make_onboarding(employee)
        make_compliance_type("Forklift Safety", renewal_period_months=12)
        smooth.get_doc({"doctype": "Employee Compliance", "employee": employee, "compliance_type": "Forklift Safety",
                        "status": "Complete", "completion_date": smooth.today() - dt.timedelta(days=30)}).insert()
        separation = smooth.get_doc({"doctype": "Employee Separation", "employee": employee,
                                     "relieving_date": smooth.today(), "activities": [_activity("Badge", completed=1)]})
        separation.insert().submit()
        smooth.db.commit()
    form = served.get(f"/app/employee/{employee}", user="Administrator").text
    assert "Re-hire" in form
    refused = served.call("smooth_hr.separation.rehire", "POST", user="nina@example.com", name=employee)
    assert refused.status_code == 403
    response = served.call("smooth_hr.separation.rehire", "POST", name=employee, date_of_joining="2031-02-30")
    assert response.status_code == 417 and "Date of Joining '2031-02-30'" in response.text
    response = served.call("smooth_hr.separation.rehire", "POST", name=employee)
    assert response.status_code == 200, response.text
    assert "is Active again from" in response.text
    with served.handle.context():
        assert smooth.db.get_value("Employee", employee, "status") == "Active"
        assert int(smooth.db.get_value("User", "nina@example.com", "enabled"))
        assert smooth.get_all("Employee Compliance", filters={"employee": employee}, pluck="status") == ["Complete"]
        assert smooth.db.exists("Employee Separation", separation.name)  # history kept
        assert assignments()[course]["status"] == "Not Required"
        make_onboarding(employee)  # a new onboarding assigns the course again
        statuses = sorted(smooth.get_all("LMS Training Assignment", filters={"member": "nina@example.com"},
                                         pluck="status"))
        assert statuses == ["Not Required", "Open"]
    again = served.call("smooth_hr.separation.rehire", "POST", name=employee)
    assert again.status_code == 417 and "is Active, not Left" in again.text
