"""Employee Onboarding: enrolment in mandatory and audience courses with due dates, the learner check,
idempotence on re-runs, the HR re-run button's method and the boarding status."""

from __future__ import annotations

from typing import Any

import pytest

import smooth
from smooth_hr import onboarding, onboarding_portal
from tests.conftest import make_user
from tests.hr.conftest import make_department, make_employee
from tests.lms.conftest import make_course
from tests.lms.test_booking_concurrency import race


def make_designation(name: str) -> str:
    if not smooth.db.exists("Designation", name):
        smooth.get_doc({"doctype": "Designation", "designation_name": name}).insert()
    return name


def new_hire(first_name: str = "Nina", email: str = "nina@example.com", roles: tuple[str, ...] = ("LMS Student",),
             **values: Any) -> str:
    make_user(email, *roles)
    values.setdefault("date_of_joining", "2030-03-02")
    return make_employee(first_name, user_id=email, last_name="Newhire", **values)


def make_onboarding(employee: str, activities: list[dict[str, Any]] | None = None, submit: bool = True) -> Any:
    doc = smooth.get_doc({"doctype": "Employee Onboarding", "employee": employee,
                          "activities": activities or []}).insert()
    return doc.submit() if submit else doc


def assignments(member: str = "nina@example.com") -> dict[str, Any]:
    rows = smooth.get_all("LMS Training Assignment", filters={"member": member},
                          fields=["course", "due_date", "status", "reference_doctype", "reference_name"])
    return {r["course"]: r for r in rows}


def enrolled(member: str = "nina@example.com") -> list[str]:
    return sorted(smooth.get_all("LMS Enrollment", filters={"member": member}, pluck="course"))


def test_mandatory_and_department_courses_enrolled_with_due_dates(lms) -> None:
    make_department("Warehouse")
    make_department("Office")
    make_designation("Forklift Driver")
    safety = make_course("Safety Basics", mandatory=1, default_due_days=14, evaluation_required=0)
    ethics = make_course("Code of Conduct", mandatory=1, default_due_days=0, evaluation_required=0)
    forklift = make_course("Forklift Handling", default_due_days=30, evaluation_required=0,
                           audiences=[{"department": "Warehouse"}])
    driver = make_course("Driver Refresher", default_due_days=7, evaluation_required=0,
                         audiences=[{"department": "Warehouse", "designation": "Forklift Driver"}])
    make_course("Office Ergonomics", default_due_days=5, evaluation_required=0, audiences=[{"department": "Office"}])
    make_course("Draft Mandatory", mandatory=1, published=0, evaluation_required=0)
    make_course("Upcoming Mandatory", mandatory=1, upcoming=1, evaluation_required=0)
    make_course("Unpublished Warehouse", published=0, evaluation_required=0, audiences=[{"department": "Warehouse"}])
    make_course("Optional Extra", evaluation_required=0)
    make_course("Driver Only Elsewhere", evaluation_required=0,
                audiences=[{"department": "Office", "designation": "Forklift Driver"}])
    employee = new_hire(department="Warehouse", designation="Forklift Driver")

    doc = make_onboarding(employee)

    got = assignments()
    assert sorted(got) == sorted([safety, ethics, forklift, driver])
    assert enrolled() == sorted([safety, ethics, forklift, driver])
    assert str(got[safety]["due_date"]) == "2030-03-16"
    assert str(got[ethics]["due_date"]) == "2030-03-02"
    assert str(got[forklift]["due_date"]) == "2030-04-01"
    assert str(got[driver]["due_date"]) == "2030-03-09"
    assert {(r["reference_doctype"], r["reference_name"], r["status"]) for r in got.values()} == \
        {("Employee Onboarding", doc.name, "Open")}
    assert doc.department == "Warehouse" and doc.designation == "Forklift Driver"
    assert str(doc.date_of_joining) == "2030-03-02"


def test_due_date_never_before_today(lms) -> None:
    course = make_course("Safety Basics", mandatory=1, default_due_days=3, evaluation_required=0)
    employee = new_hire(date_of_joining="2020-01-01")
    make_onboarding(employee)
    assert smooth.getdate(assignments()[course]["due_date"]) == smooth.today()


def test_employee_without_user_is_refused_naming_the_fix(lms) -> None:
    make_course("Safety Basics", mandatory=1, evaluation_required=0)
    employee = make_employee("Otto", last_name="Nouser")
    doc = make_onboarding(employee, submit=False)
    with pytest.raises(smooth.ValidationError) as refused:
        doc.submit()
    message = refused.value.message
    assert f"Employee {employee} (Otto Nouser) has no User" in message
    assert "link their login in the Employee's User field" in message
    assert smooth.db.get_value("Employee Onboarding", doc.name, "docstatus") == 0
    assert not smooth.get_all("LMS Training Assignment")


def test_user_without_lms_student_role_is_refused_naming_the_fix(lms) -> None:
    make_course("Safety Basics", mandatory=1, evaluation_required=0)
    employee = new_hire(roles=())
    doc = make_onboarding(employee, submit=False)
    with pytest.raises(smooth.ValidationError) as refused:
        doc.submit()
    message = refused.value.message
    assert f"User nina@example.com of Employee {employee} (Nina Newhire) does not have the LMS Student role" in message
    assert "add it in the User's Roles" in message
    assert not smooth.get_all("LMS Enrollment")


def test_rerun_and_amendment_do_not_duplicate(lms) -> None:
    safety = make_course("Safety Basics", mandatory=1, default_due_days=10, evaluation_required=0)
    employee = new_hire()
    doc = make_onboarding(employee)
    assert onboarding.enrol(doc) == []
    # a course finished since is not handed out again by a re-run
    smooth.db.set_value("LMS Training Assignment", {"member": "nina@example.com"}, {"status": "Completed",
                                                                                 "open_key": None})
    assert onboarding.enrol(doc) == []
    # cancel and amend: the amendment's submit assigns nothing twice
    doc.reload()
    doc.cancel()
    amended = smooth.get_doc({"doctype": "Employee Onboarding", "employee": employee, "amended_from": doc.name})
    amended.insert()
    amended.submit()
    assert smooth.get_all("LMS Training Assignment", filters={"course": safety}, fields=["reference_name"]) == \
        [{"reference_name": doc.name}]
    assert len(smooth.get_all("LMS Enrollment")) == 1


def test_course_published_later_is_assigned_once_by_the_hr_rerun(lms) -> None:
    make_department("Warehouse")
    first = make_course("Safety Basics", mandatory=1, evaluation_required=0)
    later = make_course("Hazmat", mandatory=1, published=0, default_due_days=20, evaluation_required=0)
    mapped = make_course("Loading Dock", evaluation_required=0)
    employee = new_hire(department="Warehouse")
    doc = make_onboarding(employee)
    assert sorted(assignments()) == [first]

    smooth.db.set_value("LMS Course", later, "published", 1)
    course = smooth.get_doc("LMS Course", mapped)
    course.append("audiences", {"department": "Warehouse"})
    course.save()
    make_user("hr@example.com", "HR User")
    smooth.set_user("hr@example.com")
    try:
        result = onboarding.assign_new_courses(doc.name)
        again = onboarding.assign_new_courses(doc.name)
    finally:
        smooth.set_user("Administrator")
    assert len(result["assigned"]) == 2 and again["assigned"] == []
    got = assignments()
    assert sorted(got) == sorted([first, later, mapped])
    assert str(got[later]["due_date"]) == "2030-03-22"
    assert len(smooth.get_all("LMS Enrollment")) == 3


def test_rerun_needs_hr_and_a_submitted_onboarding(lms) -> None:
    make_course("Safety Basics", mandatory=1, evaluation_required=0)
    employee = new_hire()
    draft = make_onboarding(employee, submit=False)
    with pytest.raises(smooth.ValidationError, match="is not submitted"):
        onboarding.assign_new_courses(draft.name)
    smooth.set_user("nina@example.com")
    try:
        with pytest.raises(smooth.PermissionError, match="Only HR Managers and HR Users"):
            onboarding.assign_new_courses(draft.name)
    finally:
        smooth.set_user("Administrator")


def test_boarding_status_follows_activities(lms) -> None:
    make_document_type_name = "ID Proof"
    smooth.get_doc({"doctype": "Employee Document Type", "document_type": make_document_type_name}).insert()
    employee = new_hire()
    doc = make_onboarding(employee, [
        {"activity_name": "Laptop", "kind": "Task", "user": "Administrator"},
        {"activity_name": "ID", "kind": "Upload Document", "document_type": make_document_type_name},
    ])
    assert doc.boarding_status == "Pending"
    doc.activities[0].completed = 1
    doc.save()
    assert doc.boarding_status == "In Process" and doc.activities[0].completed_on
    doc.activities[1].completed = 1
    doc.save()
    assert smooth.db.get_value("Employee Onboarding", doc.name, "boarding_status") == "Completed"


def test_activity_rules_and_one_open_onboarding(lms) -> None:
    employee = new_hire()
    with pytest.raises(smooth.ValidationError, match="choose the Document Type"):
        make_onboarding(employee, [{"activity_name": "ID", "kind": "Upload Document"}], submit=False)
    with pytest.raises(smooth.ValidationError, match="as Policy Text or as a Policy File"):
        make_onboarding(employee, [{"activity_name": "Code", "kind": "Policy Acknowledgment"}], submit=False)
    with pytest.raises(smooth.ValidationError, match="not both"):
        make_onboarding(employee, [{"activity_name": "Code", "kind": "Policy Acknowledgment", "policy_text": "Be kind",
                                    "policy_file": "/private/files/code.pdf"}], submit=False)
    first = make_onboarding(employee, [{"activity_name": "Laptop"}])
    with pytest.raises(smooth.ValidationError, match=f"already has an open onboarding, {first.name}"):
        make_onboarding(employee)


@pytest.mark.both_backends  # a race the database's locks settle
def test_concurrent_reruns_assign_each_course_once(lms) -> None:
    courses = [make_course(f"Course {i}", mandatory=1, evaluation_required=0) for i in range(3)]
    employee = new_hire()
    doc = make_onboarding(employee, submit=False)
    smooth.db.commit()
    smooth.db.set_value("Employee Onboarding", doc.name, "docstatus", 1)  # submitted, nothing assigned yet
    smooth.db.commit()
    make_user("hr@example.com", "HR Manager")

    def rerun() -> Any:
        smooth.set_user("hr@example.com")
        return onboarding.assign_new_courses(doc.name)["assigned"]

    outcomes = race(lms, [rerun for _ in range(4)])
    assert all(isinstance(o, list) for o in outcomes), outcomes
    assert sorted(len(o) for o in outcomes) == [0, 0, 0, 3]
    assert sorted(assignments()) == sorted(courses)
    assert len(smooth.get_all("LMS Enrollment", filters={"member": "nina@example.com"})) == 3


def test_two_tabs_signing_one_policy_file_one_acknowledgment(lms) -> None:
    employee = new_hire()
    doc = make_onboarding(employee, [{"activity_name": "Code of Conduct", "kind": "Policy Acknowledgment",
                                      "policy_text": "<p>Be kind.</p>"}])
    row_name = doc.activities[0].name
    who = smooth.get_all("Employee", filters={"name": employee}, fields=["name", "employee_name"])[0]
    smooth.db.commit()  # nothing held open here while the two tabs race

    def sign() -> Any:
        smooth.set_user("nina@example.com")
        locked = onboarding_portal.my_onboarding("nina@example.com", doc.name, for_update=True)
        return onboarding_portal.sign_policy(locked, onboarding_portal.activity(locked, row_name), who,
                                             "Nina Newhire", True, "10.0.0.7")

    outcomes = race(lms, [sign, sign])
    filed = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, smooth.ValidationError)]
    assert len(filed) == 1 and len(refused) == 1, outcomes
    assert "You already signed Code of Conduct" in refused[0].message
    assert smooth.get_all("Employee Document", pluck="name") == filed
    row = smooth.get_doc("Employee Onboarding", doc.name).activities[0]
    assert row.employee_document == filed[0] and row.signed_ip == "10.0.0.7"
