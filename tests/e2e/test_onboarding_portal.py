"""A new hire on /onboarding in a real browser: signs a policy (after a refused signature) and uploads a document."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

import smooth
from tests.conftest import make_user
from tests.e2e.conftest import PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot

POLICY = "<p>Treat colleagues with respect.</p><ul><li>Report unsafe work.</li><li>Protect customer data.</li></ul>"


def _new_hire(live: LiveSite) -> str:
    with live.handle.context():
        make_user("nina@example.com", "LMS Student", password="nina-pw-1")
        smooth.db.set_value("User", "nina@example.com", "user_type", "Website User")
        smooth.get_doc({"doctype": "Employee Document Type", "document_type": "ID Proof",
                        "allowed_file_types": "pdf, png, jpg"}).insert()
        smooth.get_doc({"doctype": "LMS Course", "title": "Safety Basics", "published": 1, "mandatory": 1,
                        "default_due_days": 14}).insert()
        employee = smooth.get_doc({"doctype": "Employee", "first_name": "Nina", "last_name": "Newhire",
                                   "user_id": "nina@example.com", "date_of_joining": smooth.today()}).insert()
        doc = smooth.get_doc({"doctype": "Employee Onboarding", "employee": employee.name, "activities": [
            {"activity_name": "Code of Conduct", "kind": "Policy Acknowledgment", "policy_text": POLICY},
            {"activity_name": "Proof of identity", "kind": "Upload Document", "document_type": "ID Proof",
             "description": "A scan of your passport or ID card"},
        ]}).insert()
        doc.submit()
        smooth.db.commit()
        return str(doc.name)


def test_new_hire_signs_a_policy_and_uploads_a_document(page: Page, live: LiveSite, tmp_path: Path) -> None:
    onboarding = _new_hire(live)
    backend = live.handle.backend
    log_in(page, "nina@example.com", "nina-pw-1", then="/onboarding")
    expect(page).to_have_url(re.compile(r"/onboarding$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Nina")
    expect(page.get_by_role("link", name="Safety Basics")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "onboarding-checklist", backend)

    page.get_by_role("link", name="Read and sign: Code of Conduct").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Code of Conduct")
    expect(page.get_by_text("Protect customer data.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I have read this policy and agree to it").check()
    page.get_by_label("Type your full name to sign").fill("Nina Someone")
    page.get_by_role("button", name="Sign the policy").click()
    expect(page.get_by_role("alert")).to_have_text(
        "The signature must be your full name as on your employee record (Nina Newhire); you typed “Nina Someone”")
    expect(page.get_by_label("Type your full name to sign")).to_have_value("Nina Someone")
    assert_accessible(page)
    screenshot(page, "onboarding-sign-refused", backend)
    page.get_by_label("I have read this policy and agree to it").check()
    page.get_by_label("Type your full name to sign").fill("nina newhire")
    page.get_by_label("Type your full name to sign").press("Enter")
    expect(page).to_have_url(re.compile(rf"/onboarding/{onboarding}\?signed=1"))
    expect(page.get_by_role("status")).to_have_text("Policy signed")
    expect(page.get_by_text("1 of 2 done")).to_be_visible()

    page.get_by_role("link", name="View signed policy: Code of Conduct").click()
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download the signed acknowledgment (PDF)").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
    page.goto("/onboarding")

    page.get_by_role("link", name="Upload document: Proof of identity").click()
    scan = tmp_path / "passport.pdf"
    scan.write_bytes(b"%PDF-1.4 passport scan")
    page.get_by_label("ID Proof").set_input_files(str(scan))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_have_text("Document uploaded and filed")
    expect(page.get_by_text("2 of 2 done")).to_be_visible()
    expect(page.locator(".page-head .indicator")).to_have_text("Completed")
    assert_accessible(page)
    screenshot(page, "onboarding-done", backend)
    page.set_viewport_size(PHONE_WIDTH)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "onboarding-done-phone", backend)

    with live.handle.context():
        docs = smooth.get_all("Employee Document", fields=["document_type", "file"], order_by="creation asc")
    assert [d["document_type"] for d in docs] == ["Policy Acknowledgment", "ID Proof"]
    assert all(d["file"].startswith("/private/files/") for d in docs)
