"""Load bench_booking_throughput.py's data into a real Frappe LMS, through its REST API, to compare against.

    python benchmarks/frappe_booking_data.py --frappe-url http://127.0.0.1:8500 --frappe-auth KEY:SECRET
                                             [--evaluators 20] [--requests 2000] [--learners 60]

The same shape as the Smooth side builds (the shape functions below are shared by both): `evaluators`
evaluators working Monday to Friday 08:00-18:00, one course, `requests` earlier requests (by twenty
history members: one coming each, the rest in the past), spread over the evaluators, and `learners` students who
completed the course, each with the password LEARNER_PASSWORD. Frappe LMS v2.9.0 has no evaluator
pool: a request's evaluator comes from its batch's course row, so the course runs in one batch per
evaluator and learner i is a student of batch i % evaluators. Safe to re-run: what exists is kept.
Needs only httpx (run it with Smooth's .venv or any Python); the API key is an Administrator's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

COURSE_TITLE = "Bench Booking Course"
BATCH_TITLE = "Bench Booking Batch {:02d}"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
DAY_START, DAY_END = dt.time(8, 0), dt.time(18, 0)
SLOT = dt.timedelta(minutes=30)
LEARNER_PASSWORD = "Bench-learner-pw-1"
HISTORY_MEMBERS = 20  # few: a Frappe User takes seconds to insert on a loaded machine
FIRST_BOOKABLE_DAY = 2  # days from today: today and tomorrow differ by zone between the two servers


def evaluator_email(i: int) -> str:
    return f"eva{i:02d}@bench.example"


def learner_email(i: int) -> str:
    return f"learner{i:05d}@bench.example"


def history_email(i: int) -> str:
    return f"history{i:04d}@bench.example"


@dataclass(frozen=True)
class Past:
    """One earlier request: `coming` ones are pending bookings the measured bookings must avoid."""

    member: str
    evaluator: int
    date: dt.date
    start: dt.time
    coming: bool

    @property
    def end(self) -> dt.time:
        return (dt.datetime.combine(self.date, self.start) + SLOT).time()


def history(requests: int, evaluators: int, today: dt.date) -> list[Past]:
    """`requests` requests by HISTORY_MEMBERS members: one coming each, the rest in the past on distinct dates.

    No two share an evaluator, date and start (Frappe LMS refuses that); the coming ones sit at 08:00 on
    the first weekday from FIRST_BOOKABLE_DAY on, one per evaluator. The past ones come first, as Frappe
    LMS refuses any request of a member who already has a coming one.
    """
    members = max(1, min(HISTORY_MEMBERS, requests))
    per_member = requests // members

    def start(h: int) -> dt.time:
        return (dt.datetime.combine(today, DAY_START) + SLOT * (h // evaluators % 20)).time()

    past = [Past(history_email(h), (h + k) % evaluators, today - dt.timedelta(days=1 + k), start(h), False)
            for k in range(per_member - 1) for h in range(members)]
    days = list(weekdays(today + dt.timedelta(days=FIRST_BOOKABLE_DAY)))
    coming = [Past(history_email(h), h % evaluators, days[h // evaluators], DAY_START, True) for h in range(members)]
    return past + coming


def weekdays(first: dt.date) -> Iterator[dt.date]:
    """The working days from `first` on, for a year (the bookable window of both servers)."""
    for offset in range(366):
        day = first + dt.timedelta(days=offset)
        if day.weekday() < 5:
            yield day


def free_slots(booked: set[tuple[dt.date, dt.time]], today: dt.date) -> Iterator[tuple[dt.date, dt.time]]:
    """An evaluator's schedule slots from FIRST_BOOKABLE_DAY on, minus `booked` (date, start)."""
    for day in weekdays(today + dt.timedelta(days=FIRST_BOOKABLE_DAY)):
        start = dt.datetime.combine(day, DAY_START)
        while start + SLOT <= dt.datetime.combine(day, DAY_END):
            if (day, start.time()) not in booked:
                yield day, start.time()
            start += SLOT


# -- Frappe's REST API ---------------------------------------------------------------------------------------------

class Frappe:
    """An Administrator's API client for one Frappe site."""

    def __init__(self, url: str, auth: str) -> None:
        self.http = httpx.Client(base_url=url.rstrip("/"), timeout=1800,
                                 headers={"Authorization": f"token {auth}", "Accept": "application/json"})

    def call(self, method: str, **data: Any) -> Any:
        response = self.http.post(f"/api/method/{method}", json=data)
        if response.status_code != 200:
            raise RuntimeError(f"{method}: {response.status_code} {response.text[:2000]}")
        return response.json().get("message")

    def names(self, doctype: str, filters: list[list[Any]] | None = None,
              fields: tuple[str, ...] = ("name",)) -> list[dict[str, Any]]:
        response = self.http.get(f"/api/resource/{doctype}", params={
            "filters": json.dumps(filters or []), "fields": json.dumps(list(fields)), "limit_page_length": 0})
        response.raise_for_status()
        return list(response.json()["data"])

    def insert_many(self, docs: list[dict[str, Any]], what: str, chunk: int = 100) -> None:
        for i in range(0, len(docs), chunk):
            self.call("frappe.client.insert_many", docs=docs[i:i + chunk])
            print(f"  {what}: {min(i + chunk, len(docs))}/{len(docs)}", file=sys.stderr)


def load(frappe: Frappe, evaluators: int, requests: int, learners: int) -> None:
    today = dt.date.today()
    events = history(requests, evaluators, today)
    existing = {u["name"] for u in frappe.names("User", [["name", "like", "%@bench.example"]])}
    users = [{"doctype": "User", "email": evaluator_email(i), "first_name": f"Eva {i:02d}", "send_welcome_email": 0,
              "roles": [{"role": "Batch Evaluator"}]} for i in range(evaluators)]
    users += [{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0,
               "new_password": LEARNER_PASSWORD, "roles": [{"role": "LMS Student"}]}
              for email in sorted({e.member for e in events}) + [learner_email(i) for i in range(learners)]]
    missing = [u for u in users if u["email"] not in existing]
    frappe.insert_many(missing, "users", chunk=5)  # one at a time: concurrent User inserts wait on each other's locks
    for n, user in enumerate(u for u in missing if "new_password" in u):
        # Frappe LMS's User.after_insert saves the user again, which drops the password given to insert
        frappe.call("frappe.client.set_value", doctype="User", name=user["email"], fieldname="new_password",
                    value=LEARNER_PASSWORD)
        print(f"  passwords: {n + 1}", file=sys.stderr)

    found = frappe.names("LMS Course", [["title", "=", COURSE_TITLE]])
    course = found[0]["name"] if found else frappe.call("frappe.client.insert", doc={
        "doctype": "LMS Course", "title": COURSE_TITLE, "published": 1, "enable_certification": 1,
        "description": "A course whose learners book evaluations.", "short_introduction": "Benchmark course",
        "image": "/files/bench-course.png", "instructors": [{"instructor": "Administrator"}]})["name"]

    have = {e["name"] for e in frappe.names("Course Evaluator")}
    frappe.insert_many([{"doctype": "Course Evaluator", "evaluator": evaluator_email(i), "schedule": [
        {"day": day, "start_time": DAY_START.isoformat(), "end_time": DAY_END.isoformat()} for day in WEEKDAYS]}
        for i in range(evaluators) if evaluator_email(i) not in have], "evaluators")

    enrolled = {e["member"] for e in frappe.names("LMS Enrollment", [["course", "=", course]], ("member",))}
    frappe.insert_many([{"doctype": "LMS Enrollment", "member": learner_email(i), "course": course, "progress": 100}
                        for i in range(learners) if learner_email(i) not in enrolled], "enrollments")

    batches = {b["title"]: b["name"] for b in frappe.names("LMS Batch", [["title", "like", "Bench Booking Batch %"]],
                                                         ("name", "title"))}
    for b in range(evaluators):
        title = BATCH_TITLE.format(b)
        if title in batches:
            continue
        batches[title] = frappe.call("frappe.client.insert", doc={
            "doctype": "LMS Batch", "title": title, "start_date": (today - dt.timedelta(days=30)).isoformat(),
            "end_date": (today + dt.timedelta(days=400)).isoformat(), "start_time": "09:00:00",
            "end_time": "17:00:00", "timezone": "Asia/Kolkata", "description": "Benchmark batch",
            "batch_details": "<p>Benchmark batch</p>", "instructors": [{"instructor": "Administrator"}],
            "courses": [{"course": course, "evaluator": evaluator_email(b)}],
            "students": [{"student": learner_email(i)} for i in range(b, learners, evaluators)]})["name"]
        print(f"  batches: {b + 1}/{evaluators}", file=sys.stderr)

    if not frappe.names("LMS Certificate Request", [["member", "like", "history%@bench.example"]]):
        frappe.insert_many([{"doctype": "LMS Certificate Request", "course": course, "member": e.member,
                             "evaluator": evaluator_email(e.evaluator), "batch_name": batches[BATCH_TITLE.format(
                                 e.evaluator)], "date": e.date.isoformat(), "day": e.date.strftime("%A"),
                             "start_time": e.start.isoformat(), "end_time": e.end.isoformat()} for e in events],
                           "requests")
    print(f"course {course!r}, {evaluators} evaluators and batches, {learners} learners, "
          f"{len(frappe.names('LMS Certificate Request'))} certificate requests", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frappe-url", required=True, help="e.g. http://127.0.0.1:8500")
    parser.add_argument("--frappe-auth", required=True, help="an Administrator's api_key:api_secret")
    parser.add_argument("--evaluators", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--learners", type=int, default=60, help="students who may book (each round's bookers "
                                                                   "are deleted again, so they can book again)")
    args = parser.parse_args()
    load(Frappe(args.frappe_url, args.frappe_auth), args.evaluators, args.requests, args.learners)
    return 0


if __name__ == "__main__":
    sys.exit(main())
