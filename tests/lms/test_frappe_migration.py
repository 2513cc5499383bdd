"""`bench migrate-from-frappe-lms` against a loopback Frappe LMS (tests/lms/frappe_lms_fake.py).

App behaviour: SQLite only, except the full migration, run once on MariaDB too (its certificate
numbers and mapping lookups go through the dialect's collation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner, Result

import smooth
from smooth.cli import cli, main
from smooth_lms import certificates
from tests.api.helpers import Api
from tests.conftest import SiteHandle
from tests.lms.conftest import clean
from tests.lms.frappe_lms_fake import CHILD_TABLES, FIELDS, KEY, SECRET, FakeFrappeLMS, dataset, running
from tests.pages.served import served_site  # noqa: F401  (the LMS site served over HTTP, for /verify)

COUNTED = ("User", "Course Evaluator", "LMS Course", "Course Chapter", "Course Lesson", "LMS Quiz", "LMS Batch",
           "LMS Enrollment", "LMS Course Progress", "LMS Certificate Request", "LMS Certificate Evaluation",
           "LMS Certificate", "LMS Migration Record")


def source_data() -> dict[str, list[dict[str, Any]]]:
    today = dt.date.today()
    return dataset(future=str(today + dt.timedelta(days=9)), past=str(today - dt.timedelta(days=40)))


def bench(site: SiteHandle, url: str, *extra: str, key: str = KEY) -> Result:
    return CliRunner().invoke(cli, ["--sites-path", str(site.sites_path), "--site", site.name,
                                    "migrate-from-frappe-lms", url, "--api-key", key, "--api-secret", SECRET,
                                    *extra])


def counts(site: SiteHandle) -> dict[str, int]:
    with site.context():
        return {doctype: smooth.db.count(doctype) for doctype in COUNTED}


@pytest.fixture
def fresh(lms_site: SiteHandle) -> Iterator[SiteHandle]:
    clean(lms_site)
    yield lms_site
    clean(lms_site)


@pytest.fixture
def fake() -> Iterator[FakeFrappeLMS]:
    with running(source_data()) as server:
        yield server


@pytest.mark.both_backends
def test_a_frappe_lms_site_moves_in_and_a_rerun_creates_nothing(fresh: SiteHandle, fake: FakeFrappeLMS) -> None:
    result = bench(fresh, fake.url, "--page-length", "3")
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    assert "LMS Certificate Request" in result.output and "Skipped:" in result.output
    with fresh.context():
        users = set(smooth.get_all("User", pluck="name"))
        assert {"mia@example.com", "eve@example.com", "ana@example.com", "ben@example.com"} <= users
        assert set(smooth.get_roles("mia@example.com")) >= {"Moderator"}
        assert "System Manager" not in smooth.get_roles("mia@example.com")  # only LMS roles come over
        assert "Course Creator" in smooth.get_roles("cai@example.com")

        evaluator = smooth.get_doc("Course Evaluator", "eve@example.com")
        assert [(r.day, str(r.start_time)[:5]) for r in evaluator.schedule] == [("Monday", "09:00"),
                                                                                 ("Wednesday", "14:00")]
        assert [(str(r.from_date), str(r.to_date)) for r in evaluator.unavailability] == [("2031-08-01",
                                                                                            "2031-08-15")]
        assert [r.course for r in evaluator.courses] == ["forklift-safety"]

        course = smooth.get_doc("LMS Course", "forklift-safety")
        assert course.evaluator == "eve@example.com" and course.evaluation_required
        assert "forklifts" in course.description and "<b>" not in course.description
        outline = [smooth.db.get_value("Course Chapter", r.chapter, "title") for r in course.chapters]
        assert outline == ["Driving", "Basics"]  # the source's order, not its creation order
        basics = smooth.get_doc("Course Chapter", course.chapters[1].chapter)
        lessons = [smooth.get_doc("Course Lesson", r.lesson) for r in basics.lessons]
        assert [lesson.title for lesson in lessons] == ["Controls", "Load charts"]
        assert lessons[1].body == "## Reading a chart\n\nRated capacity."  # Editor.js content as Markdown

        quiz = smooth.get_doc("LMS Quiz", smooth.db.get_value("LMS Quiz", {"title": "Forklift check"}))
        assert [(q.type, q.correct_answers, q.marks) for q in quiz.questions] == [
            ("Single Choice", "2 t", 2), ("Multiple Choice", "Lever\nPedal", 1),
            ("Short Answer", "carriage\nCarriage", 1)]
        assert not smooth.db.exists("LMS Quiz", {"title": "Essay quiz"})

        batch = smooth.get_doc("LMS Batch", smooth.db.get_value("LMS Batch", {"title": "Spring cohort"}))
        assert [r.member for r in batch.members] == ["ana@example.com", "ben@example.com"]
        assert [(r.course, r.evaluator) for r in batch.courses] == [("forklift-safety", "eve@example.com")]

        ana = smooth.db.get_value("LMS Enrollment", {"member": "ana@example.com", "course": "forklift-safety"},
                                  ["progress", "batch"], as_dict=True)
        # Smooth counts the course's quiz too, and quiz attempts stay behind (the report says so)
        assert float(ana["progress"]) == 75 and ana["batch"] == batch.name
        assert smooth.db.count("LMS Course Progress", {"member": "ana@example.com"}) == 3

        requests = {r["member"]: r for r in smooth.get_all(
            "LMS Certificate Request", fields=["member", "course", "status", "start_utc", "google_meet_link",
                                               "active_key", "evaluator"])}
        assert requests["ben@example.com"]["status"] == "Pending"  # Frappe LMS's Upcoming
        assert requests["ben@example.com"]["active_key"] == f"ben@example.com|forklift-safety|{batch.name}"
        assert requests["ben@example.com"]["google_meet_link"] == "https://meet.google.com/abc-defg-hij"
        assert requests["ana@example.com"]["status"] == "Completed"
        assert requests["cai@example.com"]["status"] == "Cancelled"
        assert smooth.db.count("Email Queue") == 0  # nobody is told of bookings made long ago

        evaluation = smooth.get_doc("LMS Certificate Evaluation",
                                    smooth.db.get_value("LMS Certificate Evaluation", {"member": "ana@example.com"}))
        assert evaluation.status == "Pass" and evaluation.certificate_request
        # the old certificate name is its number, and /verify's lookup takes it as the learner has it
        found = certificates.verification("a1b2c3d4e5")
        assert found["state"] == "Valid" and found["member"] == "ana@example.com"
        assert smooth.db.get_value("LMS Certificate", "A1B2C3D4E5", "evaluation") == evaluation.name
        # re-certified there: the earlier certificate is history here, replaced by the later one
        assert certificates.verification("0F9E8D7C6B")["state"] == "Superseded"
        assert smooth.db.get_value("LMS Certificate", "A1B2C3D4E5", "supersedes") == "0F9E8D7C6B"

        run = smooth.get_doc("LMS Migration Run", smooth.db.get_value("LMS Migration Run", {"source_url": fake.url}))
        assert run.status == "Completed"
        assert "Skipped:" in run.report and "LMS Certificate" in run.report

    assert "Quiz attempts (LMS Quiz Submission) are not carried" in result.output
    skipped = result.output.split("Skipped:")[1]
    for reason in ("User: 2 x a built-in user", "not an LMS role", "Course Chapter: 1 x its course retired-course "
                   "was not migrated", "LMS Question: 2 x Open Ended questions are marked by hand",
                   "LMS Quiz: 1 x none of its questions", "LMS Batch Enrollment: 1 x its member zed@example.com",
                   "LMS Certificate Request: 1 x unknown status 'No Show'",
                   "LMS Certificate Evaluation: 1 x no certificate request",
                   "LMS Certificate: 1 x its member zed@example.com was not migrated\n      e.g. f6e5d4c3b2"):
        assert reason in skipped, reason

    before = counts(fresh)
    again = bench(fresh, fake.url)
    assert again.exit_code == 0, f"{again.output}\n{again.exception!r}"
    assert counts(fresh) == before
    lines = {line.split()[0] + " " + line.split()[1]: line.split()[-3:] for line in again.output.splitlines()
             if line.startswith("LMS Course ")}
    assert lines["LMS Course"][0] == "0"  # created nothing; both already migrated
    with fresh.context():
        assert smooth.db.count("LMS Migration Run", {"status": "Completed"}) == 2


def test_an_interrupted_run_resumes_where_it_stopped(fresh: SiteHandle, fake: FakeFrappeLMS,
                                                    served_site: Api) -> None:  # noqa: F811
    fake.fail_at = ("LMS Enrollment", 2)  # the source goes away on the second page of enrollments
    broken = bench(fresh, fake.url, "--page-length", "2")
    assert broken.exit_code == 1 and "answered HTTP 500" in str(broken.exception)
    with fresh.context():
        run = smooth.get_doc("LMS Migration Run", smooth.db.get_value("LMS Migration Run", {"source_url": fake.url}))
        assert run.status == "Failed" and '"LMS Enrollment": 2' in run.cursor
        assert smooth.db.count("LMS Enrollment") == 2  # the first page was kept
        assert smooth.db.count("LMS Certificate") == 2

    fake.fail_at = None
    requests_before = fake.requests
    resumed = bench(fresh, fake.url, "--page-length", "2")
    assert resumed.exit_code == 0, f"{resumed.output}\n{resumed.exception!r}"
    assert "Resumed run" in resumed.output
    # the report is the whole migration's: what the stopped run did is counted too
    assert [line.split()[1:] for line in resumed.output.splitlines() if line.startswith("User ")] == [["5", "0", "2"]]
    # the finished doctypes are not read again: users, courses, ... cost no request
    assert fake.requests - requests_before < 20
    with fresh.context():
        assert smooth.db.count("LMS Enrollment") == 4
        assert smooth.db.count("LMS Course Progress") == 4
        assert smooth.db.count("LMS Certificate") == 2
        assert smooth.get_all("LMS Migration Run", pluck="status") == ["Completed"]
    # the learner's old certificate link still proves it: /verify takes Frappe LMS's name
    page = served_site.get("/verify/a1b2c3d4e5", user=None)
    assert page.status_code == 200 and "This certificate is valid." in page.text and "Ana Example" in page.text


def test_bad_credentials_are_one_clear_line(fresh: SiteHandle, fake: FakeFrappeLMS,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--sites-path", str(fresh.sites_path), "--site", fresh.name, "migrate-from-frappe-lms", fake.url,
              "--api-key", "wrong", "--api-secret", SECRET])
    assert stopped.value.code == 1
    error = capsys.readouterr().err
    assert "refused the API key and secret (HTTP 401)" in error and "Traceback" not in error
    with fresh.context():
        assert smooth.db.count("LMS Migration Run") == 0  # nothing was started


def test_an_older_source_without_a_doctype_and_certificates_listed_newest_first(
        fresh: SiteHandle, fake: FakeFrappeLMS, monkeypatch: pytest.MonkeyPatch) -> None:
    # an older Frappe LMS (2.9): no LMS Batch Enrollment, the members are the batch's Batch Student rows
    monkeypatch.delitem(FIELDS, "LMS Batch Enrollment")
    monkeypatch.setitem(FIELDS, "LMS Batch", (*FIELDS["LMS Batch"], "students"))
    monkeypatch.setitem(CHILD_TABLES, "students", "Batch Student")
    fake.data["LMS Batch"][0]["students"] = [{"student": "ben@example.com"}, {"student": "zed@example.com"}]
    # nor a request status (nor a batch on the enrollment)
    monkeypatch.setitem(FIELDS, "LMS Certificate Request",
                        tuple(f for f in FIELDS["LMS Certificate Request"] if f != "status"))
    monkeypatch.setitem(FIELDS, "LMS Enrollment", tuple(f for f in FIELDS["LMS Enrollment"]
                                                        if f != "enrollment_from_batch"))
    fake.data["LMS Certificate"].reverse()  # the renewal is read before the certificate it replaced
    result = bench(fresh, fake.url)
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    assert "The source has no LMS Batch Enrollment (another version of Frappe LMS)" in result.output
    assert "Batch spring-cohort: 1 student(s) were not migrated users" in result.output
    assert "LMS Certificate Request: the source has no status (another version of Frappe LMS)" in result.output
    with fresh.context():
        assert smooth.get_all("Batch Member", pluck="member") == ["ben@example.com"]
        statuses = dict(smooth.get_all("LMS Certificate Request", fields=["member", "status"], as_list=True))
        assert statuses == {"ana@example.com": "Completed", "ben@example.com": "Pending",
                            "cai@example.com": "Completed"}  # by date: both of cai's slots are past
        assert certificates.verification("a1b2c3d4e5")["state"] == "Valid"
        assert certificates.verification("0f9e8d7c6b")["state"] == "Superseded"
        assert smooth.db.get_value("LMS Certificate", "0F9E8D7C6B", "superseded_by") == "A1B2C3D4E5"
