"""The Access Log over HTTP, both backends: each read door of a `track_views` doctype (desk form, REST
get, print, file download, report export) writes one row with who, what, when and from where; an
untracked doctype's reads write nothing; the log is read-only, visible to System and HR Managers
only, and trimmed by the retention job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete

import smooth
from smooth.core.doctype.access_log.access_log import delete_expired_logs
from tests.api.helpers import Api, add_user, insert
from tests.core._mini_app import recorded_sql

TRACKED = "Test Personnel File"
READER = "reader@example.com"
HR = "hr@example.com"
UA = {"User-Agent": "access-log-test/1.0"}


@pytest.fixture
def logged(api: Api) -> Iterator[Api]:
    add_user(api, READER, "Test Reader")
    with api.handle.context():
        if not smooth.db.exists("Role", "HR Manager"):
            smooth.get_doc({"doctype": "Role", "role_name": "HR Manager"}).insert()
        smooth.db.commit()
    add_user(api, HR, "HR Manager")
    insert(api, {"doctype": TRACKED, "title": "PF-1", "notes": "background check"})
    yield api
    with api.handle.context():
        smooth.db.execute(delete(smooth.local.site.table("File")), write=True)
        smooth.db.commit()


def _entries(api: Api) -> list[dict[str, Any]]:
    with api.handle.context():
        return smooth.get_all("Access Log", fields=["user", "export_from", "reference_document", "method",
                                                    "ip_address", "user_agent", "timestamp"],
                              order_by="timestamp asc, creation asc")


def test_each_read_door_of_a_tracked_doctype_writes_one_row(logged: Api) -> None:
    assert logged.get(f"/api/resource/{TRACKED}/PF-1", user=READER, headers=UA).status_code == 200
    assert logged.call("frappe.client.get", user=READER, doctype=TRACKED, name="PF-1").status_code == 200
    assert logged.get("/app/test-personnel-file/PF-1", user=READER).status_code == 200
    assert logged.get("/printview", user=READER, params={"doctype": TRACKED, "name": "PF-1"}).status_code == 200
    csv = logged.get("/app/test-personnel-file/view/report", user=READER, params={"format": "csv"})
    assert csv.status_code == 200 and "PF-1" in csv.text
    rows = _entries(logged)
    assert [(r["user"], r["export_from"], r["reference_document"], r["method"]) for r in rows] == [
        (READER, TRACKED, "PF-1", "Open"), (READER, TRACKED, "PF-1", "Open"), (READER, TRACKED, "PF-1", "Open"),
        (READER, TRACKED, "PF-1", "Print"), (READER, TRACKED, "1 rows", "Export")]
    assert rows[0]["ip_address"] == "127.0.0.1" and rows[0]["user_agent"] == UA["User-Agent"]
    assert abs(rows[0]["timestamp"] - smooth_now(logged)) < dt.timedelta(minutes=1)


def smooth_now(api: Api) -> dt.datetime:
    with api.handle.context():
        return smooth.now_datetime()


def test_downloading_a_file_attached_to_a_tracked_record_is_logged(logged: Api) -> None:
    uploaded = logged.post("/api/method/upload_file", files={"file": ("licence.txt", b"licence", "text/plain")},
                           data={"doctype": TRACKED, "docname": "PF-1", "is_private": "1"})
    assert uploaded.status_code == 200, uploaded.text
    url = uploaded.json()["message"]["file_url"]
    assert logged.get(url).status_code == 200
    assert [(r["user"], r["reference_document"], r["method"]) for r in _entries(logged)] == [
        ("Administrator", "PF-1", "Download")]


def test_reads_of_an_untracked_doctype_write_nothing_and_cost_no_statement(logged: Api) -> None:
    name = insert(logged, {"doctype": "Test Category", "category_name": "C1"})
    with recorded_sql(logged.handle) as untracked:
        assert logged.get(f"/api/resource/Test Category/{name}").status_code == 200
    with recorded_sql(logged.handle) as tracked:
        assert logged.get(f"/api/resource/{TRACKED}/PF-1").status_code == 200
    assert not [s for s in untracked if "Access Log" in s]
    assert len([s for s in tracked if "Access Log" in s]) == 1  # one INSERT, nothing read first
    assert len(_entries(logged)) == 1


def test_the_log_is_read_only_and_visible_to_system_and_hr_managers_only(logged: Api) -> None:
    logged.get(f"/api/resource/{TRACKED}/PF-1", user=READER)
    assert logged.list("Access Log", user=READER).status_code == 403
    for manager in ("Administrator", HR):
        rows = logged.list("Access Log", user=manager, fields='["name", "reference_document"]').json()["data"]
        assert [r["reference_document"] for r in rows] == ["PF-1"]
    name = rows[0]["name"]
    for user in ("Administrator", HR):
        assert logged.put(f"/api/resource/Access Log/{name}", user=user, json={"user": "x"}).status_code == 403
        assert logged.delete(f"/api/resource/Access Log/{name}", user=user).status_code == 403
        assert logged.post("/api/resource/Access Log", user=user, json={"method": "Open"}).status_code == 403
    assert len(_entries(logged)) == 1


def test_retention_job_deletes_rows_older_than_the_setting(logged: Api) -> None:
    logged.get(f"/api/resource/{TRACKED}/PF-1", user=READER)
    with logged.handle.context():
        table = smooth.local.site.table("Access Log")
        old = smooth.now_datetime() - dt.timedelta(days=40)
        smooth.db.execute(table.insert().values(name="old-row", owner=READER, creation=old, modified=old,
                                                modified_by=READER, docstatus=0, idx=0, user=READER,
                                                export_from=TRACKED, reference_document="PF-1", method="Open",
                                                timestamp=old), write=True)
        smooth.db.set_single_value("System Settings", "access_log_retention_days", 30)
        assert delete_expired_logs() == 1
        smooth.db.set_single_value("System Settings", "access_log_retention_days", 0)
        assert delete_expired_logs() == 0  # 0 keeps everything
        smooth.db.set_single_value("System Settings", "access_log_retention_days", 365)
        smooth.db.commit()
    assert len(_entries(logged)) == 1
