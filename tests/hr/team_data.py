"""A small company for the manager-scope, dashboard and export tests (page, API and browser tests).

    Bea Boss (boss@, Operations)            HR: hr@ (HR User), hrm@ (HR Manager)
      └ Lee Lead (lead@, Warehouse)         Sam Stranger (stranger@, Operations, no manager)
          ├ Wes Worker (worker@, Warehouse)
          └ Nia Nouser (no user, Warehouse)

Employee Compliance (status from the controller, renewal 12 months after completion):
    Bea / Fire Drill       Complete  (completed 30 days ago: renewal in ~335 days)
    Lee / Forklift Safety  Expired   (completed 400 days ago)
    Wes / Forklift Safety  Expiring  (completed 300 days ago: renewal in ~65 days)
    Wes / Fire Drill       Pending
    Nia / Fire Drill       Expiring  (completed 340 days ago: renewal in ~25 days)
    Sam / Forklift Safety  Complete  (completed 10 days ago)
    Sam / Fire Drill       Expired   (completed 400 days ago)

Boss sees 5 rows (her own and the whole subtree, two levels deep), Lead 4, Worker 2, Stranger 2, HR all 7.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

import smooth
from tests.api.helpers import Api
from tests.conftest import SiteHandle, make_user
from tests.hr.conftest import make_compliance_type, make_department, make_document_type, make_employee
from tests.lms.conftest import clean, make_course

PASSWORD = "secret-pw"
HR, HRM = "hr@example.com", "hrm@example.com"
BOSS, LEAD, WORKER, STRANGER = "boss@example.com", "lead@example.com", "worker@example.com", "stranger@example.com"
QUESTIONS = [{"question": "2 + 2?", "type": "Single Choice", "options": "3\n4\n5", "correct_answers": "4", "marks": 1}]


@dataclass
class Team:
    boss: str
    lead: str
    worker: str
    nouser: str
    stranger: str
    rows: dict[str, str] = field(default_factory=dict)  # "<who>/<type>" -> Employee Compliance name
    quiz_submissions: dict[str, str] = field(default_factory=dict)  # user -> LMS Quiz Submission name
    evidence: str = ""  # the Employee Document of Wes / Forklift Safety
    api: Any = None  # the served site, for the tests that take the team


def _compliance(team: Team, who: str, employee: str, kind: str, days_ago: int | None,
                evidence: str | None = None) -> None:
    values: dict[str, object] = {"doctype": "Employee Compliance", "employee": employee, "compliance_type": kind}
    if days_ago is not None:
        values.update(status="Complete", completion_date=smooth.today() - dt.timedelta(days=days_ago))
    if evidence:
        values["evidence"] = evidence
    team.rows[f"{who}/{kind}"] = smooth.get_doc(values).insert().name


def _evidence_file(employee: str, content: bytes, file_name: str) -> str:
    stored = smooth.new_doc("File", file_name=file_name, is_private=1)
    stored.content = content
    stored.insert()
    return smooth.get_doc({"doctype": "Employee Document", "employee": employee, "document_type": "Training Record",
                           "title": "=HYPERLINK(\"http://x\")", "file": stored.file_url}).insert().name


def make_team(handle: SiteHandle, api: Any = None, *, with_quiz: bool = True) -> Team:
    with handle.context():
        make_user(HR, "HR User", password=PASSWORD)
        make_user(HRM, "HR Manager", password=PASSWORD)
        for user in (BOSS, LEAD, WORKER, STRANGER):
            make_user(user, "LMS Student", password=PASSWORD)
        make_department("Operations")
        make_department("Warehouse")
        boss = make_employee("Bea", BOSS, last_name="Boss", department="Operations")
        lead = make_employee("Lee", LEAD, last_name="Lead", department="Warehouse", reports_to=boss)
        worker = make_employee("Wes", WORKER, last_name="Worker", department="Warehouse", reports_to=lead)
        nouser = make_employee("Nia", None, last_name="Nouser", department="Warehouse", reports_to=lead)
        stranger = make_employee("Sam", STRANGER, last_name="Stranger", department="Operations")
        team = Team(boss, lead, worker, nouser, stranger, api=api)
        make_document_type("Training Record")
        make_compliance_type("Forklift Safety", renewal_period_months=12)
        make_compliance_type("Fire Drill", renewal_period_months=12)
        team.evidence = _evidence_file(worker, b"%PDF-1.4 forklift certificate of Wes\n", "forklift-wes.pdf")
        _compliance(team, "boss", boss, "Fire Drill", 30)
        _compliance(team, "lead", lead, "Forklift Safety", 400)
        _compliance(team, "worker", worker, "Forklift Safety", 300, team.evidence)
        _compliance(team, "worker", worker, "Fire Drill", None)
        _compliance(team, "nouser", nouser, "Fire Drill", 340)
        _compliance(team, "stranger", stranger, "Forklift Safety", 10)
        _compliance(team, "stranger", stranger, "Fire Drill", 400)
        if with_quiz:
            course = make_course("Forklift Basics")
            quiz = smooth.get_doc({"doctype": "LMS Quiz", "title": "Forklift Quiz", "course": course,
                                   "passing_percentage": 50, "questions": QUESTIONS}).insert().name
            for user in (WORKER, STRANGER, BOSS):
                team.quiz_submissions[user] = smooth.get_doc({
                    "doctype": "LMS Quiz Submission", "quiz": quiz, "member": user,
                    "answers": '{"1": ["4"]}'}).insert().name
        smooth.db.commit()
    return team


class TeamKeeper:
    """The team, made once per module and made again only after a test changed the database.

    Most tests of a module only read the team; building it per test was over half of the HR tests' time.
    A test that writes (through the server or directly) leaves it changed, so the next test gets a fresh
    one: on SQLite, `PRAGMA data_version` on a connection of the keeper's own changes whenever any other
    connection commits; on MariaDB (the few `both_backends` tests) every test gets a fresh team."""

    def __init__(self, api: Api) -> None:
        self.api, self.team, self.with_quiz = api, None, True
        self.version: int | None = None
        self.watch: sqlite3.Connection | None = None
        if api.handle.backend == "sqlite":
            with api.handle.context():
                self.watch = sqlite3.connect(smooth.local.site.engine.url.database)

    def _version(self) -> int | None:
        return self.watch.execute("PRAGMA data_version").fetchone()[0] if self.watch else None

    def get(self, *, with_quiz: bool = True) -> Team:
        if (self.team is None or self.watch is None or with_quiz != self.with_quiz
                or self._version() != self.version):
            clean(self.api.handle)
            self.team, self.with_quiz = make_team(self.api.handle, self.api, with_quiz=with_quiz), with_quiz
            self.version = self._version()
        return self.team

    def close(self) -> None:
        if self.watch is not None:
            self.watch.close()
        clean(self.api.handle)


@pytest.fixture(scope="module")
def team_keeper(served_site: Api) -> Iterator[TeamKeeper]:
    """For a module's `team` fixture: `team_keeper.get(with_quiz=...)` (see TeamKeeper)."""
    keeper = TeamKeeper(served_site)
    yield keeper
    keeper.close()
