"""Desk basics a Frappe user reaches for (issue 20, defect 17): the Print menu, Connections, Link titles,
the form's sidebar and denser layout, destructive actions that confirm, the search page.

SQLite only, except the search (its matching is the database's LIKE): the rest reads metadata
and renders pages the same way on both backends.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

import smooth
from smooth.backups import list_backups, set_job_status, take_backup
from smooth.jobs.inline import wait_for_deferred_jobs
from tests.api.helpers import Api, insert
from tests.conftest import make_user
from tests.hr.conftest import make_compliance_type, make_employee
from tests.hr.team_data import QUESTIONS
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday
from tests.pages.served import page_text

MOD, HR = "mod.basics@example.com", "hr.basics@example.com"


def _get(pages: Api, path: str, user: str, **params: Any) -> str:
    response = pages.get(path, user=user, params=params or None)
    assert response.status_code == 200, response.text[:800]
    return response.text


def _hrefs(page: str, pattern: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'href="({pattern}[^"]*)"', page)]


def test_print_menu_offers_each_format_to_print_and_download(pages: Api) -> None:
    with pages.handle.context():
        make_user(MOD, "Moderator")
        course = make_course("Printed Course")
        smooth.db.commit()
    formats = ["Basics Sheet", "Basics Summary"]
    for name, default in zip(formats, (0, 1), strict=True):
        insert(pages, {"doctype": "Print Format", "name": name, "doc_type": "LMS Course", "is_default": default,
                       "html": f"<h1>{name}: {{{{ doc.title }}}}</h1>"})
    try:
        page = _get(pages, f"/app/lms-course/{course}", MOD)
        assert "data-print-menu" in page
        prints = _hrefs(page, "/printview")
        pdfs = _hrefs(page, "/api/method/frappe.utils.print_format.download_pdf")
        for name in formats:
            assert any(f"format={name.replace(' ', '+')}" in href for href in prints), prints
            assert any(f"format={name.replace(' ', '+')}" in href for href in pdfs), pdfs
        assert "Basics+Summary" in prints[0], "the default format comes first"
        shown = pages.get(prints[0], user=MOD)
        assert shown.status_code == 200 and "Basics Summary: Printed Course" in shown.text
        assert "data-print-menu" not in _get(pages, "/app/user/Administrator", "Administrator")  # no format: no menu
        new = _get(pages, "/app/lms-course/new", MOD)
        assert "data-print-menu" not in new and "Connections" not in page_text(new) and "form-sidebar" not in new
    finally:
        with pages.handle.context():
            for name in formats:
                smooth.delete_doc("Print Format", name, force=True, ignore_permissions=True)
            smooth.db.commit()


def _booked_request() -> tuple[str, str]:
    """A Moderator, a course, its evaluator and one learner's booking (inside a site context): (course, request)."""
    make_user(MOD, "Moderator")
    course = make_course("Forklift Basics")
    make_evaluator("eva.basics@example.com", [course], schedule=[("Monday", "09:00", "12:00")])
    learner = make_learner("ann.basics@example.com", course)
    return course, book(learner, course, next_weekday(0), "09:00").name


def _connections(page: str) -> dict[str, tuple[int, str]]:
    """{doctype: (count, list URL)} of the Connections panel."""
    found = {}
    for doctype, body in re.findall(r'data-connection="([^"]+)">(.*?)</li>', page, re.S):
        count = re.search(r'class="count">(\d+)<', body)
        href = re.search(r'href="(/app/[^"?]+\?[^"]*)"', body)
        found[html.unescape(doctype)] = (int(count.group(1)) if count else -1,
                                         html.unescape(href.group(1)) if href else "")
    return found


def test_employee_connections_count_documents_compliance_and_training_of_their_user(pages: Api) -> None:
    with pages.handle.context():
        make_user(HR, "HR Manager")
        course = make_course("Forklift Basics")
        learner = make_learner("nia.basics@example.com", course)
        employee = make_employee("Nia", user_id=learner)
        other = make_employee("Oli")
        make_compliance_type("Forklift Safety")
        make_compliance_type("First Aid")
        for kind in ("Forklift Safety", "First Aid"):
            smooth.get_doc({"doctype": "Employee Compliance", "employee": employee, "compliance_type": kind,
                            "status": "Pending"}).insert()
        smooth.get_doc({"doctype": "Employee Compliance", "employee": other, "compliance_type": "First Aid",
                        "status": "Pending"}).insert()
        smooth.get_doc({"doctype": "LMS Certificate", "member": learner, "course": course,
                        "issue_date": smooth.today()}).insert()
        smooth.db.commit()
    page = _get(pages, f"/app/employee/{employee}", HR)
    found = _connections(page)
    assert list(found) == ["Employee Document", "Employee Compliance", "LMS Training Assignment", "LMS Certificate"]
    assert found["Employee Compliance"] == (2, f"/app/employee-compliance?employee={employee}")
    assert found["Employee Document"][0] == 0
    assert found["LMS Certificate"] == (1, f"/app/lms-certificate?member={learner.replace('@', '%40')}")
    listed = _get(pages, found["Employee Compliance"][1], HR)
    assert "Forklift Safety" in listed and "First Aid" in listed
    assert listed.count('href="/app/employee-compliance/HR-') == 2
    assert f'href="/app/employee-document/new?employee={employee}"' in page  # "+" opens a new linked record


def test_course_connections_are_counted_with_the_viewers_permissions(pages: Api) -> None:
    with pages.handle.context():
        make_user(MOD, "Moderator")
        course = make_course("Forklift Basics")
        make_evaluator("eva.basics@example.com", [course], schedule=[("Monday", "09:00", "12:00")])
        make_evaluator("evb.basics@example.com", [course], schedule=[("Wednesday", "09:00", "12:00")])
        for learner, weekday in (("ann.basics@example.com", 0), ("bob.basics@example.com", 2)):
            make_learner(learner, course)
            book(learner, course, next_weekday(weekday), "09:00")
        smooth.get_doc({"doctype": "LMS Quiz", "title": "Forklift Quiz", "course": course,
                        "questions": QUESTIONS}).insert()
        smooth.db.commit()
    everyone = _connections(_get(pages, f"/app/lms-course/{course}", MOD))
    assert set(everyone) == {"LMS Enrollment", "LMS Lesson Engagement", "LMS Certificate Request", "LMS Certificate",
                             "LMS Quiz"}
    assert everyone["LMS Enrollment"][0] == 2 and everyone["LMS Quiz"][0] == 1
    assert everyone["LMS Certificate Request"] == (2, f"/app/lms-certificate-request?course={course}")
    evaluator = _connections(_get(pages, f"/app/lms-course/{course}", "eva.basics@example.com"))
    assert evaluator["LMS Certificate Request"][0] == 1  # only the request assigned to them


def test_links_show_the_title_of_doctypes_that_ask_for_it(pages: Api) -> None:
    with pages.handle.context():
        course, request = _booked_request()
        smooth.db.set_value("User", "eva.basics@example.com", {"first_name": "Eva", "full_name": "Eva Evaluator"})
        smooth.db.commit()
    form = _get(pages, f"/app/lms-certificate-request/{request}", MOD)
    evaluator = re.search(r'data-ro="evaluator"[^>]*>(.*?)</span>', form, re.S)
    assert evaluator and ">Eva Evaluator</a>" in evaluator.group(1)  # read-only: the title, linked by name
    assert 'value="' + course + '"' in form and "Forklift Basics" in form  # editable: the name, its title beside
    listed = _get(pages, "/app/lms-certificate-request", MOD)
    cell = re.search(rf'href="/app/lms-course/{course}"[^>]*>([^<]*)<', listed)
    assert cell and cell.group(1).strip() == "Forklift Basics"
    enrollments = _get(pages, "/app/lms-enrollment", MOD, course=course)
    assert re.search(rf'href="/app/lms-course/{course}"[^>]*>\s*Forklift Basics', enrollments)


def test_certificate_request_form_is_laid_out_in_two_columns_with_a_sidebar(pages: Api) -> None:
    with pages.handle.context():
        _course, request = _booked_request()
        attached = smooth.get_doc({"doctype": "File", "file_name": "slot-notes.txt",
                                   "attached_to_doctype": "LMS Certificate Request", "attached_to_name": request})
        attached.content = b"notes"
        attached = attached.insert().name
        smooth.db.commit()
    form = _get(pages, f"/app/lms-certificate-request/{request}", MOD)
    assert form.count('class="form-columns cols-2"') >= 4
    assert 'class="form-columns cols-1"' not in form
    sidebar = form[form.index('<aside class="form-sidebar"'):]
    text = page_text(sidebar)
    assert "Assigned To" in text and "eva" in text and "Attachments" in text and "Loading…" in text
    assert 'hx-get="/app/lms-certificate-request/' in form and 'hx-select-oob="#form-attachments"' in form
    assert "slot-notes.txt" in page_text(_get(pages, f"/app/lms-certificate-request/{request}/activity", MOD))
    assert "slot-notes.txt" in page_text(_get(pages, f"/app/lms-certificate-request/{request}?activity=1", MOD))
    assert "ro-empty" in form  # read-only fields with no value are left out, as in Frappe
    with pages.handle.context():
        smooth.delete_doc("File", attached, force=True, ignore_permissions=True)
        smooth.db.commit()


def test_a_workflow_action_into_a_danger_state_is_destructive_and_confirms(pages: Api) -> None:
    with pages.handle.context():
        _course, request = _booked_request()
        smooth.db.commit()
    form = _get(pages, f"/app/lms-certificate-request/{request}", MOD)
    cancel = re.search(r'<a class="btn btn-danger" href="([^"]+)">Cancel</a>', form)
    assert cancel, "Cancel (into the Danger-styled Cancelled state) is not styled as the primary action"
    assert not re.search(r'class="btn btn-primary"[^>]*value="workflow:Cancel"', form)
    confirm = _get(pages, html.unescape(cancel.group(1)), MOD)
    assert "It moves to Cancelled." in confirm
    assert re.search(r'value="workflow:Cancel" class="btn btn-danger">Cancel<', confirm)
    with pages.handle.context():
        assert smooth.db.get_value("LMS Certificate Request", request, "status") == "Pending"  # nothing done yet
    assert re.search(r'class="btn btn-primary"[^>]*value="save">Save<', form)  # the one solid button


@pytest.mark.both_backends  # matching is the database's LIKE (case rules differ)
@pytest.mark.parametrize("typed", ["forklift", "FORKLIFT"])
def test_search_goes_to_a_doctype_or_a_record_by_title(pages: Api, typed: str) -> None:
    with pages.handle.context():
        make_user(MOD, "Moderator")
        course = make_course("Forklift Basics")
        make_user("hidden.basics@example.com")  # a System User with no role: reads no course
        smooth.db.set_value("User", "hidden.basics@example.com", "user_type", "System User")  # roles give none
        smooth.db.commit()
    page = _get(pages, "/app/search", MOD, q=typed)
    assert f'href="/app/lms-course/{course}"' in page and "Forklift Basics" in page
    doctypes = _get(pages, "/app/search", MOD, q="certificate req")
    assert 'href="/app/lms-certificate-request"' in doctypes
    fragment = pages.get("/app/search", user=MOD, params={"q": typed}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and course in fragment.text
    nothing = _get(pages, "/app/search", "hidden.basics@example.com", q=typed)
    assert course not in nothing and "Nothing matches" in nothing
    assert 'action="/app/search"' in _get(pages, "/app", MOD)  # the bar is in the desk's nav


def test_backups_page_lists_sets_and_downloads_only_their_files(pages: Api) -> None:
    """System Managers see each backup set with its parts as downloads; no other file, no other role."""
    handle = pages.handle
    made = take_backup(handle.name, handle.sites_path, echo=lambda _m: None)
    with handle.context():
        make_user(HR, "HR Manager")
        smooth.db.commit()
    page = _get(pages, "/app/backups", "Administrator")
    text = page_text(page)
    assert "A backup of the database is taken every day" in text and "Database" in text and "Manifest" in text
    assert made.stamp[:8] in page.replace("-", "")
    dump = made.parts["database"]
    download = pages.get("/app/backups", user="Administrator", params={"download": dump.name})
    assert download.status_code == 200 and download.content == dump.read_bytes()
    assert dump.name in download.headers["content-disposition"]
    for name in ("../site_config.json", "site_config.json", "nothing.sql"):
        refused = pages.get("/app/backups", user="Administrator", params={"download": name})
        assert refused.status_code == 404 and "No backup file named" in refused.text, name
    assert pages.get("/app/backups", user=HR).status_code == 403


def test_back_up_now_runs_a_job_whose_set_the_page_then_lists(pages: Api) -> None:
    """The button posts to a whitelisted method (System Managers only) that queues the backup; the page shows the
    job's state and, once done, the new set with its files."""
    handle = pages.handle
    with handle.context():
        make_user(HR, "HR Manager")
        smooth.db.commit()
    method = "/api/method/smooth.core.page.backups.backups.backup_now"
    page = _get(pages, "/app/backups", "Administrator")
    assert f'action="{method}"' in page and "Back up now" in page
    assert pages.post(method, user=HR).status_code == 403
    assert pages.get(method, user="Administrator").status_code == 403, "a GET starts nothing"
    before = {b.stamp for b in list_backups(handle.name, handle.sites_path)}
    started = pages.post(method, user="Administrator")
    assert started.status_code == 200 and started.json()["message"]["state"] == "queued", started.text
    assert wait_for_deferred_jobs(60)
    made = [b for b in list_backups(handle.name, handle.sites_path) if b.stamp not in before]
    assert len(made) == 1 and {"database", "files", "private-files", "config"} <= set(made[0].parts)
    done = _get(pages, "/app/backups", "Administrator")
    assert "is done" in page_text(done) and made[0].parts["files"].name in done
    assert 'hx-trigger="every 2s"' not in done, "the page stops polling once the job is done"
    set_job_status(handle.sites_path / handle.name, state="queued", by="Administrator",
                   started="2999-01-01T00:00:00+00:00")
    busy = _get(pages, "/app/backups", "Administrator")
    assert 'hx-trigger="every 2s"' in busy and "Backup queued by Administrator" in page_text(busy)
    again = pages.post(method, user="Administrator")
    assert again.status_code == 417 and "already being taken" in again.text
    set_job_status(handle.sites_path / handle.name, state="done", stamp=made[0].stamp)
