"""Data Export from the desk list view (`/app/<slug>/view/export`), on both backends: the rows are read a page
at a time (the database orders and pages them).

The test app's Test Payslip: Test Writer may read and export it and reaches `salary` (permlevel 1) but not
`board_note` (level 2); Test Reader may read it but not export it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl

import smooth
from smooth.pages.desk import export
from tests.api.helpers import Api
from tests.conftest import make_user

READER, WRITER, NOBODY = "reader@export.example.com", "writer@export.example.com", "nobody@export.example.com"
EXPORT = "/app/test-payslip/view/export"


def _payslips(api: Api) -> list[str]:
    with api.handle.context():
        make_user(READER, "Test Reader")
        make_user(WRITER, "Test Writer")
        make_user(NOBODY, "Test Student")
        names = [smooth.get_doc({"doctype": "Test Payslip", "employee_name": who, "salary": pay,
                                 "board_note": "confidential"}).insert().name
                 for who, pay in (("Ann", 100), ('=HYPERLINK("http://evil","x")', 200), ("@SUM(1)", 300),
                                  ("Bob", 400), ("-Cid", 500))]
        smooth.db.commit()
    return [str(n) for n in names]


def test_the_list_exports_its_filtered_rows_in_its_order_to_csv_and_xlsx(api: Api, monkeypatch) -> None:
    names = _payslips(api)
    monkeypatch.setattr(export, "PAGE_ROWS", 2)  # five rows come in three pages
    state = {"employee_name": '["!=", "Ann"]', "order_by": "creation desc"}
    page = api.get("/app/test-payslip", user=WRITER, params={"order_by": "creation desc"}).text
    assert "/app/test-payslip/view/export?order_by=creation+desc&amp;format=xlsx" in page
    response = api.get(EXPORT, user=WRITER, params={**state, "format": "csv"})
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="Test_Payslip.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    heading = rows[0]
    assert heading[0] == "ID" and "Employee Name" in heading and "Salary" in heading
    assert "Board Note" not in heading and "confidential" not in response.text, "level 2 is no role's"
    named, who, pay = heading.index("ID"), heading.index("Employee Name"), heading.index("Salary")
    assert [(r[named], r[who], r[pay]) for r in rows[1:]] == [
        (names[4], "'-Cid", "500.0"), (names[3], "Bob", "400.0"), (names[2], "'@SUM(1)", "300.0"),
        (names[1], '\'=HYPERLINK("http://evil","x")', "200.0")]

    book = api.get(EXPORT, user=WRITER, params={**state, "format": "xlsx"})
    assert book.status_code == 200 and 'filename="Test_Payslip.xlsx"' in book.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == heading
    assert [(r[who], r[pay]) for r in values[1:]] == [("'-Cid", 500), ("Bob", 400), ("'@SUM(1)", 300),
                                                      ('\'=HYPERLINK("http://evil","x")', 200)]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row), "no cell is a formula"


def test_every_row_comes_once_whatever_the_order_and_however_many_share_a_sort_value(api: Api, monkeypatch) -> None:
    """An order by a standard field pages by key (from the last value on; rows sharing it are not repeated), any
    other by offset: both give each row once."""
    names = _payslips(api)
    monkeypatch.setattr(export, "PAGE_ROWS", 2)
    with api.handle.context():
        table = smooth.local.site.table("Test Payslip")
        smooth.db.execute(table.update().values(creation=dt.datetime(2026, 12, 1, 9, 0)), write=True)
        smooth.db.commit()

    def exported(order_by: str) -> list[str]:
        response = api.get(EXPORT, user=WRITER, params={"order_by": order_by, "format": "csv"})
        assert response.status_code == 200, response.text[:500]
        return [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))][1:]

    assert exported("creation desc") == sorted(names, reverse=True), "ties broken by name, none repeated"
    assert exported("creation asc") == sorted(names)
    by_name = exported("employee_name asc")
    assert sorted(by_name) == sorted(names) and len(by_name) == 5


def test_export_needs_the_export_right_and_reads_only_permitted_fields(api: Api) -> None:
    _payslips(api)
    reader = api.get(EXPORT, user=READER, params={"format": "csv"})
    assert reader.status_code == 403 and "may not export Test Payslip" in reader.text
    assert "view/export" not in api.get("/app/test-payslip", user=READER).text
    assert api.get(EXPORT, user=NOBODY, params={"format": "csv"}).status_code == 403
    administrator = api.get(EXPORT, user="Administrator", params={"format": "csv"}).text
    assert "Board Note" in administrator and "confidential" in administrator  # every level is the Administrator's
    assert api.get(EXPORT, user=WRITER, params={"format": "pdf"}).status_code == 417
