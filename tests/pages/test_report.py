"""The desk report view and its CSV export over HTTP, on SQLite and MariaDB."""

from __future__ import annotations

import csv
import io

import pytest

import smooth
from smooth.pages.desk import report
from tests.pages.desk_data import EVA1, LEA1, MODERATOR
from tests.pages.desk_data import DeskData as Data
from tests.pages.test_listview import text

pytestmark = pytest.mark.both_backends  # group-by and sorting the database decides

REPORT = "/app/lms-certificate-request/view/report"


def rows_of(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_report_shows_the_chosen_columns(desk, desk_data: Data) -> None:
    page = desk(MODERATOR).get(REPORT, fields="name,member,status", order_by="date asc").text
    header = text(page.split("<thead")[1].split(">", 1)[1].split("</thead>")[0]).split()
    assert header == ["ID", "Member", "Status"]
    assert 'href="/app/user/' + LEA1.replace("@", "%40") + '">lea1<' in page  # shown by its full name
    assert "1–3 of 3" in page


def test_csv_export_holds_exactly_what_is_shown(desk, desk_data: Data) -> None:
    response = desk(MODERATOR).get(REPORT, fields="name,member,status", status="Pending",
                                   order_by="start_time asc", format="csv")
    assert response.headers["content-disposition"] == 'attachment; filename="LMS_Certificate_Request.csv"'
    assert rows_of(response) == [["ID", "Member", "Status"], [desk_data.r1, LEA1, "Pending"],
                                 [desk_data.r3, "lea3@example.com", "Pending"]]


def test_csv_export_of_a_grouped_report_gives_the_counts(desk, desk_data: Data) -> None:
    rows = rows_of(desk(MODERATOR).get(REPORT, group_by="evaluator", order_by="date asc", format="csv"))
    assert rows == [["Evaluator", "Count"], [EVA1, "2"], ["eva2@example.com", "1"]]
    page = desk(MODERATOR).get(REPORT, group_by="status", order_by="date asc").text
    assert "2 groups, 3 records" in text(page)


def test_csv_cells_cannot_run_as_formulas(desk, desk_data: Data, desk_server) -> None:
    with desk_server[1].context():
        smooth.db.set_value("LMS Certificate Request", desk_data.r1, "notes", '=HYPERLINK("http://evil","x")')
        smooth.db.set_value("LMS Certificate Request", desk_data.r3, "notes", "@SUM(1)")
        smooth.db.commit()
    rows = rows_of(desk(MODERATOR).get(REPORT, fields="name,notes", order_by="start_time asc", format="csv"))
    assert rows[1] == [desk_data.r1, '\'=HYPERLINK("http://evil","x")']
    assert rows[2] == [desk_data.r2, ""]
    assert rows[3] == [desk_data.r3, "'@SUM(1)"]


def test_csv_export_respects_record_rules_and_the_export_right(desk, desk_data: Data) -> None:
    evaluator = desk(EVA1)
    page = evaluator.get(REPORT, order_by="date asc")
    assert page.status_code == 200  # Batch Evaluator has the report right
    assert desk_data.r3 not in page.text
    assert "Export CSV" not in page.text
    refused = evaluator.get(REPORT, order_by="date asc", format="csv")
    assert refused.status_code == 403
    assert "may not export LMS Certificate Request" in text(refused.text)
    assert desk(LEA1).get(REPORT).status_code == 403  # learners have no report right


def test_a_capped_export_says_so(desk, desk_data: Data, monkeypatch) -> None:
    monkeypatch.setattr(report, "ROW_LIMIT", 2)
    client = desk(MODERATOR)
    rows = rows_of(client.get(REPORT, fields="name", order_by="start_time asc", format="csv"))
    assert rows[1:3] == [[desk_data.r1], [desk_data.r2]]
    assert rows[3] == ["Only the first 2 of 3 rows are exported; narrow the filters to export the rest"]
    assert "the CSV export holds the first 2 of them" in text(client.get(REPORT, order_by="date asc").text)


def test_report_refuses_columns_the_user_may_not_read(desk, desk_data: Data) -> None:
    response = desk(MODERATOR).get(REPORT, fields="name,active_key")
    assert response.status_code == 417
    assert "You cannot show 'active_key'" in text(response.text)
