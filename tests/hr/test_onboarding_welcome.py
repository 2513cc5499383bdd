"""The new hire's welcome email: their checklist link and their training, once, through a real SMTP sink."""

from __future__ import annotations

import smooth
from tests.conftest import SiteHandle
from tests.hr.test_onboarding import make_onboarding, new_hire
from tests.lms.conftest import make_course
from tests.lms.test_notifications import mail_lms  # noqa: F401  (the LMS site sending through the sink)
from tests.mail.conftest import SmtpServer, smtp_server  # noqa: F401


def test_submitting_an_onboarding_welcomes_the_new_hire(
        mail_lms: SiteHandle, smtp_server: SmtpServer) -> None:  # noqa: F811
    make_course("Safety Basics", mandatory=1, default_due_days=14, evaluation_required=0)
    smooth.db.commit()
    with smooth.unit_of_work():
        doc = make_onboarding(new_hire(), [{"activity_name": "Bring your ID", "kind": "Task"}])
    (welcome,) = [m for m in smtp_server.sink.received if "nina@example.com" in m.recipients]
    assert welcome.message["Subject"] == "Welcome aboard, Nina Newhire: your onboarding checklist"
    body = welcome.message.get_body(("html",)).get_content()
    assert f"/onboarding/{doc.name}" in body and "(1 item)" in body
    assert "Safety Basics: due Sat 16 Mar 2030" in body
