"""Data Import on the test app's Test Note (a Link, a Date, a Select, a unique Data field and a child table).

Parsing is pure; the rest runs on both backends (savepoints, duplicate keys and the batch commits
are where the dialects differ). The import job is called in the test's thread, as the job runner
and `bench data-import` call it: it opens its own units of work.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import smooth
from smooth.cli import cli
from smooth.core.doctype.data_import.data_import import (
    download_failed_rows,
    download_template,
    get_preview,
    start_import,
)
from smooth.core.doctype.data_import.importing import run_import
from smooth.core.doctype.data_import.spreadsheet import read_rows, write_rows
from tests.conftest import SiteHandle, make_user

HEADER = ["Title", "Status", "Due Date", "code", "Category", "Tag (Tags)", "Weight (Tags)"]


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _new_import(rows: list[list[object]], import_type: str = "Insert New Records", file_name: str = "notes.csv",
                content: bytes | None = None, **values: object) -> str:
    file = smooth.get_doc({"doctype": "File", "file_name": file_name, "is_private": 1})
    file.content = content if content is not None else _csv(rows)
    file.insert()
    doc = smooth.get_doc({"doctype": "Data Import", "reference_doctype": "Test Note", "import_type": import_type,
                          "import_file": file.file_url, **values}).insert()
    smooth.db.commit()
    return str(doc.name)


def _notes() -> dict[str, dict[str, object]]:
    return {n["code"]: n for n in smooth.get_all("Test Note", fields=["name", "title", "status", "code", "category"])}


def _status(name: str) -> dict[str, object]:
    return smooth.db.get_value("Data Import", name, ["status", "imported_rows", "skipped_rows", "failed_rows",
                                                     "total_rows"], as_dict=True)


@pytest.fixture
def imports(site: SiteHandle) -> Iterator[SiteHandle]:
    with site.context():
        smooth.get_doc({"doctype": "Test Category", "category_name": "Safety"}).insert()
        smooth.db.commit()
        yield site
        smooth.db.rollback()


def test_csv_and_xlsx_read_back_what_was_written(tmp_path: Path) -> None:
    rows = [["Title", "When", "Count"], ["=cmd()", "2026-01-02", 3], [" padded ", None, None], [None, None, None]]
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"rows.{fmt}"
        write_rows(path, rows, fmt)
        read = read_rows(path.read_bytes(), path.name)
        assert read[0] == ["Title", "When", "Count"]
        assert read[1][0] == "'=cmd()"  # a formula is kept as text
        assert str(read[1][2]) == "3"
        assert read[2][0] == "padded"
        assert len(read) == 3  # the empty last row is dropped
    assert read_rows("\ufeffA,B\n1,2\n".encode(), "x.csv") == [["A", "B"], ["1", "2"]]
    with pytest.raises(smooth.ValidationError, match="not a spreadsheet"):
        read_rows(b"", "notes.pdf")


def test_template_and_auto_mapping(imports: SiteHandle) -> None:
    template = download_template("Test Note", "XLSX")
    headers = [c.value for c in next(load_workbook(template.path).worksheets[0].iter_rows())]
    assert headers[:2] == ["ID", "Title"]
    assert "Tag (Tags)" in headers and "Category (Tags)" in headers and "Secret" not in headers
    name = _new_import([HEADER + ["Nonsense"], ["A", "Open", "2026-01-01", "A1", "Safety", "", "", "x"]])
    mapping = json.loads(smooth.db.get_value("Data Import", name, "column_mapping"))
    assert mapping == {"0": "title", "1": "status", "2": "due_date", "3": "code", "4": "category",
                       "5": "tags.tag", "6": "tags.weight", "7": ""}


def test_preview_shows_each_bad_cell_and_writes_nothing(imports: SiteHandle) -> None:
    name = _new_import([HEADER, ["Good", "Open", "2026-01-01", "G1", "Safety", "first", "1"],
                        ["", "", "", "", "", "second", "two"],
                        ["Bad", "Sideways", "next week", "B1", "Nowhere", "", ""],
                        ["", "Open", "", "M1", "", "", ""]])
    shown = get_preview(name)
    cells = {(r["row_number"], i): c["error"] for r in shown["rows"] for i, c in enumerate(r["cells"])}
    assert shown["records"] == 3
    assert cells[2, 0] == "" and cells[3, 5] == ""
    assert cells[3, 6] == "Weight: 'two' is not a whole number"
    assert "Sideways" in cells[4, 1] and "not one of" in cells[4, 1]
    assert "not a date" in cells[4, 2]
    assert "Test Category 'Nowhere' not found" in cells[4, 4]
    assert cells[5, 0] == "Title is mandatory"
    assert shown["error_count"] == 5
    assert smooth.db.count("Test Note") == 0


def test_insert_logs_failures_and_a_rerun_does_not_duplicate(imports: SiteHandle) -> None:
    rows = [HEADER, ["One", "Open", "2026-01-01", "C1", "Safety", "a", "1"], ["", "", "", "", "", "b", "2"],
            ["Two", "Sideways", "", "C2", "", "", ""],
            ["Three", "Closed", "", "C3", "Nowhere", "", ""],
            ["Four", "", "", "C4", "", "", ""]]
    name = _new_import(rows)
    run_import(name)
    assert _status(name) == {"status": "Partial Success", "imported_rows": 2, "skipped_rows": 0,
                             "failed_rows": 2, "total_rows": 4}
    notes = _notes()
    assert sorted(notes) == ["C1", "C4"]
    assert [t.tag for t in smooth.get_doc("Test Note", notes["C1"]["name"]).tags] == ["a", "b"]
    logs = smooth.get_all("Data Import Log", filters={"data_import": name}, fields=["row_number", "message"],
                          order_by="row_number asc")
    assert [log["row_number"] for log in logs] == [4, 5]
    assert "Sideways" in logs[0]["message"] and "Nowhere" in logs[1]["message"]

    failed = download_failed_rows(name)
    assert failed.filename == "notes failed rows.csv"
    back = read_rows(failed.path.read_bytes(), failed.filename)
    assert back[0] == HEADER + ["Error"]
    assert [r[0] for r in back[1:]] == ["Two", "Three"] and "Sideways" in back[1][-1]

    run_import(name)  # again: only the failed rows, which fail again; nothing is imported twice
    assert _status(name)["failed_rows"] == 2 and smooth.db.count("Test Note") == 2

    again = _new_import(rows)  # the same file as a new import: the unique codes are found
    run_import(again)
    assert _status(again) == {"status": "Partial Success", "imported_rows": 0, "skipped_rows": 2,
                              "failed_rows": 2, "total_rows": 4}
    assert smooth.db.count("Test Note") == 2


def test_update_by_name_or_unique_field_and_upsert(imports: SiteHandle) -> None:
    first = smooth.get_doc({"doctype": "Test Note", "title": "Old", "code": "U1", "status": "Open",
                            "tags": [{"tag": "old"}]}).insert()
    smooth.db.commit()
    by_name = _new_import([["ID", "Title", "Tag (Tags)"], [first.name, "Renamed", "x"], ["", "", "y"],
                           ["NOTE-NONE", "Ghost", ""]], "Update Existing Records")
    run_import(by_name)
    assert smooth.db.get_value("Test Note", first.name, "title") == "Renamed"
    assert [t.tag for t in smooth.get_doc("Test Note", first.name).tags] == ["x", "y"]  # the file's rows replace
    assert _status(by_name)["failed_rows"] == 1
    assert "No Test Note with ID 'NOTE-NONE'" in smooth.db.get_value("Data Import Log", {"data_import": by_name},
                                                                      "message")
    by_code = _new_import([["code", "Status"], ["U1", "Closed"]], "Update Existing Records", update_key="code")
    run_import(by_code)
    assert smooth.db.get_value("Test Note", first.name, "status") == "Closed"
    upsert = _new_import([["code", "Title"], ["U1", "Upserted"], ["U2", "New one"]], "Upsert", update_key="code")
    run_import(upsert)
    assert _status(upsert)["status"] == "Success"
    assert {k: v["title"] for k, v in _notes().items()} == {"U1": "Upserted", "U2": "New one"}
    with pytest.raises(smooth.ValidationError, match="unique field"):
        _new_import([["Title"], ["x"]], "Update Existing Records", update_key="title")


def test_xlsx_import_and_a_user_without_create_permission(imports: SiteHandle, tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    write_rows(path, [["Title", "Due Date", "code"], ["Sheet", "2026-03-04", 1001]], "xlsx")
    name = _new_import([], file_name="notes.xlsx", content=path.read_bytes())
    run_import(name)
    note = smooth.get_doc("Test Note", _notes()["1001"]["name"])
    assert str(note.due_date) == "2026-03-04"

    reader = make_user("reader@example.com", "Test Reader")
    with imports.context(user=reader):
        mine = _new_import([["Title"], ["Not mine"]])
        with pytest.raises(smooth.PermissionError, match="may not create Test Note"):
            run_import(mine)
    assert smooth.db.count("Test Note", {"title": "Not mine"}) == 0


@pytest.mark.parametrize("test_site", ["sqlite"], indirect=True)  # the command's work is the job's, tested above
def test_bench_data_import(imports: SiteHandle, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes(_csv([["Title", "Status"], ["From the CLI", "Open"], ["Bad", "Sideways"]]))
    result = CliRunner().invoke(cli, ["--sites-path", str(imports.sites_path), "--site", imports.name, "data-import",
                                      "--doctype", "Test Note", "--file", str(path)])
    assert result.exit_code == 0, result.output
    assert "Importing notes.csv into Test Note" in result.output
    assert ": Partial Success: 1 imported, 0 skipped (already there), 1 failed of 2 records" in result.output
    assert "row 3: Status" in result.output
    smooth.db.rollback()  # a fresh transaction sees the command's commits
    assert smooth.db.get_all("Test Note", pluck="title") == ["From the CLI"]


@pytest.mark.parametrize("test_site", ["sqlite"], indirect=True)  # no SQL of its own
def test_a_running_import_starts_again_only_once_its_worker_fell_silent(imports: SiteHandle) -> None:
    name = _new_import([["Title"], ["Once"]])
    smooth.db.set_value("Data Import", name, "status", "Running")  # stamps modified: a batch just ended
    with pytest.raises(smooth.ValidationError, match="already running"):
        start_import(name)
    smooth.db.set_value("Data Import", name, "modified", smooth.now_datetime() - dt.timedelta(minutes=20),
                        update_modified=False)
    start_import(name)  # the worker died: queued again (inline here, run after the commit)
    smooth.db.commit()
    assert smooth.db.get_value("Data Import", name, "status") == "Success"
    assert smooth.db.get_all("Test Note", pluck="title") == ["Once"]
