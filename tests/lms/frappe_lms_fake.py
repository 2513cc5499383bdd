"""A loopback stand-in for a running Frappe LMS site's REST API, with a small realistic data set.

It answers as Frappe does: `/api/resource/<DocType>` lists with JSON `fields`, `limit_start`
and `limit_page_length` in a `{"data": [...]}` envelope (a child table only through its
`parent` doctype), `/api/resource/<DocType>/<name>` the whole document with its child tables,
`frappe.client.get_count` in `{"message": n}`, a doctype's fields through
`frappe.desk.form.load.getdoctype`, and 401 for a missing or wrong `token key:secret`.
A field the doctype does not have is refused (Frappe's 417 DataError), so the migration's
field names are checked against Frappe LMS's doctype JSON. `fail_at` makes one list page
answer 500, as a site that goes away mid-run.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

KEY, SECRET = "4f1c2a9e8b7d6c5", "9a8b7c6d5e4f3a2"
STANDARD = ("name", "owner", "creation", "modified", "modified_by", "docstatus", "idx", "parent", "parenttype",
            "parentfield")

# field names as in Frappe LMS's doctype JSON (lms/lms/doctype/*/*.json) and Frappe's User / Has Role
FIELDS = {
    "User": ("email", "first_name", "last_name", "full_name", "enabled", "user_type", "time_zone", "roles"),
    "Has Role": ("role",),
    "Course Evaluator": ("evaluator", "full_name", "schedule", "unavailable_from", "unavailable_to", "username"),
    "Evaluator Schedule": ("day", "start_time", "end_time"),
    "LMS Course": ("title", "short_introduction", "description", "published", "upcoming", "tags", "image",
                   "chapters", "instructors", "evaluator", "enable_certification", "paid_certificate", "status"),
    "Chapter Reference": ("chapter",),
    "Course Instructor": ("instructor",),
    "Course Chapter": ("course", "title", "lessons", "course_title"),
    "Lesson Reference": ("lesson",),
    "Course Lesson": ("chapter", "course", "title", "body", "content", "include_in_preview", "youtube", "quiz_id"),
    "LMS Question": ("question", "type", "multiple", *(f"{k}_{i}" for i in range(1, 11)
                                                       for k in ("option", "is_correct", "explanation",
                                                                 "possibility"))),
    "LMS Quiz": ("title", "questions", "course", "lesson", "max_attempts", "show_answers", "passing_percentage",
                 "total_marks"),
    "LMS Quiz Question": ("question", "marks", "question_detail", "type"),
    "LMS Batch": ("title", "start_date", "end_date", "courses", "timezone", "evaluation_end_date", "evaluation",
                  "published", "description"),
    "Batch Course": ("course", "title", "evaluator"),
    "LMS Batch Enrollment": ("member", "member_name", "batch"),
    "LMS Enrollment": ("member", "member_name", "course", "progress", "enrollment_from_batch", "member_type"),
    "LMS Course Progress": ("course", "chapter", "lesson", "status", "member", "member_name"),
    "LMS Certificate Request": ("course", "member", "evaluator", "date", "day", "start_time", "end_time",
                                "member_name", "google_meet_link", "batch_name", "course_title", "timezone",
                                "status"),
    "LMS Certificate Evaluation": ("course", "member", "rating", "summary", "date", "start_time", "end_time",
                                   "status", "batch_name", "evaluator"),
    "LMS Certificate": ("issue_date", "course", "expiry_date", "member", "member_name", "batch_name", "published",
                        "template", "evaluator"),
}
CHILD_TABLES = {"roles": "Has Role", "schedule": "Evaluator Schedule", "chapters": "Chapter Reference",
                "instructors": "Course Instructor", "lessons": "Lesson Reference", "questions": "LMS Quiz Question",
                "courses": "Batch Course"}


def _user(email: str, first: str, roles: list[str], user_type: str = "Website User") -> dict[str, Any]:
    return {"name": email, "email": email, "first_name": first, "last_name": "Example", "enabled": 1,
            "user_type": user_type, "time_zone": "Europe/London", "roles": [{"role": r} for r in roles]}


def _question(name: str, text: str, kind: str = "Choices", **values: Any) -> dict[str, Any]:
    return {"name": name, "question": text, "type": kind, "multiple": 0, **values}


def dataset(future: str, past: str) -> dict[str, list[dict[str, Any]]]:
    """A Frappe LMS site: 2 courses, an evaluator, a cohort, learners at several stages, and some odd records."""
    return {
        "User": [
            _user("Administrator", "Administrator", ["System Manager"], "System User"),
            _user("Guest", "Guest", ["Guest"]),
            _user("mia@example.com", "Mia", ["Moderator", "System Manager", "Desk User"], "System User"),
            _user("eve@example.com", "Eve", ["Batch Evaluator", "Desk User"], "System User"),
            _user("ana@example.com", "Ana", ["LMS Student"]),
            _user("ben@example.com", "Ben", ["LMS Student"]),
            _user("cai@example.com", "Cai", ["LMS Student", "Course Creator"]),
        ],
        "Course Evaluator": [{
            "name": "eve@example.com", "evaluator": "eve@example.com", "full_name": "Eve Example",
            "schedule": [{"day": "Monday", "start_time": "9:00:00", "end_time": "12:00:00"},
                         {"day": "Wednesday", "start_time": "14:00:00", "end_time": "16:30:00"}],
            "unavailable_from": "2031-08-01", "unavailable_to": "2031-08-15"}],
        "LMS Course": [
            {"name": "forklift-safety", "title": "Forklift Safety", "short_introduction": "Drive safely",
             "description": "<p>Everything about <b>forklifts</b>.</p>", "published": 1, "upcoming": 0,
             "tags": "safety", "image": "/files/forklift.png", "evaluator": "eve@example.com",
             "enable_certification": 1, "status": "Approved",
             "chapters": [{"chapter": "0002 Driving"}, {"chapter": "0001 Basics"}],
             "instructors": [{"instructor": "mia@example.com"}]},
            {"name": "first-aid", "title": "First Aid", "published": 1, "chapters": [{"chapter": "0003 CPR"}],
             "instructors": [], "status": "Approved"},
        ],
        "Course Chapter": [
            {"name": "0001 Basics", "course": "forklift-safety", "title": "Basics",
             "lessons": [{"lesson": "0001 Controls"}, {"lesson": "0002 Load charts"}]},
            {"name": "0002 Driving", "course": "forklift-safety", "title": "Driving",
             "lessons": [{"lesson": "0003 Ramps"}]},
            {"name": "0003 CPR", "course": "first-aid", "title": "CPR", "lessons": [{"lesson": "0004 Compressions"}]},
            {"name": "0004 Orphan", "course": "retired-course", "title": "Orphan", "lessons": []},
        ],
        "Course Lesson": [
            {"name": "0001 Controls", "chapter": "0001 Basics", "course": "forklift-safety", "title": "Controls",
             "body": "The **levers**.", "include_in_preview": 1},
            {"name": "0002 Load charts", "chapter": "0001 Basics", "course": "forklift-safety", "title": "Load charts",
             "content": json.dumps({"blocks": [{"type": "header", "data": {"text": "Reading a chart", "level": 2}},
                                               {"type": "paragraph", "data": {"text": "Rated <i>capacity</i>."}},
                                               {"type": "quiz", "data": {"quiz": "forklift-check"}}]})},
            {"name": "0003 Ramps", "chapter": "0002 Driving", "course": "forklift-safety", "title": "Ramps",
             "body": "Go slow.", "youtube": "dQw4w9WgXcQ"},
            {"name": "0004 Compressions", "chapter": "0003 CPR", "course": "first-aid", "title": "Compressions",
             "body": "Push hard."},
        ],
        "LMS Question": [
            _question("QTS-2025-00001", "<p>Max load?</p>", option_1="1 t", option_2="2 t", is_correct_2=1),
            _question("QTS-2025-00002", "Which are controls?", multiple=1, option_1="Lever", is_correct_1=1,
                      option_2="Pedal", is_correct_2=1, option_3="Mirror"),
            _question("QTS-2025-00003", "Name the mast part", "User Input", possibility_1="carriage",
                      possibility_2="Carriage"),
            _question("QTS-2025-00004", "Describe a safe turn", "Open Ended"),
            _question("QTS-2025-00005", "Only essays here", "Open Ended"),
        ],
        "LMS Quiz": [
            {"name": "forklift-check", "title": "Forklift check", "course": "forklift-safety",
             "passing_percentage": 70, "max_attempts": 3, "show_answers": 1,
             "questions": [{"question": "QTS-2025-00001", "marks": 2, "type": "Choices"},
                           {"question": "QTS-2025-00002", "marks": 1, "type": "Choices"},
                           {"question": "QTS-2025-00003", "marks": 1, "type": "User Input"},
                           {"question": "QTS-2025-00004", "marks": 1, "type": "Open Ended"}]},
            {"name": "essay-quiz", "title": "Essay quiz", "course": "first-aid", "passing_percentage": 50,
             "questions": [{"question": "QTS-2025-00005", "marks": 5, "type": "Open Ended"}]},
        ],
        "LMS Batch": [{"name": "spring-cohort", "title": "Spring cohort", "start_date": "2025-03-01",
                       "end_date": "2031-06-30", "timezone": "Europe/London", "evaluation": 1,
                       "courses": [{"course": "forklift-safety", "evaluator": "eve@example.com"},
                                   {"course": "retired-course"}]}],
        "LMS Batch Enrollment": [
            {"name": "be-1", "member": "ana@example.com", "batch": "spring-cohort"},
            {"name": "be-2", "member": "ben@example.com", "batch": "spring-cohort"},
            {"name": "be-3", "member": "zed@example.com", "batch": "spring-cohort"},
        ],
        "LMS Enrollment": [
            {"name": "enr-1", "member": "ana@example.com", "course": "forklift-safety", "progress": 100,
             "enrollment_from_batch": "spring-cohort", "member_type": "Student"},
            {"name": "enr-2", "member": "ben@example.com", "course": "forklift-safety", "progress": 33,
             "enrollment_from_batch": "spring-cohort", "member_type": "Student"},
            {"name": "enr-3", "member": "ana@example.com", "course": "first-aid", "progress": 0},
            {"name": "enr-4", "member": "cai@example.com", "course": "first-aid", "progress": 0},
        ],
        "LMS Course Progress": [
            {"name": f"prog-{i}", "member": "ana@example.com", "course": "forklift-safety", "lesson": lesson,
             "status": "Complete"} for i, lesson in enumerate(("0001 Controls", "0002 Load charts", "0003 Ramps"))
        ] + [{"name": "prog-9", "member": "ben@example.com", "course": "forklift-safety", "lesson": "0001 Controls",
              "status": "Complete"}],
        "LMS Certificate Request": [
            {"name": "b81c3f2a77", "member": "ana@example.com", "course": "forklift-safety",
             "evaluator": "eve@example.com", "date": past, "start_time": "10:00:00", "end_time": "10:30:00",
             "batch_name": "spring-cohort", "timezone": "Europe/London", "status": "Completed"},
            {"name": "c92d4e3b88", "member": "ben@example.com", "course": "forklift-safety",
             "evaluator": "eve@example.com", "date": future, "start_time": "9:30:00", "end_time": "10:00:00",
             "batch_name": "spring-cohort", "google_meet_link": "https://meet.google.com/abc-defg-hij",
             "timezone": "Asia/Kolkata", "status": "Upcoming"},
            {"name": "d03e5f4c99", "member": "cai@example.com", "course": "first-aid", "evaluator": "eve@example.com",
             "date": past, "start_time": "11:00:00", "end_time": "11:30:00", "status": "Cancelled"},
            {"name": "e14f6a5d00", "member": "cai@example.com", "course": "forklift-safety", "date": past,
             "start_time": "12:00:00", "status": "No Show"},
        ],
        "LMS Certificate Evaluation": [
            {"name": "ev-1", "member": "ana@example.com", "course": "forklift-safety", "evaluator": "eve@example.com",
             "date": past, "start_time": "10:00:00", "status": "Pass", "rating": 0.8, "summary": "Confident driver"},
            {"name": "ev-2", "member": "cai@example.com", "course": "first-aid", "date": past, "status": "Fail"},
        ],
        "LMS Certificate": [
            {"name": "0f9e8d7c6b", "member": "ana@example.com", "course": "forklift-safety", "issue_date": "2023-02-01",
             "expiry_date": "2024-02-01", "published": 1},
            {"name": "a1b2c3d4e5", "member": "ana@example.com", "course": "forklift-safety",
             "batch_name": "spring-cohort", "issue_date": past, "expiry_date": "2031-01-01", "published": 1},
            {"name": "f6e5d4c3b2", "member": "zed@example.com", "course": "first-aid", "issue_date": past,
             "published": 1},
        ],
    }


class FakeFrappeLMS:
    def __init__(self, data: dict[str, list[dict[str, Any]]]) -> None:
        self.data = data
        self.fail_at: tuple[str, int] | None = None  # (doctype, limit_start) whose list answers 500
        self.requests = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake.requests += 1
                status, body = fake.answer(self.path, self.headers.get("Authorization", ""))
                payload = json.dumps(body, default=str).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler

    def answer(self, path: str, authorization: str) -> tuple[int, dict[str, Any]]:
        if authorization != f"token {KEY}:{SECRET}":
            return 401, {"exc_type": "AuthenticationError", "_server_messages": "[\"Invalid Request\"]"}
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        segments = [unquote(s) for s in parts.path.split("/") if s]
        if segments == ["api", "method", "frappe.client.get_count"]:
            if query.get("doctype") not in FIELDS:  # Frappe counts on a table that is not there
                return 500, {"exc_type": "ProgrammingError", "exception": "(1146, \"Table doesn't exist\")"}
            return 200, {"message": len(self.data.get(query.get("doctype", ""), []))}
        if segments == ["api", "method", "frappe.desk.form.load.getdoctype"]:
            doctype = query.get("doctype", "")
            if doctype not in FIELDS:
                return 404, {"exc_type": "DoesNotExistError"}
            return 200, {"docs": [{"name": doctype, "fields": [{"fieldname": f} for f in FIELDS[doctype]]}]}
        if segments[:2] != ["api", "resource"] or len(segments) not in (3, 4):
            return 404, {"exc_type": "DoesNotExistError"}
        doctype = segments[2]
        if doctype not in FIELDS:
            return 404, {"exc_type": "DoesNotExistError", "exception": f"DocType {doctype} not found"}
        if len(segments) == 4:
            found = [r for r in self.data.get(doctype, []) if r["name"] == segments[3]]
            return (200, {"data": self.whole(doctype, found[0])}) if found else (404, {"exc_type": "DoesNotExistError"})
        return self.listing(doctype, query)

    def listing(self, doctype: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        fields = json.loads(query.get("fields", '["name"]'))
        unknown = [f for f in fields if f not in FIELDS[doctype] + STANDARD or f in CHILD_TABLES]
        if unknown:
            return 417, {"exc_type": "DataError", "exception": f"Field not permitted in query: {unknown[0]}"}
        start, length = int(query.get("limit_start", 0)), int(query.get("limit_page_length", 20))
        if self.fail_at == (doctype, start):
            return 500, {"exc_type": "OperationalError", "exception": "Lost connection to MySQL server"}
        if doctype in CHILD_TABLES.values():
            parent = query.get("parent")
            if not parent:
                return 403, {"exc_type": "PermissionError", "exception": "Parent DocType Required"}
            field = next(k for k, v in CHILD_TABLES.items() if v == doctype)
            rows = [{**child, "name": f"{record['name']}-{field}-{i}", "parent": record["name"], "parenttype": parent}
                    for record in self.data.get(parent, []) for i, child in enumerate(record.get(field) or [])]
        else:
            rows = self.data.get(doctype, [])
        return 200, {"data": [{f: row.get(f) for f in fields} for row in rows[start:start + length]]}

    def whole(self, doctype: str, record: dict[str, Any]) -> dict[str, Any]:
        doc = {"doctype": doctype, "docstatus": 0, **copy.deepcopy(record)}
        for field, child in CHILD_TABLES.items():
            if field in FIELDS[doctype]:
                doc[field] = [{"doctype": child, "idx": i + 1, "parent": record["name"], **row}
                              for i, row in enumerate(doc.get(field) or [])]
        return doc


@contextmanager
def running(data: dict[str, list[dict[str, Any]]]) -> Iterator[FakeFrappeLMS]:
    fake = FakeFrappeLMS(data)
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
