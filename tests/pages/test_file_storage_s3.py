"""Files in S3-compatible object storage (site config `file_storage`), against a real S3 protocol server
(moto's `moto_server`, started here as a process): upload, read, delete, private files only through the
permission check and a short-lived signed URL, and the desk's and the onboarding page's uploads.

Storage does not depend on the SQL dialect: SQLite only. moto does not refuse an expired presigned URL
(checked with moto 5.2: it still answers 200), so the expiry is checked where Smooth sets it, in the
signed URL's `X-Amz-Expires`; a real S3 refuses the URL after that many seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import smooth
from tests.api.helpers import Api, set_site_config
from tests.api.s3_server import BUCKET, moto_server, s3_client, storage_config
from tests.conftest import make_user
from tests.hr.test_onboarding_portal import activity_row, setup
from tests.pages.conftest import pages, served, served_site  # noqa: F401
from tests.pages.test_form_attach import NEW, PDF, _employee, _post

EXPIRY = 5


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with moto_server(tmp_path_factory.mktemp("moto")) as endpoint:
        yield endpoint


@pytest.fixture
def s3_site(pages: Api, s3_endpoint: str) -> Iterator[Api]:  # noqa: F811
    set_site_config(pages.handle, file_storage=storage_config(s3_endpoint, url_expiry_seconds=EXPIRY))
    yield pages
    set_site_config(pages.handle, file_storage=None)


def _objects(api: Api, endpoint: str) -> list[str]:
    listed = s3_client(endpoint).list_objects_v2(Bucket=BUCKET, Prefix=f"{api.handle.name}/")
    return sorted(item["Key"].split("/", 1)[1] for item in listed.get("Contents", []))


def _site_files(api: Api) -> list[Path]:
    root = api.handle.sites_path / api.handle.name
    return [p for folder in ("public/files", "private/files") if (root / folder).is_dir()
            for p in (root / folder).iterdir()]


def test_upload_read_and_delete_go_to_the_bucket(s3_site: Api, s3_endpoint: str) -> None:
    local_before = _site_files(s3_site)
    sent = s3_site.post("/api/method/upload_file", files={"file": ("notes.txt", b"in the bucket", "text/plain")},
                        data={"is_private": "0"})
    assert sent.status_code == 200, sent.text
    record = sent.json()["message"]
    assert record["file_url"] == "/files/notes.txt"
    assert "public/notes.txt" in _objects(s3_site, s3_endpoint) and _site_files(s3_site) == local_before
    with s3_site.handle.context():
        assert smooth.get_doc("File", record["name"]).get_content() == b"in the bucket"
        assert smooth.read_file("/files/notes.txt") == b"in the bucket"
    again = s3_site.post("/api/method/upload_file", files={"file": ("notes.txt", b"second", "text/plain")},
                         data={"is_private": "0"}).json()["message"]
    assert again["file_url"] != "/files/notes.txt"  # the taken key is never overwritten
    for name in (record["name"], again["name"]):
        assert s3_site.delete(f"/api/resource/File/{name}").status_code == 202
    assert not [key for key in _objects(s3_site, s3_endpoint) if key.startswith("public/notes")]


def test_a_private_file_is_a_short_lived_signed_url_only_after_the_permission_check(s3_site: Api,
                                                                                    s3_endpoint: str) -> None:
    with s3_site.handle.context():
        make_user("outsider@example.com", "LMS Student")
    sent = s3_site.post("/api/method/upload_file", files={"file": ("payslip.pdf", PDF, "application/pdf")})
    url = sent.json()["message"]["file_url"]
    name = url.rsplit("/", 1)[1]
    refused = s3_site.get(url, user="outsider@example.com", follow_redirects=False)
    assert refused.status_code == 403 and "location" not in refused.headers
    allowed = s3_site.get(url, follow_redirects=False)
    assert allowed.status_code == 302 and allowed.headers["cache-control"].startswith("no-store")
    signed = allowed.headers["location"]
    query = parse_qs(urlsplit(signed).query)
    assert signed.startswith(f"{s3_endpoint}/{BUCKET}/{s3_site.handle.name}/private/{name}")
    assert query["X-Amz-Expires"] == [str(EXPIRY)] and query["X-Amz-Signature"]
    download = httpx.get(signed)
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith('inline; filename="payslip.pdf"')
    unsigned = httpx.get(f"{s3_endpoint}/{BUCKET}/{s3_site.handle.name}/private/{name}")
    assert unsigned.status_code == 403  # the bucket is private: the signed URL is the only way in


def test_desk_attach_and_onboarding_upload_store_in_the_bucket(s3_site: Api, s3_endpoint: str) -> None:
    employee = _employee(s3_site)
    saved = _post(s3_site, NEW, {"employee": employee, "document_type": "Licence", "issue_date": "2026-01-05"},
                  {"file__file": ("licence.pdf", PDF, "application/pdf")})
    assert saved.status_code == 303, saved.text[:2000]
    name = saved.headers["location"].split("?")[0].rsplit("/", 1)[1]
    with s3_site.handle.context():
        url = smooth.db.get_value("Employee Document", name, "file")
    assert f"private/{url.rsplit('/', 1)[1]}" in _objects(s3_site, s3_endpoint)
    nina, _omar = setup(s3_site)
    page = f"/onboarding/{nina.onboarding}/{nina.rows['Proof of identity']}"
    sent = s3_site.post(page, user=nina.user, data={"action": "upload"}, follow_redirects=False,
                        files={"file": ("passport.pdf", b"%PDF-1.4 passport", "application/pdf")})
    assert sent.status_code == 303, sent.text[:800]
    assert activity_row(s3_site, nina, "Proof of identity")["completed"] == 1
    assert s3_site.get(f"{page}?download=document", user=nina.user).content == b"%PDF-1.4 passport"
