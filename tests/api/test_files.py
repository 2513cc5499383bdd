"""Files over HTTP: upload_file, size and type limits, attachments, protected downloads, cleanup."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

import smooth
from smooth.site import SITE_CONFIG, forget_site
from tests.api.helpers import Api, add_user, insert, set_site_config, stored


@pytest.fixture
def files(api: Api) -> Iterator[Api]:
    """The API with no File rows and no stored files, and the site config restored afterwards."""
    config = api.handle.sites_path / api.handle.name / SITE_CONFIG
    original = config.read_text()
    _wipe(api)
    yield api
    config.write_text(original)
    forget_site(api.handle.name, api.handle.sites_path)
    _wipe(api)


def _wipe(api: Api) -> None:
    with api.handle.context():
        smooth.db.execute(delete(smooth.local.site.table("File")), write=True)
        smooth.db.commit()
    for folder in ("public", "private"):
        shutil.rmtree(_site_path(api) / folder, ignore_errors=True)


def _site_path(api: Api) -> Path:
    return api.handle.sites_path / api.handle.name


def _stored_files(api: Api) -> list[str]:
    found = []
    for folder in ("public/files", "private/files"):
        path = _site_path(api) / folder
        if path.is_dir():
            found += sorted(f"{folder}/{p.name}" for p in path.iterdir())
    return found


def upload(api: Api, name: str, content: bytes, *, user: str | None = "Administrator", **data: str):
    return api.post("/api/method/upload_file", user=user, files={"file": (name, content, "application/octet-stream")},
                    data=data)


def test_upload_is_private_by_default_and_stores_the_content(files: Api) -> None:
    response = upload(files, "hello.txt", b"hello world\n")
    assert response.status_code == 200, response.text
    record = response.json()["message"]
    assert record["doctype"] == "File" and record["file_name"] == "hello.txt"
    assert record["is_private"] == 1 and record["file_url"] == "/private/files/hello.txt"
    assert record["file_size"] == 12 and record["content_hash"] == hashlib.sha256(b"hello world\n").hexdigest()
    assert (_site_path(files) / "private/files/hello.txt").read_bytes() == b"hello world\n"
    assert stored(files, "File", record["name"], "file_url") == "/private/files/hello.txt"


def test_public_upload_is_served_to_guests_with_safe_headers(files: Api) -> None:
    record = upload(files, "notes.txt", b"public words", is_private="0").json()["message"]
    assert record["is_private"] == 0 and record["file_url"] == "/files/notes.txt"
    response = files.get("/files/notes.txt", user=None)
    assert response.status_code == 200 and response.content == b"public words"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith('inline; filename="notes.txt"')


def test_a_clashing_name_gets_a_new_stored_name(files: Api) -> None:
    first = upload(files, "report.pdf", b"%PDF-1 one").json()["message"]
    second = upload(files, "report.pdf", b"%PDF-1 two").json()["message"]
    assert first["file_url"] == "/private/files/report.pdf"
    assert second["file_url"] != first["file_url"] and second["file_url"].endswith(".pdf")
    assert second["file_name"] == "report.pdf"
    assert files.get(second["file_url"]).content == b"%PDF-1 two"
    assert files.get(first["file_url"]).content == b"%PDF-1 one"


def test_a_file_name_cannot_escape_the_files_folder(files: Api) -> None:
    record = upload(files, "../../site_config.txt", b"sneaky").json()["message"]
    assert record["file_name"] == "site_config.txt" and record["file_url"] == "/private/files/site_config.txt"
    assert _stored_files(files) == ["private/files/site_config.txt"]
    assert files.get("/private/files/..%2F..%2Fsite_config.json").status_code == 404


def test_a_file_over_the_size_limit_is_refused_with_417_naming_the_limit(files: Api) -> None:
    set_site_config(files.handle, max_file_size=1024)
    response = upload(files, "big.txt", b"x" * 1025)
    assert response.status_code == 417
    assert response.json()["exc_type"] == "ValidationError"
    assert "big.txt is larger than the maximum file size of 1 KiB (1024 bytes)" in response.json()["exception"]
    assert upload(files, "fits.txt", b"x" * 1024).status_code == 200
    assert _stored_files(files) == ["private/files/fits.txt"]


def test_the_default_size_limit_is_ten_mib(files: Api) -> None:
    response = upload(files, "huge.zip", b"\0" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 417 and "10 MiB" in response.json()["exception"]
    assert _stored_files(files) == []


@pytest.mark.parametrize("name", ["page.html", "setup.exe", "script.js", "noextension"])
def test_a_file_type_that_is_not_allowed_is_refused_with_417(files: Api, name: str) -> None:
    response = upload(files, name, b"<script>alert(1)</script>")
    assert response.status_code == 417
    message = response.json()["exception"]
    ext = name.rpartition(".")[2] if "." in name else None
    assert (f"Files of type .{ext} are not allowed" if ext else "Files without an extension are not allowed") in message
    assert "allowed types: csv, docx, gif" in message
    assert _stored_files(files) == []


def test_allowed_extensions_come_from_the_site_config(files: Api) -> None:
    set_site_config(files.handle, allowed_file_extensions=["md"])
    assert upload(files, "readme.md", b"# hi").status_code == 200
    response = upload(files, "photo.png", b"\x89PNG")
    assert response.status_code == 417 and "Files of type .png are not allowed" in response.json()["exception"]


def test_uploading_needs_a_logged_in_user(files: Api) -> None:
    response = upload(files, "anon.txt", b"x", user=None)
    assert response.status_code == 403
    assert _stored_files(files) == []


def test_upload_without_a_file_is_refused(files: Api) -> None:
    response = files.post("/api/method/upload_file", data={"is_private": "1"})
    assert response.status_code == 417 and "multipart form field 'file'" in response.json()["exception"]


def test_attaching_to_a_field_sets_it_on_the_document(files: Api) -> None:
    note = insert(files, {"doctype": "Test Note", "title": "With attachment"})
    response = upload(files, "scan.pdf", b"%PDF-1.4", doctype="Test Note", docname=note, fieldname="attachment")
    assert response.status_code == 200, response.text
    record = response.json()["message"]
    assert (record["attached_to_doctype"], record["attached_to_name"], record["attached_to_field"]) == (
        "Test Note", note, "attachment")
    assert stored(files, "Test Note", note, "attachment") == record["file_url"] == "/private/files/scan.pdf"


def test_attaching_to_a_field_that_is_not_an_attach_field_is_refused(files: Api) -> None:
    note = insert(files, {"doctype": "Test Note", "title": "Plain"})
    response = upload(files, "a.txt", b"a", doctype="Test Note", docname=note, fieldname="title")
    assert response.status_code == 417 and "Test Note has no Attach field 'title'" in response.json()["exception"]
    assert stored(files, "Test Note", note, "title") == "Plain"
    assert _stored_files(files) == []


def test_attaching_needs_write_permission_on_the_document(files: Api) -> None:
    reader = add_user(files, "reader@example.com", "Test Reader")
    note = insert(files, {"doctype": "Test Note", "title": "Not yours"})
    response = upload(files, "a.txt", b"a", user=reader, doctype="Test Note", docname=note, fieldname="attachment")
    assert response.status_code == 403
    assert "may not attach files to Test Note" in response.json()["exception"]
    assert stored(files, "Test Note", note, "attachment") is None
    assert _stored_files(files) == []


def test_attaching_to_a_missing_document_is_a_417_naming_it(files: Api) -> None:
    """An unknown Link is a 417 like any other (it was a 404 from inside the File controller)."""
    response = upload(files, "a.txt", b"a", doctype="Test Note", docname="NOTE-1999-00001")
    assert response.status_code == 417 and "NOTE-1999-00001" in response.json()["exception"]
    assert _stored_files(files) == []


def test_private_download_is_for_the_owner_and_readers_of_the_attached_document(files: Api) -> None:
    owner = add_user(files, "owner@example.com", "Test Writer")
    stranger = add_user(files, "stranger@example.com")
    reader = add_user(files, "reader@example.com", "Test Reader")
    note = insert(files, {"doctype": "Test Note", "title": "Owner's note"}, user=owner)
    url = upload(files, "secret.txt", b"for the owner", user=owner, doctype="Test Note",
                 docname=note).json()["message"]["file_url"]
    own = files.get(url, user=owner)
    assert own.status_code == 200 and own.content == b"for the owner"
    assert own.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in own.headers["cache-control"]
    assert files.get(url, user="Administrator").status_code == 200
    assert files.get(url, user=reader).status_code == 200  # Test Reader may read the note it is attached to
    refused = files.get(url, user=stranger)
    assert refused.status_code == 403 and refused.json()["exc_type"] == "PermissionError"
    assert b"for the owner" not in refused.content
    assert files.get(url, user=None).status_code == 403


def test_an_unattached_private_file_is_only_for_its_owner(files: Api) -> None:
    owner = add_user(files, "owner@example.com")
    other = add_user(files, "other@example.com")
    url = upload(files, "mine.txt", b"mine", user=owner).json()["message"]["file_url"]
    assert files.get(url, user=owner).status_code == 200
    assert files.get(url, user=other).status_code == 403
    assert files.get(url, user=None).status_code == 403
    names = files.list("File", user=other).json()["data"]
    assert names == []


def test_a_file_record_cannot_be_pointed_at_someone_elses_stored_file(files: Api) -> None:
    url = upload(files, "admin-only.txt", b"top secret").json()["message"]["file_url"]
    thief = add_user(files, "thief@example.com")
    response = files.post("/api/resource/File", user=thief, json={"file_name": "mine.txt", "file_url": url})
    assert response.status_code == 417 and "cannot point at a stored file" in response.json()["exception"]
    assert files.get(url, user=thief).status_code == 403


def test_the_stored_url_of_a_file_cannot_be_changed(files: Api) -> None:
    record = upload(files, "fixed.txt", b"x").json()["message"]
    response = files.put(f"/api/resource/File/{record['name']}", json={"is_private": 0})
    assert response.status_code == 417 and "Is Private of a File cannot be changed" in response.json()["exception"]


def test_unknown_files_are_404(files: Api) -> None:
    assert files.get("/files/nothing.txt", user=None).status_code == 404
    assert files.get("/private/files/nothing.txt").status_code == 404
    assert files.get("/private/files/.hidden").status_code == 404


def test_a_private_file_is_not_served_at_the_public_url(files: Api) -> None:
    upload(files, "hidden.txt", b"private")
    assert files.get("/files/hidden.txt", user=None).status_code == 404


def test_deleting_a_file_removes_its_content(files: Api) -> None:
    record = upload(files, "gone.txt", b"bye").json()["message"]
    assert _stored_files(files) == ["private/files/gone.txt"]
    response = files.delete(f"/api/resource/File/{record['name']}")
    assert response.status_code == 202
    assert _stored_files(files) == []
    assert files.get(record["file_url"]).status_code == 404


def test_deleting_a_document_deletes_its_attached_files(files: Api) -> None:
    note = insert(files, {"doctype": "Test Note", "title": "Carrier"})
    record = upload(files, "carried.txt", b"c", doctype="Test Note", docname=note).json()["message"]
    kept = upload(files, "unattached.txt", b"u").json()["message"]
    assert files.delete(f"/api/resource/Test Note/{note}").status_code == 202
    assert stored(files, "File", record["name"]) is None
    assert stored(files, "File", kept["name"]) == kept["name"]
    assert _stored_files(files) == ["private/files/unattached.txt"]


def test_a_failed_request_leaves_no_file_behind(files: Api) -> None:
    with files.handle.context():
        note = smooth.get_doc({"doctype": "Test Note"}).insert(ignore_permissions=True, ignore_mandatory=True).name
        smooth.db.commit()
    response = upload(files, "orphan.txt", b"o", doctype="Test Note", docname=note, fieldname="attachment")
    assert response.status_code == 417 and response.json()["exc_type"] == "MandatoryError"
    with files.handle.context():
        assert smooth.db.count("File") == 0
    assert _stored_files(files) == []


def test_a_rolled_back_insert_removes_the_written_content(files: Api) -> None:
    with files.handle.context():
        doc = smooth.new_doc("File", file_name="draft.csv")
        doc.content = b"a,b\n1,2\n"
        doc.insert()
        assert (_site_path(files) / "private/files/draft.csv").read_bytes() == b"a,b\n1,2\n"
        smooth.db.rollback()
        assert smooth.db.count("File") == 0
    assert _stored_files(files) == []


def test_a_rolled_back_delete_keeps_the_content(files: Api) -> None:
    record = upload(files, "kept.txt", b"k").json()["message"]
    with files.handle.context():
        smooth.delete_doc("File", record["name"])
        smooth.db.rollback()
    assert _stored_files(files) == ["private/files/kept.txt"]
    assert files.get(record["file_url"]).content == b"k"

