"""/onboarding served for real: the new hire's checklist and training, ticking tasks, uploading documents,
signing policies (typed name, IP, SHA-256, a private PDF on the employee file), and nobody else's onboarding."""

from __future__ import annotations

import hashlib
import html
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import smooth
from tests.api.helpers import Api
from tests.conftest import make_user
from tests.pages.conftest import pages, served, served_site  # noqa: F401
from tests.pages.served import page_text

ARTIFACTS = Path(os.environ.get("SMOOTH_SCREENSHOT_DIR") or Path(__file__).parents[1] / "e2e" / "screenshots")
POLICY = "<p>Treat colleagues with respect.</p><p>Report <strong>unsafe</strong> work.</p>"


@dataclass
class Hire:
    user: str
    employee: str
    onboarding: str
    rows: dict[str, str]  # activity name -> row name
    course: str


def _hire(first: str, email: str, course: str) -> Hire:
    make_user(email, "LMS Student")
    employee = smooth.get_doc({"doctype": "Employee", "first_name": first, "last_name": "Newhire", "user_id": email,
                               "date_of_joining": "2030-03-02"}).insert().name
    doc = smooth.get_doc({"doctype": "Employee Onboarding", "employee": employee, "activities": [
        {"activity_name": "Read the handbook", "kind": "Task"},
        {"activity_name": "Set up laptop", "kind": "Task", "user": "it@example.com"},
        {"activity_name": "Proof of identity", "kind": "Upload Document", "document_type": "ID Proof",
         "description": "A scan of your passport or ID card"},
        {"activity_name": "Code of Conduct", "kind": "Policy Acknowledgment", "policy_text": POLICY},
    ]}).insert()
    doc.submit()
    return Hire(email, employee, doc.name, {r.activity_name: r.name for r in doc.activities}, course)


def setup(api: Api) -> tuple[Hire, Hire]:
    with api.handle.context():
        make_user("it@example.com", "HR User")
        smooth.get_doc({"doctype": "Employee Document Type", "document_type": "ID Proof",
                        "allowed_file_types": "pdf, png"}).insert()
        course = smooth.get_doc({"doctype": "LMS Course", "title": "Safety Basics", "published": 1, "mandatory": 1,
                                 "default_due_days": 14}).insert().name
        hires = _hire("Nina", "nina@example.com", course), _hire("Omar", "omar@example.com", course)
        smooth.db.commit()
    return hires


def activity_row(api: Api, hire: Hire, activity: str) -> dict[str, object]:
    with api.handle.context():
        return smooth.get_doc("Employee Onboarding", hire.onboarding).activities[
            list(hire.rows).index(activity)].as_dict()


def pdf_text(content: bytes, tmp: Path) -> str:
    path = tmp / "ack.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_checklist_and_training_for_the_new_hire_only(pages: Api) -> None:  # noqa: F811
    nina, _omar = setup(pages)
    page = pages.get("/onboarding", user=nina.user)
    assert page.status_code == 200, page.text[:500]
    text = page_text(page.text)
    assert "Welcome, Nina" in text and "0 of 4 done" in text
    for activity in nina.rows:
        assert activity in text
    assert "it@example.com takes care of it" in text
    assert f'href="/lms/courses/{nina.course}"' in page.text and "due 2030-03-16" in text
    assert f'href="/onboarding/{nina.onboarding}/{nina.rows["Code of Conduct"]}"' in page.text
    assert page.text.count('value="done"') == 1  # only the task that is hers to tick
    same = pages.get(f"/onboarding/{nina.onboarding}", user=nina.user)
    assert same.status_code == 200 and "Welcome, Nina" in same.text
    guest = pages.get("/onboarding", user=None, follow_redirects=False)
    assert guest.status_code in (302, 303) and guest.headers["location"].startswith("/login")


def test_another_employees_onboarding_is_unreachable(pages: Api) -> None:  # noqa: F811
    nina, omar = setup(pages)
    sign = {"action": "sign", "agree": "1", "signature": "Nina Newhire"}
    for path in (f"/onboarding/{omar.onboarding}", f"/onboarding/{omar.onboarding}/{omar.rows['Code of Conduct']}",
                 f"/onboarding/{nina.onboarding}/{omar.rows['Code of Conduct']}",
                 f"/onboarding/{omar.onboarding}/{omar.rows['Code of Conduct']}?download=document",
                 "/onboarding/HR-EMP-ONB-2000-00404"):
        assert pages.get(path, user=nina.user).status_code == 404, path
    assert pages.post(f"/onboarding/{omar.onboarding}/{omar.rows['Code of Conduct']}", user=nina.user,
                      data=sign).status_code == 404
    assert pages.post(f"/onboarding/{omar.onboarding}", user=nina.user,
                      data={"action": "done", "activity": omar.rows["Read the handbook"]}).status_code == 404
    assert activity_row(pages, omar, "Code of Conduct")["completed"] == 0
    assert activity_row(pages, omar, "Read the handbook")["completed"] == 0
    with pages.handle.context():
        make_user("stranger@example.com", "LMS Student")
    lost = pages.get("/onboarding", user="stranger@example.com")
    assert lost.status_code == 404 and "No employee record is linked to your login" in lost.text


def test_signing_a_policy_files_a_private_pdf_with_the_hash(pages: Api, tmp_path: Path) -> None:  # noqa: F811
    nina, _omar = setup(pages)
    url = f"/onboarding/{nina.onboarding}/{nina.rows['Code of Conduct']}"
    page = pages.get(url, user=nina.user)
    digest = hashlib.sha256(POLICY.encode()).hexdigest()
    assert page.status_code == 200 and "Treat colleagues with respect." in page.text and digest in page.text
    wrong = pages.post(url, user=nina.user, data={"action": "sign", "agree": "1", "signature": "Nina Oldname"})
    assert wrong.status_code == 417
    assert ("The signature must be your full name as on your employee record (Nina Newhire); you typed "
            "“Nina Oldname”") in page_text(wrong.text)
    assert 'value="Nina Oldname"' in wrong.text
    unticked = pages.post(url, user=nina.user, data={"action": "sign", "signature": "Nina Newhire"})
    assert unticked.status_code == 417 and "I have read this policy and agree to it” to sign it" in unticked.text
    assert activity_row(pages, nina, "Code of Conduct")["completed"] == 0

    signed = pages.post(url, user=nina.user, follow_redirects=False,
                        data={"action": "sign", "agree": "1", "signature": "  nina   NEWHIRE "})
    assert signed.status_code == 303, signed.text[:800]
    assert pages.get(signed.headers["location"], user=nina.user).text.count("Policy signed") == 1
    row = activity_row(pages, nina, "Code of Conduct")
    assert row["completed"] == 1 and row["signed_name"] == "nina NEWHIRE" and row["policy_hash"] == digest
    assert row["signed_ip"] and row["signed_on"]
    with pages.handle.context():
        filed = smooth.get_doc("Employee Document", row["employee_document"])
        stored = smooth.get_all("File", filters={"file_url": filed.file}, fields=["is_private", "attached_to_doctype",
                                                                                  "attached_to_name"])
    assert filed.document_type == "Policy Acknowledgment" and filed.employee == nina.employee
    assert (filed.reference_doctype, filed.reference_name) == ("Employee Onboarding", nina.onboarding)
    assert filed.file.startswith("/private/files/") and filed.file.endswith(".pdf")
    assert stored == [{"is_private": 1, "attached_to_doctype": "Employee Document", "attached_to_name": filed.name}]
    assert digest in (filed.notes or "")
    download = pages.get(f"{url}?download=document", user=nina.user)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"policy-acknowledgment-{pages.handle.backend}.pdf").write_bytes(download.content)  # to look at
    text = " ".join(pdf_text(download.content, tmp_path).split())
    assert digest in text and "nina NEWHIRE" in text and "Treat colleagues with respect." in text
    assert str(row["signed_ip"]) in text
    assert pages.get(filed.file, user="omar@example.com").status_code in (403, 404)
    again = pages.post(url, user=nina.user, data={"action": "sign", "agree": "1", "signature": "Nina Newhire"})
    assert again.status_code == 417 and "You already signed Code of Conduct" in again.text


def test_uploading_a_document_files_it_privately_and_keeps_history(pages: Api) -> None:  # noqa: F811
    nina, _omar = setup(pages)
    url = f"/onboarding/{nina.onboarding}/{nina.rows['Proof of identity']}"
    page = pages.get(url, user=nina.user)
    assert page.status_code == 200 and 'accept=".pdf,.png"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    refused = pages.post(url, user=nina.user, data={"action": "upload"},
                         files={"file": ("tool.exe", b"MZ binary", "application/octet-stream")})
    assert refused.status_code == 417 and "ID Proof accepts pdf, png files, not .exe (tool.exe)" in refused.text
    assert "The file was not kept: choose it again." in refused.text
    sent = pages.post(url, user=nina.user, data={"action": "upload"}, follow_redirects=False,
                      files={"file": ("passport.pdf", b"%PDF-1.4 passport", "application/pdf")})
    assert sent.status_code == 303, sent.text[:800]
    first = activity_row(pages, nina, "Proof of identity")
    assert first["completed"] == 1 and first["employee_document"]
    again = pages.post(url, user=nina.user, data={"action": "upload"}, follow_redirects=False,
                       files={"file": ("passport-new.png", b"\x89PNG new", "image/png")})
    assert again.status_code == 303
    second = activity_row(pages, nina, "Proof of identity")
    with pages.handle.context():
        new = smooth.get_doc("Employee Document", second["employee_document"])
        old = smooth.get_doc("Employee Document", first["employee_document"])
        private = smooth.get_all("File", filters={"file_url": ["in", [new.file, old.file]]}, pluck="is_private")
    assert new.supersedes == old.name and old.superseded_by == new.name
    assert new.document_type == "ID Proof" and new.file.startswith("/private/files/") and private == [1, 1]
    assert pages.get(f"{url}?download=document", user=nina.user).content == b"\x89PNG new"


def test_ticking_tasks_completes_the_onboarding(pages: Api) -> None:  # noqa: F811
    nina, _omar = setup(pages)
    base = f"/onboarding/{nina.onboarding}"
    others = pages.post(base, user=nina.user, data={"action": "done", "activity": nina.rows["Set up laptop"]})
    assert others.status_code == 403 and "Set up laptop is for it@example.com to do" in others.text
    done = pages.post(base, user=nina.user, follow_redirects=False,
                      data={"action": "done", "activity": nina.rows["Read the handbook"]})
    assert done.status_code == 303
    with pages.handle.context():
        doc = smooth.get_doc("Employee Onboarding", nina.onboarding)
        assert doc.boarding_status == "In Process"
        for row in doc.activities:
            row.completed = 1
        doc.save()
        assert doc.boarding_status == "Completed"
        smooth.db.commit()
    page = pages.get("/onboarding", user=nina.user)
    assert "4 of 4 done" in page_text(page.text) and "Completed" in page.text


def test_hr_assigns_courses_published_later_from_the_desk_button(pages: Api) -> None:  # noqa: F811
    nina, _omar = setup(pages)
    with pages.handle.context():
        make_user("hr@example.com", "HR User")
        later = smooth.get_doc({"doctype": "LMS Course", "title": "Hazmat", "published": 1, "mandatory": 1,
                                "default_due_days": 5}).insert().name
        smooth.db.commit()
    url = f"/app/employee-onboarding/{nina.onboarding}"
    page = pages.get(url, user="hr@example.com")
    assert page.status_code == 200, page.text[:500]
    buttons = {html.unescape(label): key for key, label in
               re.findall(r'name="action" value="(button:\d+)"[^>]*>([^<]+)</button>', page.text)}
    assert "Assign New Mandatory Courses" in buttons
    modified = re.search(r'name="modified" value="([^"]*)"', page.text)
    assert modified
    said = []
    for _ in range(2):
        pressed = pages.post(url, user="hr@example.com", follow_redirects=False, data={
            "action": buttons["Assign New Mandatory Courses"], "modified": html.unescape(modified.group(1))})
        assert pressed.status_code == 200, pressed.text[:500]
        said.append(re.findall(r'<section class="alert alert-success server-messages"[^>]*>\s*<p>([^<]+)</p>',
                               pressed.text))
    assert said == [["Assigned 1 new course to Nina Newhire"], ["Nina Newhire already has every course they need"]]
    with pages.handle.context():
        rows = smooth.get_all("LMS Training Assignment", filters={"member": nina.user}, fields=["course", "due_date"])
    assert sorted(r["course"] for r in rows) == sorted([nina.course, later])
    assert str(next(r["due_date"] for r in rows if r["course"] == later)) == "2030-03-07"


def test_a_hire_with_a_name_as_long_as_its_field_signs_and_uploads(pages: Api) -> None:  # noqa: F811
    """The filed title is "<activity>: <name>"; with a 139-character name it was too long for the title (417)."""
    name = ("Maximiliana " + "Long" * 40)[:139]  # as long a name as the fields take
    assert len(name) == 139
    with pages.handle.context():
        make_user("long@example.com", "LMS Student")
        smooth.get_doc({"doctype": "Employee Document Type", "document_type": "ID Proof",
                        "allowed_file_types": "pdf, png"}).insert()
        employee = smooth.get_doc({"doctype": "Employee", "first_name": name, "user_id": "long@example.com",
                                   "date_of_joining": "2030-03-02"}).insert().name
        doc = smooth.get_doc({"doctype": "Employee Onboarding", "employee": employee, "activities": [
            {"activity_name": "Code of Conduct", "kind": "Policy Acknowledgment", "policy_text": POLICY},
            {"activity_name": "Proof of identity", "kind": "Upload Document", "document_type": "ID Proof"}]}).insert()
        doc.submit()
        smooth.db.commit()
    policy, upload = (f"/onboarding/{doc.name}/{row.name}" for row in doc.activities)
    signed = pages.post(policy, user="long@example.com", follow_redirects=False,
                        data={"action": "sign", "agree": "1", "signature": name})
    assert signed.status_code == 303, page_text(signed.text)[:600]
    sent = pages.post(upload, user="long@example.com", follow_redirects=False, data={"action": "upload"},
                      files={"file": ("id.pdf", b"%PDF-1.4 scan", "application/pdf")})
    assert sent.status_code == 303, page_text(sent.text)[:600]
    with pages.handle.context():
        titles = smooth.get_all("Employee Document", filters={"employee": employee}, pluck="title")
    assert sorted(len(t) for t in titles) == [140, 140]
    assert all(t.endswith("…") for t in titles) and "Code of Conduct: Maximiliana Long" in " ".join(titles)


def test_a_german_new_hire_reads_the_portal_and_its_refusals_in_german(pages: Api) -> None:  # noqa: F811
    _nina, omar = setup(pages)
    with pages.handle.context():
        smooth.db.set_value("User", omar.user, "language", "de")
        smooth.db.commit()
    text = page_text(pages.get("/onboarding", user=omar.user).text)
    assert "Willkommen, Omar" in text and "0 von 4 erledigt" in text and "it@example.com kümmert sich darum" in text
    assert "Aufgabe" in text and "Lesen und unterzeichnen" in text and "Welcome" not in text
    policy = f"/onboarding/{omar.onboarding}/{omar.rows['Code of Conduct']}"
    assert "Richtlinie unterzeichnen" in pages.get(policy, user=omar.user).text
    refused = pages.post(policy, user=omar.user, data={"action": "sign", "signature": "Omar Newhire"})
    assert "Kreuzen Sie „Ich habe diese Richtlinie gelesen und stimme ihr zu“ an" in refused.text
