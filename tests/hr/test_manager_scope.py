"""The manager scope: a manager reads their whole reporting subtree's compliance and quiz scores, nothing else.

Over REST (list, count, get by name, get_value, filters and or_filters probes, group-by) and
on the desk (list and report views, a form by name); HR reads everything; the Employee role
is given when an Employee links a user. The company is tests/hr/team_data.py.

SQLite only, except the subtree queries and their rewrite when the reporting line changes.
"""

from __future__ import annotations

import re

import pytest

import smooth
from smooth_hr.permissions import scope
from tests.api.helpers import Api, add_user
from tests.hr import team_data
from tests.hr.team_data import BOSS, HR, LEAD, STRANGER, WORKER, Team, TeamKeeper
from tests.pages.served import served, served_site  # noqa: F401  (the LMS + HR site served, user by header)

COMPLIANCE = "Employee Compliance"

team_keeper = team_data.team_keeper  # the fixture, for pytest to find in this module


@pytest.fixture
def team(team_keeper: TeamKeeper) -> Team:
    """The company, shared by the tests that leave it as it was (TeamKeeper makes it again after one that did not)."""
    return team_keeper.get(with_quiz=True)


def _names(api: Api, doctype: str, user: str, **params: object) -> set[str]:
    response = api.list(doctype, user=user, fields=["name"], limit_page_length=100, **params)
    assert response.status_code == 200, response.text
    return {row["name"] for row in response.json()["data"]}


@pytest.mark.both_backends  # subtree and filter queries the database answers
def test_manager_lists_the_whole_subtree_and_their_own(team: Team) -> None:
    api = team.api
    rows = team.rows
    below_boss = {rows["boss/Fire Drill"], rows["lead/Forklift Safety"], rows["worker/Forklift Safety"],
                  rows["worker/Fire Drill"], rows["nouser/Fire Drill"]}
    assert _names(api, COMPLIANCE, BOSS) == below_boss  # two levels down: Wes reports to Lee, Lee to Bea
    assert _names(api, COMPLIANCE, LEAD) == below_boss - {rows["boss/Fire Drill"]}
    assert _names(api, COMPLIANCE, WORKER) == {rows["worker/Forklift Safety"], rows["worker/Fire Drill"]}
    assert _names(api, COMPLIANCE, STRANGER) == {rows["stranger/Forklift Safety"], rows["stranger/Fire Drill"]}
    assert _names(api, COMPLIANCE, HR) == set(rows.values())
    assert _names(api, "Employee", BOSS) == {team.boss, team.lead, team.worker, team.nouser}
    assert _names(api, "Employee", WORKER) == {team.worker}
    assert _names(api, "Employee", HR) == {team.boss, team.lead, team.worker, team.nouser, team.stranger}


def test_a_strangers_records_by_name_are_refused(team: Team) -> None:
    api = team.api
    stranger_row = team.rows["stranger/Fire Drill"]
    response = api.get(f"/api/resource/{COMPLIANCE}/{stranger_row}", user=BOSS)
    assert response.status_code == 403 and "Stranger" not in response.text
    assert api.get(f"/api/resource/Employee/{team.stranger}", user=BOSS).status_code == 403
    assert api.get(f"/api/resource/{COMPLIANCE}/{team.rows['worker/Fire Drill']}", user=BOSS).status_code == 200
    # upwards is out of scope too: Lee may not read his manager's record
    assert api.get(f"/api/resource/{COMPLIANCE}/{team.rows['boss/Fire Drill']}", user=LEAD).status_code == 403
    value = api.call("frappe.client.get_value", user=BOSS, doctype=COMPLIANCE, fieldname="status",
                       filters={"employee": team.stranger})
    assert "Expired" not in value.text and value.status_code in (200, 403, 404)
    assert api.call("frappe.client.get_count", user=BOSS, doctype=COMPLIANCE,
                      filters={"employee": team.stranger}).json() == {"message": 0}
    assert api.call("frappe.client.get_count", user=BOSS, doctype=COMPLIANCE,
                      or_filters={"employee": team.stranger, "status": "Expired"}).json() == {"message": 1}
    grouped = api.list(COMPLIANCE, user=BOSS, fields=["employee", "count(name) as n"], group_by="employee")
    assert {row["employee"] for row in grouped.json()["data"]} == {team.boss, team.lead, team.worker, team.nouser}


def test_manager_sees_the_teams_quiz_scores_only(team: Team) -> None:
    api = team.api
    subs = team.quiz_submissions
    assert _names(api, "LMS Quiz Submission", BOSS) == {subs[BOSS], subs[WORKER]}
    assert _names(api, "LMS Quiz Submission", WORKER) == {subs[WORKER]}
    assert _names(api, "LMS Quiz Submission", STRANGER) == {subs[STRANGER]}
    refused = api.get(f"/api/resource/LMS Quiz Submission/{subs[STRANGER]}", user=BOSS)
    assert refused.status_code == 403
    score = api.get(f"/api/resource/LMS Quiz Submission/{subs[WORKER]}", user=BOSS)
    assert score.status_code == 200 and score.json()["data"]["percentage"] == 100


def test_desk_list_report_and_form_follow_the_scope(team: Team) -> None:
    api = team.api
    listed = api.get("/app/employee-compliance", user=BOSS)
    assert listed.status_code == 200
    assert "Sam Stranger" not in listed.text and "Wes Worker" in listed.text
    assert re.search(r"of 5\b", listed.text)
    report = api.get("/app/employee-compliance/view/report", user=BOSS)
    assert report.status_code == 200 and "Sam Stranger" not in report.text and "Nia Nouser" in report.text
    form = api.get(f"/app/employee-compliance/{team.rows['stranger/Forklift Safety']}", user=BOSS)
    assert form.status_code in (403, 404) and "Sam Stranger" not in form.text
    assert api.get(f"/app/employee/{team.stranger}", user=BOSS).status_code in (403, 404)
    quiz_list = api.get("/app/lms-quiz-submission", user=BOSS)
    assert quiz_list.status_code == 200 and "stranger@example.com" not in quiz_list.text


def test_manager_may_not_write_or_export(team: Team) -> None:
    api = team.api
    row = team.rows["worker/Fire Drill"]
    response = api.put(f"/api/resource/{COMPLIANCE}/{row}", user=BOSS, json={"notes": "done"})
    assert response.status_code == 403
    csv = api.get("/app/employee-compliance/view/report", user=BOSS, params={"format": "csv"})
    assert csv.status_code == 403


@pytest.mark.both_backends  # the tree's bounds rewritten in SQL
def test_the_scope_follows_the_reporting_line_when_it_changes(team: Team) -> None:
    api = team.api
    with api.handle.context():
        moved = smooth.get_doc("Employee", team.stranger)
        moved.reports_to = team.worker
        moved.save()
        smooth.db.commit()
    assert team.rows["stranger/Fire Drill"] in _names(api, COMPLIANCE, BOSS)  # now three levels below Bea
    assert team.rows["stranger/Fire Drill"] in _names(api, COMPLIANCE, WORKER)


def test_linking_a_user_gives_the_employee_role_and_no_employee_sees_nothing(team: Team) -> None:
    api = team.api
    with api.handle.context():
        assert "Employee" in smooth.get_roles(WORKER)
        assert scope(BOSS) == [team.boss, team.lead, team.worker, team.nouser] or \
            set(scope(BOSS)) == {team.boss, team.lead, team.worker, team.nouser}
    loner = add_user(api, "loner@example.com", "Employee")  # the role without an Employee record
    assert _names(api, COMPLIANCE, loner) == set()
    assert _names(api, "Employee", loner) == set()
    learner = add_user(api, "learner@example.com", "LMS Student")  # no Employee role: the LMS rule as before
    assert _names(api, "LMS Quiz Submission", learner) == set()
    assert api.list(COMPLIANCE, user=learner).status_code == 403
