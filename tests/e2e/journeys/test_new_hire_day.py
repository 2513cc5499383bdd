"""A new hire's first day on /onboarding: the checklist, a policy signed, a photo ID uploaded, their
training with due dates."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.journeys.conftest import Journey


def test_new_hire_day(journey_for: Callable[..., Journey], tmp_path: Path) -> None:
    j = journey_for("new-hire")
    page = j.page
    j.log_in("tom.learner@example.com", then="/onboarding")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Tom")
    expect(page.get_by_role("link", name="Workplace Safety")).to_be_visible()
    j.step("checklist")

    page.get_by_role("link", name="Read and sign: Forklift safety policy").click()
    expect(page.get_by_text("keep to the marked lanes")).to_be_visible()
    page.get_by_label("I have read this policy and agree to it").check()
    page.get_by_label("Type your full name to sign").fill("Tom Someone")
    page.get_by_role("button", name="Sign the policy").click()
    expect(page.get_by_role("alert")).to_contain_text("The signature must be your full name")
    j.step("signature-refused")
    page.get_by_label("I have read this policy and agree to it").check()
    page.get_by_label("Type your full name to sign").fill("Tom Learner")
    page.get_by_role("button", name="Sign the policy").click()
    expect(page.get_by_role("status")).to_have_text("Policy signed")
    j.step("signed")

    page.get_by_role("link", name="Upload document: Upload a photo ID").click()
    scan = tmp_path / "photo-id.pdf"
    scan.write_bytes(b"%PDF-1.4 photo id")
    page.get_by_label("ID Document").set_input_files(str(scan))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_have_text("Document uploaded and filed")
    expect(page.get_by_text(re.compile(r"2 of 3 done"))).to_be_visible()
    j.go("/onboarding")
    expect(page.get_by_text(re.compile(r"done \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\)")).first).to_be_visible()  # zone named
    j.step("uploaded")
    j.crawl()
