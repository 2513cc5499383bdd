"""The Compliance Matrix page (`/app/compliance-matrix`) and the daily compliance score per department.

The company is tests/hr/team_data.py. SQLite only, except the snapshot's grouped counts and its
rerun by a second scheduler (a duplicate name on both databases).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

import smooth
from smooth_hr import compliance_matrix, compliance_scores
from smooth_hr.compliance_job import run_daily_compliance
from tests.api.helpers import add_user
from tests.hr import team_data
from tests.hr.team_data import BOSS, HR, HRM, LEAD, Team, TeamKeeper
from tests.pages.served import served, served_site  # noqa: F401  (the LMS + HR site served, user by header)

PAGE = "/app/compliance-matrix"

team_keeper = team_data.team_keeper


@pytest.fixture
def team(team_keeper: TeamKeeper) -> Team:
    return team_keeper.get(with_quiz=False)


def _row(text: str, name: str) -> str:
    found = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{name}</a>.*?</tr>", text, re.S)
    assert found, f"no row for {name}"
    return found.group(0)


def _cells(row: str) -> list[str]:
    cells = re.findall(r"<td class=\"hr-cell[^\"]*\"[^>]*>(.*?)</td>", row, re.S)
    return [re.sub(r"<[^>]+>", " ", cell).split()[0] for cell in cells]


def test_hr_sees_everyone_with_a_status_per_type(team: Team) -> None:
    page = team.api.get(PAGE, user=HR)
    assert page.status_code == 200, page.text[:500]
    text = page.text
    assert "5 active employees" in text
    assert re.search(r"<th scope=\"col\">Fire Drill</th><th scope=\"col\">Forklift Safety</th>", text)
    assert _cells(_row(text, "Wes Worker")) == ["Pending", "Expiring"]
    assert _cells(_row(text, "Bea Boss")) == ["Complete", "—"]
    assert 'class="hr-cell hr-cell-expired"' in _row(text, "Sam Stranger")
    assert f'href="/app/employee-compliance/{team.rows["worker/Fire Drill"]}"' in text  # each cell opens its record
    assert "Export CSV" in text


def test_filters_by_department_and_by_manager_line(team: Team) -> None:
    warehouse = team.api.get(PAGE, params={"department": "Warehouse"}, user=HR).text
    assert "3 active employees" in warehouse and "Bea Boss" not in warehouse and "Nia Nouser" in warehouse
    line = team.api.get(PAGE, params={"manager": team.boss}, user=HR).text  # her whole line, two levels down
    assert "3 active employees" in line and "Sam Stranger" not in line and "Bea Boss</a>" not in line
    bad = team.api.get(PAGE, params={"manager": "EMP-NOPE"}, user=HR)
    assert bad.status_code == 417 and "Manager EMP-NOPE is not an Employee: pick one from the list" in bad.text


def test_a_manager_sees_their_line_only_and_cannot_export(team: Team) -> None:
    text = team.api.get(PAGE, user=LEAD).text
    assert "3 active employees" in text and "Sam Stranger" not in text and "Bea Boss" not in text
    assert "Export CSV" not in text
    assert "Compliance score over time" not in text  # the scores count every department
    refused = team.api.get(PAGE, params={"export": 1}, user=LEAD)
    assert refused.status_code == 403 and "may not export Employee Compliance" in refused.text


def test_the_export_is_the_whole_filtered_matrix(team: Team) -> None:
    response = team.api.get(PAGE, params={"export": 1, "department": "Warehouse"}, user=HR)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["Employee", "Employee Name", "Department", "Fire Drill", "Forklift Safety"]
    by_name = {row[1]: row[3:] for row in rows[1:]}
    assert set(by_name) == {"Lee Lead", "Wes Worker", "Nia Nouser"}
    assert by_name["Wes Worker"][0] == "Pending" and by_name["Wes Worker"][1].startswith("Expiring (renews ")
    assert by_name["Lee Lead"][0] == "—"


def test_pages_of_employees(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compliance_matrix, "PAGE_SIZE", 2)  # the served site runs in this process
    first = team.api.get(PAGE, user=HR).text
    assert "page 1" in first and 'rel="next" href="/app/compliance-matrix?page=2"' in first
    assert 'rel="prev"' not in first
    last = team.api.get(PAGE, params={"page": 3}, user=HR).text
    assert len(re.findall(r'<th scope="row">', last.split("Compliance score")[0])) == 1
    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert team.api.get(PAGE, params={"page": "-1"}, user=HR).status_code == 200  # read as page 1


def test_the_page_is_refused_without_its_roles(team: Team) -> None:
    outsider = add_user(team.api, "outsider@example.com", "Course Creator")
    assert team.api.get(PAGE, user=outsider).status_code == 403
    assert f'href="{PAGE}"' in team.api.get("/app/hr", user=HR).text


@pytest.mark.both_backends  # counts grouped in SQL; a second run's insert is a duplicate name
def test_the_daily_job_takes_each_departments_score_once_a_day(team: Team) -> None:
    today = _today(team)
    with team.api.handle.context():
        run_daily_compliance(today)
        run_daily_compliance(today)  # a second scheduler, or a rerun: the same rows, rewritten
        compliance_scores.take_snapshot(today - dt.timedelta(days=1))
        smooth.db.commit()
        rows = smooth.get_all(compliance_scores.SNAPSHOT, fields=["snapshot_date", "department", "score", "total"],
                              filters={"snapshot_date": today}, order_by="department asc")
        assert [(r["department"], r["total"], float(r["score"])) for r in rows] == [
            ("Operations", 3, 66.7), ("Warehouse", 4, 50.0)]  # valid: Complete or Expiring
    text = team.api.get(PAGE, user=HRM).text
    assert "Compliance score over time" in text and '<polyline points="' in text
    assert f"{today:%d %b}: Warehouse 50%</title>" in text
    manager = team.api.get(PAGE, user=BOSS).text
    assert "Compliance score over time" not in manager


def _today(team: Team) -> dt.date:
    with team.api.handle.context():
        return smooth.today()
