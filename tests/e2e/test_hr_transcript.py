"""HR in the browser: from an Employee's form to their training transcript as of a past day, and its PDF
showing the certificate that was valid on that day (revoked since)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.hr.test_transcript import HR, make_history

PASSWORD = "secret-pw"  # make_user's default


def _pdf_text(path: str) -> str:
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


def test_hr_prints_a_transcript_as_of_a_past_day(page: Page, live: LiveSite) -> None:
    with live.handle.context():
        history = make_history()
    log_in(page, HR, PASSWORD, then=f"/app/employee/{history.ann}")
    page.get_by_role("button", name="Training transcript").click()
    expect(page).to_have_url(re.compile(rf"/app/training-transcript\?employee={history.ann}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Training transcript: Ann Archer")
    certificates = page.get_by_role("region", name=re.compile(r"^Certificates"))
    expect(certificates.get_by_role("row", name=re.compile(r"Ladder Safety.*Revoked"))).to_be_visible()

    past = history.today - dt.timedelta(days=60)
    page.get_by_label("As of").fill(past.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(f"As of {past.isoformat()}: only what existed on that day")).to_be_visible()
    expect(certificates.get_by_role("row", name=re.compile(r"Ladder Safety.*Valid"))).to_be_visible()
    expect(certificates.get_by_text("Revoked")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "hr-transcript", live.handle.backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "hr-transcript-phone", live.handle.backend)
    page.set_viewport_size({"width": 1280, "height": 860})

    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download PDF").click()
    assert downloaded.value.suggested_filename == f"transcript-{history.ann}-{past.isoformat()}.pdf"
    text = _pdf_text(str(downloaded.value.path()))
    assert "Training transcript" in text and "Ann Archer" in text and f"As of {past.isoformat()}" in text
    ladder = next(line for line in text.splitlines() if "Ladder Safety" in line)
    assert "Valid" in ladder and "Revoked" not in text
