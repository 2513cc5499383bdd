"""The shipped certificate and quiz report formats as real PDFs; who may print; verification; My certificates."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import smooth
from smooth.auth import rate_limit
from smooth_lms import certificates
from smooth_lms.quizzes import submit_quiz
from tests.api.helpers import Api, add_user, insert, set_site_config
from tests.printing.test_print_pdf import ARTIFACTS, landscape, pdf_info, pdf_text

PDF = "/api/method/frappe.utils.print_format.download_pdf"


def certified(api: Api, validity: int = 24, **course: Any) -> tuple[str, str, dict[str, Any]]:
    """A learner with an issued certificate (issued directly: the flow has its own tests)."""
    learner = add_user(api, "holder@example.com", "LMS Student")
    with api.handle.context():
        smooth.db.set_value("User", learner, {"first_name": "Hana", "last_name": "Holder", "full_name": "Hana Holder"})
        smooth.db.commit()
    name = insert(api, {"doctype": "LMS Course", "title": "Crane Operation", "published": 1,
                        "evaluation_required": 1, "certificate_validity_months": validity, **course})
    insert(api, {"doctype": "LMS Enrollment", "member": learner, "course": name})
    with api.handle.context():
        cert = certificates.issue_certificate(learner, name)
        values = cert.as_dict()
        smooth.db.commit()
    return learner, name, values


def test_certificate_pdf_shows_holder_course_number_dates(served: Api, tmp_path: Path) -> None:
    learner, _, cert = certified(served)
    with served.handle.context():  # a rubric-graded evaluation's score (tests/lms/test_assignments.py sets it)
        smooth.db.set_value("LMS Certificate", cert["name"], "grade", "8 / 10 (80%)")
        smooth.db.commit()
    response = served.get(PDF, params={"doctype": "LMS Certificate", "name": cert["name"]}, user=learner)
    assert response.status_code == 200, response.text[:300]
    text = pdf_text(response.content, tmp_path)
    assert "with a grade of 8 / 10 (80%)" in " ".join(text.split()), text
    issued = dt.date.fromisoformat(str(cert["issue_date"]))
    expiry = dt.date.fromisoformat(str(cert["expiry_date"]))
    for expected in ("Hana Holder", "Crane Operation", cert["certificate_number"], f"{issued:%d %B %Y}",
                     f"{expiry:%d %B %Y}"):
        assert expected in text, (expected, text)
    info = pdf_info(response.content, tmp_path)
    assert info["Pages"] == "1" and landscape(info), info
    (tmp_path / "cert.pdf").write_bytes(response.content)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"certificate-{served.handle.backend}"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-singlefile", str(tmp_path / "cert.pdf"),
                    str(target)], check=True)
    assert target.with_suffix(".png").stat().st_size > 10_000


def test_per_course_template_is_honoured(served: Api, tmp_path: Path) -> None:
    insert(served, {"doctype": "Print Format", "name": "Crane Certificate", "doc_type": "LMS Certificate",
                    "orientation": "Landscape", "html": "<h1>CRANE GUILD AWARD {{ doc.certificate_number }}</h1>"})
    learner, _, cert = certified(served, certificate_template="Crane Certificate")
    assert cert["template"] == "Crane Certificate"
    response = served.get(PDF, params={"doctype": "LMS Certificate", "name": cert["name"]}, user=learner)
    assert "CRANE GUILD AWARD" in pdf_text(response.content, tmp_path)
    page = served.get("/printview", params={"doctype": "LMS Certificate", "name": cert["name"]}, user=learner)
    assert "CRANE GUILD AWARD" in page.text


def test_a_learner_cannot_print_anothers_certificate_or_quiz_report(served: Api) -> None:
    learner, course, cert = certified(served)
    other = add_user(served, "nosy@example.com", "LMS Student")
    quiz = insert(served, {"doctype": "LMS Quiz", "title": "Crane Quiz", "course": course, "questions": [
        {"question": "Up?", "type": "Single Choice", "options": "yes\nno", "correct_answers": "yes"}]})
    with served.handle.context(user=learner):
        submission = submit_quiz(quiz, {"1": ["yes"]})["name"]
        smooth.db.commit()
    for doctype, name in (("LMS Certificate", cert["name"]), ("LMS Quiz Submission", submission)):
        args = {"doctype": doctype, "name": name}
        assert served.get(PDF, params=args, user=other).status_code == 403
        assert served.get("/printview", params=args, user=other).status_code == 403
        assert served.get(PDF, params=args, user=learner).status_code == 200
    report = served.get("/printview", params={"doctype": "LMS Quiz Submission", "name": submission}, user=learner)
    assert "Quiz Submission Report" in report.text and "Crane Quiz" in report.text and "correct" in report.text


def test_verification_page_states(served: Api) -> None:
    learner, course, cert = certified(served)
    number = cert["certificate_number"]
    page = served.get(f"/verify/{number}", user=None)
    assert page.status_code == 200 and "This certificate is valid." in page.text and "Hana Holder" in page.text
    unknown = served.get("/verify/SMC-0000-0000-0000", user=None)
    assert unknown.status_code == 200 and "No certificate has this number." in unknown.text
    assert "Hana Holder" not in unknown.text
    with served.handle.context():
        past = smooth.today() - dt.timedelta(days=800)
        smooth.db.set_value("LMS Certificate", cert["name"], {"issue_date": past,
                                                              "expiry_date": past + dt.timedelta(days=30)})
        smooth.db.commit()
    assert "This certificate has expired." in served.get(f"/verify/{number}", user=None).text
    with served.handle.context():
        certificates.revoke_certificate(cert["name"], "Fraud")
        smooth.db.commit()
    revoked = served.get(f"/verify/{number}", user=None)
    assert revoked.status_code == 200 and "This certificate has been revoked." in revoked.text


def test_verification_is_rate_limited(served: Api) -> None:
    with served.handle.context():
        rate_limit.clear_all(smooth.local.site)
    set_site_config(served.handle, lookups_per_ip=3)
    try:
        responses = [served.get(f"/verify/SMC-AAAA-AAAA-{i:04d}", user=None) for i in range(5)]
    finally:
        set_site_config(served.handle, lookups_per_ip=50)
        with served.handle.context():
            rate_limit.clear_all(smooth.local.site)
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    for refused in responses[3:]:  # the page says when to come back, as every 429 does
        assert 0 < int(refused.headers["Retry-After"]) <= 3600


def test_my_certificates_page(served: Api) -> None:
    learner, _, cert = certified(served)
    page = served.get("/lms/certificates", user=learner)
    assert page.status_code == 200
    assert cert["certificate_number"] in page.text and "Download PDF" in page.text
    assert f"/verify/{cert['certificate_number']}" in page.text
    other = add_user(served, "empty@example.com", "LMS Student")
    assert "No certificates yet" in served.get("/lms/certificates", user=other).text
