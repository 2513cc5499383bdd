"""The daily overdue-training digest: one mail per manager about their team, one per HR Manager about everyone.

It first flips Open assignments past due to Overdue itself (`mark_overdue` is idempotent), so the
digest is right whichever daily job a worker picks first. Overdue assignments are read in pages;
a digest lists at most ITEMS_LISTED of them and counts the rest, with a link to the full list.
Each recipient's digest is claimed by an HR Notification Log row keyed by address and day:
two workers, or a second run the same day, send it once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import smooth
from smooth_hr.compliance_reminders import claim, people
from smooth_lms.training_assignments import OVERDUE, mark_overdue

ASSIGNMENT = "LMS Training Assignment"
TEMPLATE = "Overdue Training Digest"
HR_ROLE = "HR Manager"
ITEMS_LISTED = 100
PAGE = 500


@dataclass
class Digest:
    address: str
    name: str
    for_hr: bool
    reference: tuple[str, str]
    items: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0

    def add(self, item: dict[str, Any]) -> None:
        """Count every item, keep the ITEMS_LISTED most overdue (bounded memory whatever the total)."""
        self.total += 1
        self.items.append(item)
        if len(self.items) >= 2 * ITEMS_LISTED:
            self.listed()

    def listed(self) -> list[dict[str, Any]]:
        self.items = sorted(self.items, key=lambda item: (item["due"], item["member_name"]))[:ITEMS_LISTED]
        return self.items


def overdue_pages() -> Any:
    """Pages of the Overdue assignments (keyset by name)."""
    last = ""
    while True:
        page = smooth.get_all(ASSIGNMENT, filters=[["status", "=", OVERDUE], ["name", ">", last]],
                              fields=["name", "member", "member_name", "course", "course_title", "due_date"],
                              order_by="name asc", limit=PAGE)
        if page:
            yield page
        if len(page) < PAGE:
            return
        last = page[-1]["name"]


def hr_managers() -> list[dict[str, Any]]:
    """Enabled users with the HR Manager role (not Administrator): they get the organisation's digest."""
    users = smooth.get_all("Has Role", filters={"role": HR_ROLE, "parenttype": "User"}, pluck="parent")
    return smooth.get_all("User", filters=[["name", "in", users or [""]], ["enabled", "=", 1],
                                           ["name", "!=", "Administrator"]],
                          fields=["name", "full_name"], order_by="name asc")


def collect(day: dt.date) -> list[Digest]:
    """The digests to send: each manager's (their direct reports' overdue items) and each HR Manager's (all)."""
    hr = [Digest(user["name"], user["full_name"] or user["name"], True, ("User", user["name"]))
          for user in hr_managers()]
    managers: dict[str, Digest] = {}
    for page in overdue_pages():
        members = {row["member"] for row in page}
        employees = smooth.get_all("Employee", filters={"user_id": ["in", list(members)]},
                                   fields=["name", "user_id"])
        staff = people({row["name"] for row in employees})
        by_user = {row["user_id"]: staff[row["name"]] for row in employees}
        for row in page:
            due = smooth.getdate(row["due_date"])
            item = {"due": due, "member_name": row["member_name"] or row["member"],
                    "course_title": row["course_title"] or row["course"],
                    "course_url": smooth.get_url(f"/lms/courses/{row['course']}"), "days_late": (day - due).days}
            for digest in hr:
                digest.add(item)
            employee = by_user.get(row["member"])
            manager = staff.get(employee["reports_to"] or "") if employee else None
            if manager and manager["address"]:
                digest = managers.setdefault(manager["address"], Digest(
                    manager["address"], manager["employee_name"] or manager["address"], False,
                    ("Employee", manager["name"])))
                digest.add(item)
    return [*managers.values(), *(digest for digest in hr if digest.total)]


BOARDING = {"Employee Onboarding": "Onboarding", "Employee Separation": "Separation"}


def overdue_activities(day: dt.date) -> tuple[list[dict[str, Any]], int]:
    """Onboarding and separation activities past their due date and not done, in open (not cancelled,
    not completed) onboardings and separations: (the ITEMS_LISTED most overdue, how many in all)."""
    rows = smooth.get_all("Employee Boarding Activity", fields=["parent", "parenttype", "activity_name", "due_date"],
                          filters=[["parenttype", "in", list(BOARDING)], ["completed", "=", 0],
                                   ["due_date", "between", [dt.date(1900, 1, 1), day - dt.timedelta(days=1)]]],
                          order_by="due_date asc, parent asc, idx asc")
    parents: dict[str, dict[str, Any]] = {}
    for doctype in BOARDING:
        names = sorted({row["parent"] for row in rows if row["parenttype"] == doctype})
        if names:
            for parent in smooth.get_all(doctype, filters={"name": ["in", names], "docstatus": ["!=", 2],
                                                           "boarding_status": ["!=", "Completed"]},
                                         fields=["name", "employee_name"]):
                parents[f"{doctype}|{parent['name']}"] = parent
    items = []
    for row in rows:
        parent = parents.get(f"{row['parenttype']}|{row['parent']}")
        if parent is None:
            continue
        due = smooth.getdate(row["due_date"])
        items.append({"kind": BOARDING[row["parenttype"]], "employee_name": parent["employee_name"],
                      "activity_name": row["activity_name"], "due": due, "days_late": (day - due).days,
                      "url": smooth.get_url(f"/app/{row['parenttype'].lower().replace(' ', '-')}/{row['parent']}")})
    return items[:ITEMS_LISTED], len(items)


def send_overdue_digests(today: dt.date | None = None) -> dict[str, int]:
    """The scheduled job (daily): mark overdue, then send each manager's and each HR Manager's digest once."""
    day = today or smooth.today()
    marked = mark_overdue()
    sent = {"marked_overdue": marked, "managers": 0, "hr": 0}
    list_url = smooth.get_url("/app/lms-training-assignment?status=Overdue")
    activities, activities_total = overdue_activities(day)
    digests = collect(day)
    if activities_total:  # HR hears of late onboarding and separation steps even on a day without late training
        listed = {digest.address for digest in digests}
        digests += [Digest(user["name"], user["full_name"] or user["name"], True, ("User", user["name"]))
                    for user in hr_managers() if user["name"] not in listed]
    for digest in digests:
        kind = "hr" if digest.for_hr else "managers"
        note = f"{digest.total} overdue" + (f", {activities_total} activities" if digest.for_hr else "")
        if not claim(f"overdue-digest|{kind}|{digest.address}|{day}", "Digest", recipients=[digest.address],
                     note=note):
            continue
        smooth.sendmail(digest.address, template=TEMPLATE, args={
            "recipient_name": digest.name, "for_hr": digest.for_hr, "day": day,
            "items": digest.listed(), "total": digest.total, "more": digest.total - len(digest.items),
            "list_url": list_url, "activities": activities if digest.for_hr else [],
            "activities_total": activities_total if digest.for_hr else 0},
            reference_doctype=digest.reference[0], reference_name=digest.reference[1])
        sent[kind] += 1
    return sent
