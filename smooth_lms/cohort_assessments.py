"""A cohort's assessments and its grade sheet: learners × assessments, for its evaluators and Moderators.

An assessment kind is a function in ASSESSMENT_KINDS: given the cohort's courses it returns its
columns (Assessment), each able to grade the cohort's learners. Quizzes grade by the best score of
a learner's attempts, assignments by the status of the latest attempt, evaluations by the latest
outcome of the course's evaluation; a new kind adds one function. The sheet is shown to the cohort's
evaluators (the cohort's own or one of its courses') and to Moderators and System Managers; not to
learners, nor to other cohorts' evaluators. The CSV export neutralises cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import smooth
from smooth import _
from smooth_lms.permissions import is_staff


@dataclass(frozen=True)
class Assessment:
    key: str  # unique in the sheet: "quiz:<name>", "evaluation:<course>"
    kind: str  # shown to people: "Quiz", "Evaluation"
    title: str
    course: str
    grade: Callable[[list[str]], dict[str, str]]  # learners -> their grade (absent: not attempted)
    href: str = ""  # in the desk
    portal_href: str = ""  # on /lms, for the cohort's learners


def _quizzes(courses: list[dict[str, Any]]) -> list[Assessment]:
    titles = {c["course"]: c["title"] for c in courses}
    quizzes = smooth.get_all("LMS Quiz", fields=["name", "title", "course"], order_by="title asc",
                             filters={"course": ["in", list(titles) or [""]]})
    order = list(titles)
    quizzes.sort(key=lambda q: order.index(q["course"]))
    return [Assessment(f"quiz:{q['name']}", "Quiz", q["title"], q["course"], _best_score(q["name"]),
                       f"/app/lms-quiz/{q['name']}", f"/lms/courses/{q['course']}/quiz/{q['name']}") for q in quizzes]


def _best_score(quiz: str) -> Callable[[list[str]], dict[str, str]]:
    def grade(members: list[str]) -> dict[str, str]:
        rows = smooth.get_all("LMS Quiz Submission", fields=["member", "max(percentage) as best"], group_by="member",
                              filters={"quiz": quiz, "member": ["in", members or [""]]}, order_by="")
        return {r["member"]: f"{float(r['best'] or 0):g}%" for r in rows}
    return grade


def _evaluations(courses: list[dict[str, Any]]) -> list[Assessment]:
    names = [c["course"] for c in courses]
    required = set(smooth.get_all("LMS Course", pluck="name", order_by="",
                                  filters={"name": ["in", names or [""]], "evaluation_required": 1}))
    return [Assessment(f"evaluation:{c['course']}", "Evaluation", c["title"], c["course"],
                       _latest_outcome(c["course"]), portal_href=f"/lms/courses/{c['course']}/certification")
            for c in courses if c["course"] in required]


def _latest_outcome(course: str) -> Callable[[list[str]], dict[str, str]]:
    def grade(members: list[str]) -> dict[str, str]:
        rows = smooth.get_all("LMS Certificate Evaluation", fields=["member", "status"], order_by="creation asc",
                              filters={"course": course, "member": ["in", members or [""]]})
        return {r["member"]: r["status"] for r in rows}  # the latest wins
    return grade


def _assignments(courses: list[dict[str, Any]]) -> list[Assessment]:
    order = [c["course"] for c in courses]
    rows = smooth.get_all("LMS Assignment", fields=["name", "title", "course"], order_by="title asc",
                          filters={"course": ["in", order or [""]]})
    rows.sort(key=lambda a: order.index(a["course"]))
    return [Assessment(f"assignment:{a['name']}", "Assignment", a["title"], a["course"], _latest_status(a["name"]),
                       f"/app/lms-assignment/{a['name']}", f"/lms/courses/{a['course']}/assignment/{a['name']}")
            for a in rows]


def _latest_status(assignment: str) -> Callable[[list[str]], dict[str, str]]:
    def grade(members: list[str]) -> dict[str, str]:
        rows = smooth.get_all("LMS Assignment Submission", fields=["member", "status"], order_by="attempt asc",
                              filters={"assignment": assignment, "member": ["in", members or [""]]})
        return {r["member"]: r["status"] for r in rows}  # the latest attempt wins
    return grade


ASSESSMENT_KINDS: list[Callable[[list[dict[str, Any]]], list[Assessment]]] = [_quizzes, _assignments, _evaluations]


def cohort_courses(cohort: str) -> list[dict[str, Any]]:
    return smooth.get_all("Batch Course", fields=["course", "title"], order_by="idx asc",
                          filters={"parent": cohort, "parenttype": "LMS Batch"})


def assessments(cohort: str) -> list[Assessment]:
    courses = cohort_courses(cohort)
    return [a for kind in ASSESSMENT_KINDS for a in kind(courses)]


def evaluators_of(cohort: str) -> set[str]:
    """The cohort's evaluator and its courses' (a Course Evaluator is named by its user)."""
    own = smooth.db.get_value("LMS Batch", cohort, "evaluator")
    rows = smooth.get_all("Batch Course", pluck="evaluator", order_by="",
                          filters={"parent": cohort, "parenttype": "LMS Batch", "evaluator": ["is", "set"]})
    return {e for e in (own, *rows) if e}


def check_sheet_access(cohort: str) -> None:
    user = smooth.session.user
    if not smooth.db.exists("LMS Batch", cohort):
        raise smooth.DoesNotExistError(_("Cohort {0} not found", cohort))
    if not (is_staff(user) or user in evaluators_of(cohort)):
        raise smooth.PermissionError(_("The grade sheet is for the cohort's evaluators and Moderators"))


@smooth.whitelist()
def grade_sheet(cohort: str) -> dict[str, Any]:
    """The cohort's assessments (columns) and its learners' grades (rows)."""
    check_sheet_access(cohort)
    columns = assessments(cohort)
    learners = smooth.get_all("Batch Member", fields=["member", "member_name"], order_by="idx asc",
                              filters={"parent": cohort, "parenttype": "LMS Batch"})
    members = [r["member"] for r in learners]
    grades = {a.key: a.grade(members) for a in columns}
    return {"cohort": cohort, "title": smooth.db.get_value("LMS Batch", cohort, "title"),
            "assessments": [{"key": a.key, "kind": a.kind, "title": a.title, "course": a.course, "href": a.href}
                            for a in columns],
            "rows": [{"member": r["member"], "member_name": r["member_name"] or r["member"],
                      "grades": [grades[a.key].get(r["member"], "") for a in columns]} for r in learners]}


def sheet_csv(sheet: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    cell = smooth.escape_csv_formula
    headers = ["Learner", "Name", *(f"{a['kind']}: {a['title']}" for a in sheet["assessments"])]
    writer.writerow([cell(h) for h in headers])
    for row in sheet["rows"]:
        writer.writerow([cell(str(v)) for v in [row["member"], row["member_name"], *row["grades"]]])
    return "\ufeff" + out.getvalue()


@smooth.whitelist()
def download_grade_sheet(cohort: str) -> smooth.FileDownload:
    """The grade sheet as a CSV file (the page's export), sent from a temporary file removed once sent."""
    sheet = grade_sheet(cohort)
    with tempfile.NamedTemporaryFile("w", prefix="grades-", suffix=".csv", delete=False, encoding="utf-8",
                                     newline="") as handle:
        handle.write(sheet_csv(sheet))
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", cohort)
    return smooth.FileDownload(Path(handle.name), f"grades-{safe}.csv", "text/csv; charset=utf-8", remove_after=True)


@smooth.whitelist(methods=("POST",))
def open_grade_sheet(name: str) -> dict[str, str]:
    """The cohort form's "Grade sheet" button: to the sheet's page (refused there too for others)."""
    check_sheet_access(name)
    return {"redirect_to": f"/app/cohort-grades?cohort={quote(name)}"}
