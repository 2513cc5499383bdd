"""Employee Compliance from a spreadsheet through Data Import: the rows' own rules apply (validate stages
them), and importing the same file again skips what its unique index (employee, compliance type) finds.
SQLite only: the import's dialect-dependent parts run on both backends in tests/core/test_data_import.py."""

from __future__ import annotations

import smooth
from smooth.core.doctype.data_import.importing import run_import
from tests.hr.conftest import make_compliance_type, make_employee


def _import(content: bytes) -> str:
    file = smooth.get_doc({"doctype": "File", "file_name": "compliance.csv", "is_private": 1})
    file.content = content
    file.insert()
    name = smooth.get_doc({"doctype": "Data Import", "reference_doctype": "Employee Compliance",
                           "import_file": file.file_url}).insert().name
    smooth.db.commit()
    run_import(name)
    return str(name)


def test_reimporting_compliance_rows_skips_those_already_there(lms) -> None:
    ada, bo = make_employee("Ada"), make_employee("Bo")
    kind = make_compliance_type("Fire Warden")
    smooth.db.commit()
    done = (smooth.today().replace(day=1)).isoformat()
    content = (f"Employee,Compliance Type,Status,Completion Date\n{ada},{kind},Complete,{done}\n"
               f"{bo},{kind},Complete,2999-01-01\n").encode()
    first = _import(content)
    assert smooth.db.get_value("Data Import", first, ["imported_rows", "failed_rows"]) == (1, 1)
    assert "cannot be in the future" in smooth.db.get_value("Data Import Log", {"data_import": first}, "message")
    assert smooth.db.get_value("Employee Compliance", {"employee": ada}, "renewal_date") is not None

    again = _import(content)
    assert smooth.db.get_value("Data Import", again, ["imported_rows", "skipped_rows", "failed_rows"]) == (0, 1, 1)
    assert smooth.db.count("Employee Compliance", {"employee": ada}) == 1
