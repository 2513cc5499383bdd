"""The compliance dashboard: counts by status, renewal window and department, in SQL, within the viewer's scope.

Over REST (`smooth_hr.compliance_dashboard.get_dashboard`) and on the desk page
`/app/compliance-dashboard` (an app's desk page, Frappe's Page), with each count's link
opening a list of exactly that many rows for the same viewer. The HR workspace shows the
page, and only to those who may open it. The company is tests/hr/team_data.py.

SQLite only, except the grouped counts themselves.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

import smooth
from tests.api.helpers import Api, add_user
from tests.hr import team_data
from tests.hr.conftest import make_employee
from tests.hr.team_data import BOSS, HR, LEAD, Team, TeamKeeper
from tests.pages.served import served, served_site  # noqa: F401  (the LMS + HR site served, user by header)

METHOD = "smooth_hr.compliance_dashboard.get_dashboard"
PAGE = "/app/compliance-dashboard"

team_keeper = team_data.team_keeper  # the fixture, for pytest to find in this module


@pytest.fixture
def team(team_keeper: TeamKeeper) -> Team:
    """The company, shared by the tests that leave it as it was (TeamKeeper makes it again after one that did not)."""
    return team_keeper.get(with_quiz=False)


def _dashboard(api: Api, user: str) -> dict[str, Any]:
    response = api.call(METHOD, user=user)
    assert response.status_code == 200, response.text
    return dict(response.json()["message"])


def _counts(items: list[dict[str, Any]]) -> dict[str, int]:
    return {item["label"]: item["count"] for item in items}


def _listed(api: Api, url: str, user: str) -> int:
    """How many rows the desk list at `url` says it holds (its "1–n of N" line)."""
    page = api.get(url, user=user)
    assert page.status_code == 200, page.text[:500]
    found = re.search(r'class="paging-count"[^>]*>([^<]*)<', page.text)
    assert found, page.text[:500]
    text = html.unescape(found.group(1))
    return 0 if text.strip() == "0 records" else int(text.rsplit(" of ", 1)[1].replace(",", ""))


@pytest.mark.both_backends  # counts grouped in SQL
def test_hr_sees_every_count(team: Team) -> None:
    data = _dashboard(team.api, HR)
    assert data["total"] == 7
    assert _counts(data["by_status"]) == {"Pending": 1, "Complete": 2, "Expiring": 2, "Expired": 2}
    assert list(_counts(data["renewal_windows"]).values()) == [1, 1, 2]  # Nia in ~25 days, Wes in ~65
    departments = {d["department"]: (d["total"], _counts(d["statuses"])) for d in data["by_department"]}
    assert departments == {
        "Operations": (3, {"Pending": 0, "Complete": 2, "Expiring": 0, "Expired": 1}),
        "Warehouse": (4, {"Pending": 1, "Complete": 0, "Expiring": 2, "Expired": 1}),
    }


@pytest.mark.both_backends  # counts grouped in SQL within a subtree
def test_a_manager_counts_their_team_only(team: Team) -> None:
    boss = _dashboard(team.api, BOSS)
    assert boss["total"] == 5
    assert _counts(boss["by_status"]) == {"Pending": 1, "Complete": 1, "Expiring": 2, "Expired": 1}
    assert {d["department"]: d["total"] for d in boss["by_department"]} == {"Operations": 1, "Warehouse": 4}
    lead = _dashboard(team.api, LEAD)
    assert lead["total"] == 4 and _counts(lead["by_status"])["Complete"] == 0


def test_every_count_links_to_a_list_of_that_many_rows(team: Team) -> None:
    with team.api.handle.context():
        loose = make_employee("Lou", last_name="Loose", reports_to=team.lead)  # no department
        smooth.get_doc({"doctype": "Employee Compliance", "employee": loose, "compliance_type": "Fire Drill"}).insert()
        smooth.db.commit()
    assert {d["department"] for d in _dashboard(team.api, BOSS)["by_department"]} == \
        {"Operations", "Warehouse", "(No department)"}
    for user in (HR, BOSS):
        data = _dashboard(team.api, user)
        counts = [*data["by_status"], *data["renewal_windows"]]
        for department in data["by_department"]:
            counts += department["statuses"]
            counts.append({"url": department["url"], "count": department["total"]})
        for count in counts:
            assert count["url"].startswith("/app/employee-compliance?")
            assert _listed(team.api, count["url"], user) == count["count"], (user, count)


def test_the_desk_page_shows_the_numbers_chart_and_table(team: Team) -> None:
    page = team.api.get(PAGE, user=BOSS)
    assert page.status_code == 200, page.text[:500]
    text = page.text
    assert 'data-status="Expiring">2<' in text and 'data-status="Complete">1<' in text
    assert '<svg class="chart"' in text and "Compliance by department and status" in text
    assert '<th scope="row">Warehouse</th>' in text and "Sam Stranger" not in text
    assert "Audit export" not in text  # a manager has no export right
    hr_page = team.api.get(PAGE, user=HR).text
    assert 'data-status="Expired">2<' in hr_page and "Audit export" in hr_page
    assert '<option value="Fire Drill">' in hr_page
    assert '<a href="/app/hr" aria-current="true">HR</a>' in hr_page  # the app switcher marks the app in use
    posted = team.api.post(PAGE, user=HR, data={"x": "1"})
    assert posted.status_code in (403, 405)  # a desk page takes no posts (403: no CSRF token from this client)


def test_the_page_is_refused_to_users_without_its_roles(team: Team) -> None:
    outsider = add_user(team.api, "outsider@example.com", "Course Creator")
    refused = team.api.get(PAGE, user=outsider)
    assert refused.status_code == 403 and "Compliance Dashboard" in refused.text
    assert team.api.call(METHOD, user=outsider).status_code == 403  # no read on Employee Compliance
    assert team.api.get(PAGE, user=None, follow_redirects=False).status_code in (302, 303)


def test_the_hr_workspace_links_the_dashboard_for_those_who_may_open_it(team: Team) -> None:
    hr = team.api.get("/app/hr", user=HR)
    assert hr.status_code == 200
    assert f'href="{PAGE}"' in hr.text and 'href="/app/employee-compliance"' in hr.text
    assert 'href="/app/employee-document"' in hr.text
    boss = team.api.get("/app/hr", user=BOSS).text  # the Employee role: the team's records and the dashboard
    assert f'href="{PAGE}"' in boss and 'href="/app/employee-document"' not in boss
    outsider = add_user(team.api, "creator@example.com", "Course Creator")
    assert team.api.get("/app/hr", user=outsider).status_code == 403
    assert 'href="/app/hr"' not in team.api.get("/app", user=outsider).text  # not in their app switcher
    nav = team.api.get("/app/learning", user=HR).text
    assert 'href="/app/hr"' in nav


def test_an_empty_dashboard(served: Api) -> None:  # noqa: F811
    add_user(served, HR, "HR User")
    data = _dashboard(served, HR)
    assert data["total"] == 0 and data["by_department"] == []
    assert "No compliance records yet." in served.get(PAGE, user=HR).text
