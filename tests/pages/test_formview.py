"""The form view over HTTP: rendering from metadata, saving, errors, actions, permissions."""

from __future__ import annotations

import datetime as dt
import html
import re
import zoneinfo
from typing import Any

import pytest

import smooth
from smooth.exceptions import MandatoryError
from tests.api.helpers import Api
from tests.conftest import make_user
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday

MOD = "mod@example.com"
FORM = "/app/course-evaluator"


def _setup(pages: Api) -> str:
    with pages.handle.context():
        make_user(MOD, "Moderator")
        course = make_course("Forklift Basics")
        make_evaluator("eva@example.com", [course], max_evaluations_per_day=2)
        return course


def _form(pages: Api, path: str, user: str = MOD) -> str:
    response = pages.get(path, user=user)
    assert response.status_code == 200, response.text[:500]
    return response.text


def _modified(page: str) -> str:
    match = re.search(r'name="modified" value="([^"]*)"', page)
    assert match
    return html.unescape(match.group(1))


def _post(pages: Api, path: str, data: dict[str, Any], user: str = MOD) -> Any:
    return pages.post(path, data=data, user=user, follow_redirects=False)


def test_the_form_has_an_input_per_field_from_metadata(pages: Api) -> None:
    course = _setup(pages)
    page = _form(pages, f"{FORM}/eva@example.com")
    assert 'name="evaluator"' in page and 'data-link="User"' in page
    assert 'type="number" step="1"' in page and 'name="max_evaluations_per_day"' in page
    assert f'name="courses-0-course" value="{course}" checked' in page
    assert 'name="schedule-0-day"' in page and 'name="schedule-0-name"' in page
    assert '<option value="Monday" selected>Monday</option>' in page
    assert 'type="time" value="09:00"' in page
    assert 'name="csrf_token"' in page
    assert ' name="full_name"' not in page  # read only: shown, not posted
    assert "Weekly Schedule" in page and "Unavailability" in page


def test_a_failed_save_keeps_what_was_typed_and_shows_the_message(pages: Api) -> None:
    _setup(pages)
    page = _form(pages, f"{FORM}/eva@example.com")
    response = _post(pages, f"{FORM}/eva@example.com", {
        "modified": _modified(page), "evaluator": "eva@example.com", "max_evaluations_per_day": "5",
        "schedule-0-day": "Tuesday", "schedule-0-start_time": "11:00", "schedule-0-end_time": "10:00"})
    assert response.status_code == 417
    assert "Row #1 in Schedule: the start time must be before the end time" in response.text
    assert 'value="5"' in response.text and 'type="time" value="10:00"' in response.text
    assert '<option value="Tuesday" selected>' in response.text
    with pages.handle.context():
        assert smooth.db.get_value("Course Evaluator", "eva@example.com", "max_evaluations_per_day") == 2


def test_a_save_redirects_and_writes_rows_checks_and_blank_rows_are_ignored(pages: Api) -> None:
    course = _setup(pages)
    page = _form(pages, f"{FORM}/eva@example.com")
    rows = re.findall(r'name="schedule-(\d)-name" value="([^"]+)"', page)
    with pages.handle.context():
        course_row = smooth.get_doc("Course Evaluator", "eva@example.com").courses[0].name
    response = _post(pages, f"{FORM}/eva@example.com", {
        "modified": _modified(page), "evaluator": "eva@example.com", "max_evaluations_per_day": "",
        "courses-0-course": course,
        "schedule-0-name": rows[1][1], "schedule-0-day": "Wednesday", "schedule-0-start_time": "14:00",
        "schedule-0-end_time": "15:00",
        "schedule-1-name": rows[0][1], "schedule-1-day": "Monday", "schedule-1-start_time": "09:00",
        "schedule-1-end_time": "12:00", "schedule-1-__remove": "1",
        "schedule-2-day": "", "schedule-2-start_time": "", "schedule-2-end_time": "",
        "unavailability-0-from_date": "2030-01-01", "unavailability-0-to_date": "2030-01-02",
        "unavailability-0-reason": "Away"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{FORM}/eva%40example.com?saved=1"
    with pages.handle.context():
        doc = smooth.get_doc("Course Evaluator", "eva@example.com")
        assert [(r.name, r.day, str(r.end_time)[:5]) for r in doc.schedule] == [(rows[1][1], "Wednesday", "15:00")]
        assert [r.reason for r in doc.unavailability] == ["Away"]
        assert [r.name for r in doc.courses] == [course_row]  # still chosen: the same row
        assert doc.max_evaluations_per_day in (None, 0)


def test_a_stale_modified_is_refused_with_reload_offered(pages: Api) -> None:
    _setup(pages)
    response = _post(pages, f"{FORM}/eva@example.com", {
        "modified": "2001-01-01 00:00:00", "evaluator": "eva@example.com", "max_evaluations_per_day": "9"})
    assert response.status_code == 417
    assert "Someone else saved this Course Evaluator after you opened it" in response.text
    assert "Reload the latest version" in response.text
    assert 'value="2001-01-01 00:00:00"' in response.text  # a second try is still stale


def test_new_form_creates_and_prefills_from_the_query(pages: Api) -> None:
    _setup(pages)
    page = _form(pages, f"{FORM}/new?timezone=Europe/Berlin&bogus=1")
    assert 'name="timezone" value="Europe/Berlin"' in page.replace('type="text" ', "").replace(
        'value="Europe/Berlin" id="f-timezone" name="timezone"', 'name="timezone" value="Europe/Berlin"')
    with pages.handle.context():
        make_user("new@example.com")
    response = _post(pages, f"{FORM}/new", {"evaluator": "new@example.com", "timezone": "Europe/Berlin"})
    assert response.status_code == 303, response.text[:800]
    with pages.handle.context():
        assert smooth.db.get_value("Course Evaluator", "new@example.com", "timezone") == "Europe/Berlin"


def test_duplicate_copies_values_but_not_unique_or_no_copy_fields(pages: Api) -> None:
    _setup(pages)
    page = _form(pages, f"{FORM}/new?duplicate=eva@example.com")
    assert 'name="evaluator"' in page and 'value="eva@example.com"' not in page  # unique: not copied
    assert 'name="schedule-0-day"' in page and '<option value="Monday" selected>' in page


def test_permissions_404_and_403_pages(pages: Api) -> None:
    with pages.handle.context():
        course = make_course()
        make_evaluator("eva@example.com", [course])
        make_learner("lea@example.com", course, user_type="System User")  # learners with desk access
        make_learner("leo@example.com", course, user_type="System User")
        name = book("lea@example.com", course, next_weekday(0), "09:00").name
        smooth.db.commit()
    own = pages.get(f"/app/lms-certificate-request/{name}", user="lea@example.com")
    assert own.status_code == 200
    other = pages.get(f"/app/lms-certificate-request/{name}", user="leo@example.com")
    assert other.status_code == 403 and "Not Permitted" in other.text and "Traceback" not in other.text
    missing = pages.get("/app/lms-certificate-request/NOPE", user="Administrator")
    assert missing.status_code == 404 and "Not Found" in missing.text
    assert pages.get("/app/no-such-doctype/x", user="Administrator").status_code == 404
    guest = pages.get(f"/app/lms-certificate-request/{name}", user=None, follow_redirects=False)
    assert guest.status_code in (302, 303, 307) and "/login" in guest.headers["location"]
    created = _post(pages, f"{FORM}/new", {"evaluator": "lea@example.com"}, user="leo@example.com")
    assert created.status_code == 403


def test_delete_rename_and_comments(pages: Api) -> None:
    _setup(pages)
    ask = _form(pages, f"{FORM}/eva@example.com?action=delete")
    assert "Delete Course Evaluator eva@example.com?" in ask
    added = _post(pages, f"{FORM}/eva@example.com", {"action": "comment", "content": "Hi <img src=x onerror=alert(1)>"})
    assert added.status_code == 303
    page = _form(pages, f"{FORM}/eva@example.com/activity")  # the timeline follows the form
    assert "onerror" not in page and "Hi" in page
    with pages.handle.context():
        comment = smooth.get_all("Comment", fields=["name", "owner", "content"])[0]
    assert comment["owner"] == MOD and "onerror" not in comment["content"]
    with pages.handle.context():
        make_user("other@example.com", "Moderator")
    refused = _post(pages, f"{FORM}/eva@example.com", {"action": "delete_comment", "comment": comment["name"]},
                    user="other@example.com")
    assert refused.status_code == 403 and "only its author or a System Manager" in refused.text
    edited = _post(pages, f"{FORM}/eva@example.com", {"action": "edit_comment", "comment": comment["name"],
                                                      "content": "Edited"})
    assert edited.status_code == 303
    deleted = _post(pages, f"{FORM}/eva@example.com", {"action": "delete", })
    assert deleted.status_code == 303
    with pages.handle.context():
        assert not smooth.db.exists("Course Evaluator", "eva@example.com")


def test_password_is_never_echoed_and_blank_keeps_it(pages: Api) -> None:
    with pages.handle.context():
        make_user("pw@example.com", password="first-pw-1")
    page = _form(pages, "/app/user/pw@example.com", user="Administrator")
    assert 'type="password" value=""' in page and "first-pw-1" not in page
    response = _post(pages, "/app/user/pw@example.com", {"modified": _modified(page), "first_name": "Pat",
                                                           "new_password": ""}, user="Administrator")
    assert response.status_code == 303, response.text[:1000]
    login = pages.call("login", http="POST", user=None, usr="pw@example.com", pwd="first-pw-1")
    assert login.status_code == 200


def test_text_editor_values_are_sanitised_by_the_model_for_every_writer(pages: Api) -> None:
    with pages.handle.context():
        doc = smooth.get_doc({"doctype": "Comment", "comment_type": "Info", "reference_doctype": "User",
                              "reference_name": "Administrator",
                              "content": '<p onclick="x()">ok<script>alert(1)</script></p>'}).insert()
        assert doc.content == "<p>ok</p>"
        smooth.db.rollback()


def test_mandatory_depends_on_is_enforced_on_save(pages: Api) -> None:
    with pages.handle.context():
        meta = smooth.local.site.get_meta("LMS Course")
        field = meta.get_field("description") or next(f for f in meta.value_fields if not f.reqd)
        field.mandatory_depends_on = "eval:doc.published == 1"
        meta.conditionally_mandatory.append(field)
        try:
            with pytest.raises(MandatoryError, match=field.label):
                make_course("Needs Text", published=1, **{field.fieldname: None})
            smooth.db.rollback()
            assert make_course("No Text", published=0, **{field.fieldname: None})
        finally:
            field.mandatory_depends_on = None
            meta.conditionally_mandatory.remove(field)
            smooth.db.rollback()


def test_utc_datetimes_are_shown_in_the_viewers_zone_and_labelled(pages: Api) -> None:
    with pages.handle.context():
        course = make_course()
        make_evaluator("eva@example.com", [course])
        make_learner("lea@example.com", course)
        request = book("lea@example.com", course, next_weekday(0), "09:00")
        smooth.db.set_value("User", "eva@example.com", "time_zone", "Asia/Kolkata")
        smooth.db.commit()
        start_utc = request.start_utc
    page = _form(pages, f"/app/lms-certificate-request/{request.name}", user="eva@example.com")
    shown = start_utc.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo("Asia/Kolkata"))
    assert f'{shown:%Y-%m-%d %H:%M} <span class="zone">(Asia/Kolkata)</span>' in page


def test_link_search_and_fetch_from_methods_answer_under_frappes_names(pages: Api) -> None:
    course = _setup(pages)
    found = pages.call("frappe.desk.search.search_link", user=MOD, doctype="LMS Course", txt="fork")
    assert found.status_code == 200, found.text
    assert [r["value"] for r in found.json()["message"]] == [course]
    none = pages.call("frappe.desk.search.search_link", user=MOD, doctype="LMS Course", txt="zzz")
    assert none.json()["message"] == []
    fetched = pages.call("smooth.desk.search.fetch_link_values", user="Administrator", doctype="Course Evaluator",
                         fieldname="evaluator", value="eva@example.com")
    assert fetched.json()["message"] == {"full_name": "eva"}
    unreadable = pages.call("smooth.desk.search.fetch_link_values", user=MOD, doctype="Course Evaluator",
                            fieldname="evaluator", value="eva@example.com")
    assert unreadable.json()["message"] == {"full_name": None}  # a Moderator may not read Users
    with pages.handle.context():
        make_user("lea@example.com", "LMS Student")
    refused = pages.call("frappe.desk.search.search_link", user="lea@example.com", doctype="Course Evaluator", txt="")
    assert refused.status_code == 403


def test_delete_is_offered_only_to_who_may_delete(pages: Api) -> None:
    _setup(pages)
    page = pages.get(f"{FORM}/eva@example.com?action=delete", user="eva@example.com")
    assert page.status_code == 200 and "Delete Course Evaluator" not in page.text and ">Delete<" not in page.text
    refused = _post(pages, f"{FORM}/eva@example.com", {"action": "delete"}, user="eva@example.com")
    assert refused.status_code == 403
    with pages.handle.context():
        assert smooth.db.exists("Course Evaluator", "eva@example.com")


def test_what_the_controller_says_on_saving_is_shown_with_the_saved_form(pages: Api) -> None:
    with pages.handle.context():
        make_user(MOD, "Moderator")
        course = make_course()
        make_evaluator("eva@example.com", [course])
        make_learner("lea@example.com", course)
        day = next_weekday(0)
        name = book("lea@example.com", course, day, "09:00").name
        smooth.db.commit()
    page = _form(pages, f"{FORM}/eva@example.com")
    response = _post(pages, f"{FORM}/eva@example.com", {
        "modified": _modified(page), "evaluator": "eva@example.com",
        "unavailability-0-from_date": day.isoformat(), "unavailability-0-to_date": day.isoformat()})
    assert response.status_code == 200
    assert "These pending evaluations fall in your unavailability" in response.text and name in response.text
    assert 'data-saved-url="/app/course-evaluator/eva%40example.com"' in response.text
    with pages.handle.context():
        assert len(smooth.get_doc("Course Evaluator", "eva@example.com").unavailability) == 1
