"""Attach fields in the desk form: a file chosen on a new or saved document is stored, and kept after a
refused save. Form handling does not depend on the dialect: SQLite only."""

from __future__ import annotations

import html
import re

import smooth
from tests.api.helpers import Api
from tests.conftest import make_user
from tests.hr.conftest import make_document_type, make_employee
from tests.lms.conftest import make_course

HR = "hr@example.com"
NEW = "/app/employee-document/new"
PDF = b"%PDF-1.4\n% a tiny pdf\n"


def _employee(pages: Api) -> str:
    with pages.handle.context():
        make_user(HR, "HR Manager")
        make_document_type("Licence")
        employee = make_employee("Ada", last_name="Driver")
        smooth.db.commit()
        return employee


def _post(pages: Api, path: str, data: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None,
          user: str = HR) -> object:
    return pages.post(path, data={"action": "save", **data}, files=files, user=user, follow_redirects=False)


def _kept_url(page: str, fieldname: str = "file") -> str:
    match = re.search(rf'<input type="hidden" name="{fieldname}" value="([^"]+)">', page)
    assert match, page[:3000]
    return html.unescape(match.group(1))


def test_a_new_document_saves_with_its_mandatory_attach(pages: Api) -> None:
    employee = _employee(pages)
    saved = _post(pages, NEW, {"employee": employee, "document_type": "Licence", "issue_date": "2026-01-05"},
                  {"file__file": ("licence.pdf", PDF, "application/pdf")})
    assert saved.status_code == 303, saved.text[:3000]  # today: "Value missing for ... File"
    name = saved.headers["location"].split("?")[0].rsplit("/", 1)[1]
    with pages.handle.context():
        url = smooth.db.get_value("Employee Document", name, "file")
        stored = smooth.get_doc("File", smooth.db.get_value("File", {"file_url": url}, "name"))
        assert url.startswith("/private/files/licence") and stored.get_content() == PDF
        assert (stored.attached_to_doctype, stored.attached_to_name, stored.attached_to_field) == (
            "Employee Document", name, "file")
    page = pages.get(f"/app/employee-document/{name}", user=HR).text
    assert f'href="{url}"' in page


def test_a_refused_save_keeps_the_chosen_file(pages: Api) -> None:
    employee = _employee(pages)
    refused = _post(pages, NEW, {"employee": employee, "document_type": "", "issue_date": "2026-01-05"},
                    {"file__file": ("licence.pdf", PDF, "application/pdf")})
    assert refused.status_code == 417 and "Document Type" in refused.text and "get_doc" not in refused.text
    url = _kept_url(refused.text)
    assert "Current file:" in refused.text and f'href="{url}"' in refused.text
    assert "The file you chose is kept" in refused.text
    assert pages.get(url, user=HR).content == PDF  # stored, readable by who chose it
    with pages.handle.context():
        assert not smooth.db.get_value("File", {"file_url": url}, "attached_to_name")
    saved = _post(pages, NEW, {"employee": employee, "document_type": "Licence", "issue_date": "2026-01-05",
                               "file": url})
    assert saved.status_code == 303, saved.text[:3000]
    name = saved.headers["location"].split("?")[0].rsplit("/", 1)[1]
    with pages.handle.context():
        assert smooth.db.get_value("Employee Document", name, "file") == url
        assert smooth.db.get_value("File", {"file_url": url}, "attached_to_name") == name


def test_another_users_file_is_not_attached_by_its_url(pages: Api) -> None:
    """The hidden field is only a URL: a file someone else uploaded stays theirs (not attached, not readable)."""
    employee = _employee(pages)
    with pages.handle.context():
        make_user("other@example.com", "HR Manager")
        smooth.db.commit()
    refused = _post(pages, NEW, {"employee": employee, "document_type": ""},
                    {"file__file": ("theirs.pdf", PDF, "application/pdf")}, user="other@example.com")
    url = _kept_url(refused.text)
    saved = _post(pages, NEW, {"employee": employee, "document_type": "Licence", "issue_date": "2026-01-05",
                               "file": url})
    assert saved.status_code == 303
    with pages.handle.context():
        assert not smooth.db.get_value("File", {"file_url": url}, "attached_to_name")
    assert pages.get(url, user=HR).status_code == 403


def test_an_existing_document_takes_an_attach_image(pages: Api) -> None:
    with pages.handle.context():
        make_user("mod@example.com", "Moderator")
        course = make_course("Forklift")
        smooth.db.commit()
    form = f"/app/lms-course/{course}"
    page = pages.get(form, user="mod@example.com").text
    modified = html.unescape(re.search(r'name="modified" value="([^"]*)"', page).group(1))  # type: ignore[union-attr]
    field = re.search(r'<input type="file" id="[^"]+" name="([a-z_]+)__file" [^>]*accept="image/\*"', page)
    assert field, page
    saved = _post(pages, form, {"modified": modified}, {f"{field.group(1)}__file": ("cover.png", b"\x89PNG\r\n",
                                                                                    "image/png")},
                  user="mod@example.com")
    assert saved.status_code == 303, saved.text[:3000]
    with pages.handle.context():
        url = smooth.db.get_value("LMS Course", course, field.group(1))
        assert url and smooth.db.get_value("File", {"file_url": url}, "attached_to_name") == course


def test_a_grid_row_takes_a_file(pages: Api) -> None:
    """An Attach cell of a child table (an onboarding's policy file) is stored and attached to the document."""
    employee = _employee(pages)
    saved = _post(pages, "/app/employee-onboarding/new", {
        "employee": employee, "date_of_joining": "2026-01-05", "activities-0-activity_name": "Code of Conduct",
        "activities-0-kind": "Policy Acknowledgment"},
        {"activities-0-policy_file__file": ("conduct.pdf", PDF, "application/pdf")})
    assert saved.status_code == 303, saved.text[:3000]  # today: the cell's file is dropped without a word
    name = saved.headers["location"].split("?")[0].rsplit("/", 1)[1]
    with pages.handle.context():
        url = smooth.get_doc("Employee Onboarding", name).activities[0].policy_file
        assert url and url.startswith("/private/files/conduct")
        assert smooth.db.get_value("File", {"file_url": url}, ["attached_to_doctype", "attached_to_name"]) == (
            "Employee Onboarding", name)
