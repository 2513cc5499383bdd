"""The Data Import page and its methods over HTTP: upload, preview with bad cells marked, start (the job runs
inline after the response, as on a site without Redis), progress, failures and the failed rows as a file.

SQLite only: the page and the methods are the same on both backends; tests/core/test_data_import.py runs the
import itself on both.
"""

from __future__ import annotations

import csv
import html
import io

import pytest

import smooth
from smooth.jobs.inline import wait_for_deferred_jobs
from tests.api.helpers import Api, add_user

pytestmark = pytest.mark.parametrize("api_server", ["sqlite"], indirect=True)
METHOD = "/api/method/smooth.core.doctype.data_import.data_import"
FILE = "Title,Status,code\nFine,Open,H1\nWrong,Sideways,H2\n"


def test_upload_preview_start_and_failed_rows(api: Api) -> None:
    page = api.get("/app/data-import/new")
    assert page.status_code == 200 and "Download template" in page.text and "<option value=\"Test Note\"" in page.text
    template = api.get(f"{METHOD}.download_template", params={"doctype": "Test Note", "file_type": "CSV"})
    assert template.status_code == 200 and template.text.lstrip("\ufeff").startswith("ID,Title,")

    made = api.post("/app/data-import/new", data={"reference_doctype": "Test Note", "import_type": "Insert New Records",
                                                  "update_key": "name"},
                    files={"import_file": ("notes.csv", FILE.encode(), "text/csv")}, follow_redirects=False)
    assert made.status_code in (302, 303), made.text
    url = made.headers["location"]
    name = url.rsplit("/", 1)[-1]
    shown = api.get(url)
    assert shown.status_code == 200
    bad_cell = 'class="di-bad" title="Status: \'Sideways\' is not one of Open, Closed, Archived"'
    assert bad_cell in html.unescape(shown.text)
    assert 'id="di-start"' in shown.text

    started = api.post(url, data={"action": "start"}, follow_redirects=False)
    assert started.status_code in (302, 303), started.text
    assert wait_for_deferred_jobs()
    progress = api.get(f"{url}/progress")
    assert progress.headers.get("HX-Refresh") == "true" and "1 imported" in progress.text
    done = api.get(url)
    assert "Partial Success" in done.text and 'id="di-download-failed"' in done.text
    failed = api.get(f"{METHOD}.download_failed_rows", params={"data_import": name})
    rows = list(csv.reader(io.StringIO(failed.text.lstrip("\ufeff"))))
    assert rows[0] == ["Title", "Status", "code", "Error"] and rows[1][:3] == ["Wrong", "Sideways", "H2"]
    assert "Sideways" in rows[1][3] and len(rows) == 2
    with api.handle.context():
        assert smooth.db.get_all("Test Note", pluck="code") == ["H1"]


def test_a_user_who_may_not_create_the_doctype_cannot_import_it(api: Api) -> None:
    reader = add_user(api, "import-reader@example.com", "Test Reader")
    page = api.get("/app/data-import/new", user=reader)
    assert page.status_code == 200 and "<option value=\"Test Note\"" not in page.text
    template = api.get(f"{METHOD}.download_template", params={"doctype": "Test Note"}, user=reader)
    assert template.status_code == 403
    made = api.post("/app/data-import/new", user=reader, follow_redirects=False,
                    data={"reference_doctype": "Test Note", "import_type": "Insert New Records"},
                    files={"import_file": ("notes.csv", FILE.encode(), "text/csv")})
    name = made.headers["location"].rsplit("/", 1)[-1]
    refused = api.post(f"{METHOD}.start_import", user=reader, json={"data_import": name})
    assert refused.status_code == 403 and "may not create Test Note" in refused.text
