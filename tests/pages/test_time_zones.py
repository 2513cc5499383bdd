"""Every time the desk shows is in one named zone (issue 20, defect 1): a UTC site, evaluator Ava in
Europe/Berlin, a learner booked 09:00 Berlin. List, report, CSV, form and print view show the
instant in the viewer's zone with the zone named; the system-zone wall clock kept beside it is
labelled with the system zone; an evaluator's schedule shows the evaluator's zone.

SQLite only: zones are converted in Python when a page is drawn, never in SQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import smooth
from tests.api.helpers import Api
from tests.pages.desk_data import AVA, BERLIN, booked_at_nine_berlin
from tests.pages.served import as_user, page_text

LIST = "/app/lms-certificate-request"


def _table(html: str) -> str:
    """The visible text of a page's data table (not its filter and sort choices)."""
    return page_text(html[html.index("<table"):html.index("</table>")])


def test_list_and_report_show_the_instant_in_the_viewers_zone_named_in_the_heading(served: Api) -> None:
    name, _, start = booked_at_nine_berlin(served.handle)
    day = start.astimezone(BERLIN).date().isoformat()
    listed = _table(served.get(LIST, user=AVA).text)
    assert "Start (Europe/Berlin)" in listed and f"{day} 09:00" in listed
    assert "Start Time" not in listed and f"{start:%H:%M}" not in listed  # no unlabelled UTC wall clock

    report = _table(served.get(f"{LIST}/view/report", params={"fields": "name,start_utc,start_time"},
                                  user=AVA).text)
    assert "Start (Europe/Berlin)" in report and f"{day} 09:00" in report
    assert "Start Time (UTC)" in report and f"{start:%H:%M}" in report

    with served.handle.context():
        as_user("Administrator", time_zone="Asia/Kolkata")
    exported = served.get(f"{LIST}/view/report", params={"fields": "name,start_utc", "format": "csv"})
    assert exported.status_code == 200, exported.text
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    kolkata = start.astimezone(ZoneInfo("Asia/Kolkata"))
    assert rows[:2] == [["ID", "Start (Asia/Kolkata)"], [name, f"{kolkata:%Y-%m-%d %H:%M}"]]


def test_the_form_labels_every_time_with_its_zone_and_no_label_contradicts_its_value(served: Api) -> None:
    name, _, start = booked_at_nine_berlin(served.handle)
    day = start.astimezone(BERLIN).date().isoformat()
    html = served.get(f"{LIST}/{name}", params={"activity": "1"}, user=AVA).text  # the timeline drawn in
    form = page_text(html)
    assert f"Start {day} 09:00 (Europe/Berlin)" in form
    # the system-zone wall clock kept for Frappe, labelled with the system zone
    assert re.search(rf'<input type="time" value="{start:%H:%M}" id="f-start_time"[^>]*>\s*'
                     r'<span class="zone" title="Time zone">UTC</span>', html)
    assert re.search(r"<time datetime=[^>]*>[0-9-]+ [0-9:]+ \(Europe/Berlin\)</time>", html)  # the timeline

    later = start + dt.timedelta(minutes=30)
    with served.handle.context():
        smooth.get_doc("LMS Certificate Request", name).reschedule(later.date(), later.strftime("%H:%M"))
        smooth.db.commit()
    timeline = page_text(served.get(f"{LIST}/{name}/activity", user=AVA).text)
    assert f"Start: {day} 09:00 (Europe/Berlin) → {day} 09:30 (Europe/Berlin)" in timeline
    assert f"Start Time: {start:%H:%M} (UTC) → {later:%H:%M} (UTC)" in timeline
    assert "Start (UTC)" not in form


def test_the_print_view_names_the_zone_of_each_time(served: Api) -> None:
    name, _, start = booked_at_nine_berlin(served.handle)
    day = start.astimezone(BERLIN).date().isoformat()
    printed = page_text(served.get("/printview", params={"doctype": "LMS Certificate Request", "name": name},
                                   user=AVA).text)
    assert f"{day} 09:00 (Europe/Berlin)" in printed
    assert f"{start:%H:%M} (UTC)" in printed


def test_an_evaluators_schedule_is_shown_in_the_evaluators_zone(served: Api) -> None:
    _, evaluator, _ = booked_at_nine_berlin(served.handle)
    form = served.get(f"/app/course-evaluator/{evaluator}").text
    assert '<span class="zone" title="Time zone">Europe/Berlin</span>' in form
    assert '<span class="zone" title="Time zone">UTC</span>' not in form
