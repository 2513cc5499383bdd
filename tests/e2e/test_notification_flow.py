"""HR defines "14 days before probation end" in the desk; the daily job sends it once (run twice, and the day
after), and the manager finds it under the nav's Notifications."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

import smooth
from smooth.core.doctype.notification.notification import send_date_notifications
from smooth.jobs.execute import call as run_as_job
from tests.conftest import make_user
from tests.e2e.conftest import DESK_WIDTH, PHONE_WIDTH, LiveSite, assert_accessible, log_in, screenshot
from tests.hr.conftest import make_employee

HR, MANAGER, PASSWORD = "hana@example.com", "mona@example.com", "secret-pw"


def test_hr_creates_a_probation_notification_and_it_fires_once(page: Page, live: LiveSite) -> None:
    today = smooth.today()
    with live.handle.context():
        make_user(HR, "HR Manager", "System Manager")
        make_user(MANAGER, "Employee")
        manager = make_employee("Mona", user_id=MANAGER, last_name="Manager")
        make_employee("Pia", last_name="Probation", reports_to=manager,
                      probation_end_date=today + dt.timedelta(days=14))
        smooth.db.commit()

    log_in(page, HR, PASSWORD, then="/app/notification/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("New Notification")
    page.get_by_label("Notification name").fill("Probation ends in 14 days")
    subject = "{{ doc.employee_name }}: probation ends {{ doc.probation_end_date }}"
    page.get_by_label("Subject", exact=True).fill(subject)
    page.get_by_label("Channel").select_option("System Notification")
    page.get_by_label("Document Type", exact=True).fill("Employee")
    page.get_by_label("Send Alert On").select_option("Days Before")
    page.get_by_label("Reference Date Field").fill("probation_end_date")
    page.get_by_label("Days Before or After").fill("14")
    page.get_by_role("textbox", name="Condition", exact=True).fill('doc.status == "Active"')
    page.get_by_role("button", name="Add row to Recipients").click()
    row = page.locator("table[data-grid='recipients'] tbody tr[data-row]").nth(0)
    row.get_by_label("Receiver By Document Field (Recipients row)").fill("reports_to")
    message = page.get_by_role("textbox", name="Message", exact=True)
    message.fill("<p>Decide on {{ doc.employee_name }} before the end.</p>")
    page.get_by_role("button", name="Save").first.click()
    expect(page).to_have_url(re.compile(r"/app/notification/Probation%20ends%20in%2014%20days\?saved=1$"))
    assert_accessible(page)
    screenshot(page, "notification-form-desk", live.handle.backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "notification-form-phone", live.handle.backend)
    page.set_viewport_size(DESK_WIDTH)

    with live.handle.context():
        sent = [run_as_job(send_date_notifications, day) for day in (today, today, today + dt.timedelta(days=1))]
        assert sent == [1, 0, 0]

    page.context.clear_cookies()
    log_in(page, MANAGER, PASSWORD)
    nav = page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Notifications"))
    expect(nav).to_have_text("Notifications 1")
    nav.click()
    expected = f"Pia Probation: probation ends {today + dt.timedelta(days=14)}"
    expect(page.get_by_text(expected)).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "notification-inbox-desk", live.handle.backend)
    page.set_viewport_size(PHONE_WIDTH)
    screenshot(page, "notification-inbox-phone", live.handle.backend)
