"""The learner portal's day: cancelling asks first, a cancelled slot leaves calendars, booking is offered only
when the server would take it, a No Show stays visible, the attempt policy says when to book again, a post
after the session ended keeps the slot, and the portal points on (next step, certificate earned, training due,
a lookup form on /verify).

Page behaviour over the served site; no dialect differences, so SQLite only.
"""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import parse_qs, urlsplit

from icalendar import Calendar

import smooth
from smooth_lms import certificates, training_assignments
from tests.api.helpers import Api
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday, slot_started
from tests.lms.content import add_lessons
from tests.pages.served import EVERY_DAY, page_text

LEARNER, EVALUATOR = "lea@example.com", "eve@example.com"


def _booked(pages: Api, **course_values: object) -> tuple[str, str]:
    """A course with an evaluator on every day, a learner who completed it and a Pending request (committed)."""
    with pages.handle.context():
        course = make_course("Harness Safety", **course_values)
        make_evaluator(EVALUATOR, [course], EVERY_DAY)
        make_learner(LEARNER, course)
        name = book(LEARNER, course, next_weekday(0), "09:00").name
        smooth.db.commit()
    return course, name


def _sequence(ics: bytes) -> tuple[str, int, str]:
    cal = Calendar.from_ical(ics)
    event = cal.walk("VEVENT")[0]
    return str(cal["method"]), int(event["sequence"]), str(event["uid"])


def test_cancel_asks_first_and_a_cancelled_request_offers_a_cancelling_ics(pages: Api) -> None:
    course, name = _booked(pages)
    url = f"/lms/evaluations/{name}"
    booked_ics = pages.get(f"{url}/ics", user=LEARNER).content
    asked = pages.post(url, user=LEARNER, data={"action": "cancel", "back": "/lms/evaluations"},
                       follow_redirects=False)
    assert asked.status_code == 200 and "Cancel this evaluation?" in asked.text
    assert 'name="confirmed" value="1"' in asked.text and "No, keep it" in asked.text
    assert pages.get(url, user=LEARNER).text.count("Cancelled") == 0  # one click changed nothing
    done = pages.post(url, user=LEARNER, data={"action": "cancel", "confirmed": "1", "back": "/lms/evaluations"},
                      follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/lms/evaluations?cancelled=1"
    page = pages.get(url, user=LEARNER).text
    assert "Add to calendar" not in page and "Google Calendar" not in page and "Remove from calendar (.ics)" in page
    method, sequence, uid = _sequence(pages.get(f"{url}/ics", user=LEARNER).content)
    _, booked_sequence, booked_uid = _sequence(booked_ics)
    assert method == "CANCEL" and uid == booked_uid and sequence > booked_sequence


def test_the_certification_page_says_why_booking_is_not_offered_and_the_server_agrees(pages: Api) -> None:
    course, name = _booked(pages, certificate_validity_months=12, recertification_window_days=30)
    url = f"/lms/courses/{course}/certification"
    pending = pages.get(url, user=LEARNER)
    text = page_text(pending.text)
    assert "You have a pending evaluation on " in text and f">{name}</a>): reschedule or cancel it" in pending.text
    assert "(Asia/Kolkata" in text or "(UTC" in text
    assert 'id="slot-form"' not in pending.text and f"?reschedule={name}" in pending.text
    with pages.handle.context():
        smooth.db.set_value("LMS Certificate Request", name, {"status": "Cancelled", "active_key": None})
        cert = certificates.issue_certificate(LEARNER, course)
        smooth.db.commit()
        expiry, number = cert.expiry_date, cert.certificate_number
    certified = pages.get(url, user=LEARNER)
    until = smooth.getdate(expiry)
    assert f"You hold a valid certificate until {until:%d %B %Y} ({number}); re-certification opens on " \
           f"{until - dt.timedelta(days=30):%d %B %Y}" in page_text(certified.text)
    assert 'id="slot-form"' not in certified.text
    monday = next_weekday(0)
    refused = pages.post(url, user=LEARNER, data={"slot": f"{monday}T09:00:00Z", "timezone": "UTC"})
    assert refused.status_code == 417 and "You hold a valid certificate until" in refused.text
    with pages.handle.context():  # inside the renewal window: booking is offered again, and accepted
        smooth.db.set_value("LMS Certificate", cert.name, "expiry_date", smooth.today() + dt.timedelta(days=10))
        smooth.db.commit()
    open_again = pages.get(url, user=LEARNER, params={"timezone": "UTC", "date": monday.isoformat()})
    assert 'id="slot-form"' in open_again.text
    assert f"Your certificate {number} expires on " in open_again.text
    booked = pages.post(url, user=LEARNER, data={"slot": f"{monday}T09:00:00Z", "timezone": "UTC"},
                        follow_redirects=False)
    assert booked.status_code == 303, booked.text[:800]
    with pages.handle.context():  # a certificate that never expires: nothing to book at all
        smooth.db.set_value("LMS Certificate Request", {"member": LEARNER, "status": "Pending"},
                            {"status": "Cancelled", "active_key": None})
        smooth.db.set_value("LMS Certificate", cert.name, "expiry_date", None)
        smooth.db.commit()
    assert "it does not expire, so there is no evaluation to book" in pages.get(url, user=LEARNER).text


def test_a_no_show_is_shown_in_its_section_and_counted(pages: Api) -> None:
    course, name = _booked(pages)
    with pages.handle.context():
        slot_started(name)
        smooth.apply_workflow(smooth.get_doc("LMS Certificate Request", name), "Mark No Show")
        smooth.db.commit()
    mine = pages.get("/lms/evaluations", user=LEARNER).text
    closed = mine.split('id="head-cancelled"')[1]
    assert "Cancelled and closed <span" in mine and "(1)" in closed.split("</h2>")[0]
    assert f"/lms/evaluations/{name}" in closed and ">No Show</span>" in closed
    assert ">No Show</span>" in pages.get(f"/lms/evaluations/{name}", user=LEARNER).text
    stats = pages.get("/statistics/learning", user="Administrator").text
    assert ": No Show 1</title>" in stats and '<th scope="col">No Show</th>' in stats


def test_the_attempt_policy_says_when_and_why_before_the_learner_tries(pages: Api) -> None:
    """A Fail starts the course's cool-down: the certification page says until when instead of offering slots,
    and a booking posted anyway is refused with the same sentence; a No Show then uses the last attempt."""
    course, name = _booked(pages, evaluation_cooldown_days=5, max_evaluation_attempts=2)
    with pages.handle.context():
        slot_started(name)
        smooth.get_doc({"doctype": "LMS Certificate Evaluation", "certificate_request": name,
                        "date": smooth.today(), "status": "Fail"}).insert()  # completes the request
        smooth.db.commit()
    url = f"/lms/courses/{course}/certification"
    opens = f"{smooth.getdate(smooth.today()) + dt.timedelta(days=5):%d %B %Y}"
    text = page_text(pages.get(url, user=LEARNER).text)
    assert "You cannot book an evaluation now" in text and f"you may book again from {opens}" in text
    assert "5-day cool-down (1 of 2 attempts left)" in text and "Schedule Evaluation" not in text
    refused = pages.post(url, user=LEARNER, data={"slot": f"{next_weekday(0)}T09:30:00Z", "timezone": "UTC"})
    assert f"you may book again from {opens}" in page_text(refused.text)
    rest = pages.post("/api/method/smooth_lms.api.book_evaluation", user=LEARNER,
                      json={"course": course, "date": next_weekday(0).isoformat(), "start_time": "10:00"})
    assert rest.status_code == 417 and f"you may book again from {opens}" in rest.json()["exception"]
    with pages.handle.context():
        smooth.db.set_value("LMS Course", course, "evaluation_cooldown_days", 0)
        again = book(LEARNER, course, next_weekday(0, at_least_days=10), "09:00").name
        slot_started(again)
        smooth.apply_workflow(smooth.get_doc("LMS Certificate Request", again), "Mark No Show")
        smooth.db.commit()
    text = page_text(pages.get(url, user=LEARNER).text)
    assert "You have used all 2 evaluation attempts for this course (each Fail and No Show counts)" in text


def test_a_booking_posted_after_the_session_ended_comes_back_with_the_slot_chosen(pages: Api) -> None:
    with pages.handle.context():
        course = make_course("Rope Access")
        make_evaluator(EVALUATOR, [course], EVERY_DAY)
        make_learner(LEARNER, course)
    url, monday = f"/lms/courses/{course}/certification", next_weekday(0)
    slot = f"{monday}T09:30:00Z"
    expired = pages.post(url, user=None, follow_redirects=False,
                         data={"slot": slot, "timezone": "UTC", "date": monday.isoformat(), "csrf_token": "gone"})
    assert expired.status_code == 401 and "Log in again" in expired.text
    back = html.unescape(expired.text.split('name="redirect-to" value="')[1].split('"')[0])
    assert urlsplit(back).path == url and parse_qs(urlsplit(back).query)["slot"] == [slot]
    page = pages.get(back, user=LEARNER)
    assert f'value="{slot}" required checked' in page.text
    assert "Your choice is kept: 09:30" in page_text(page.text)
    with pages.handle.context():
        assert not smooth.db.exists("LMS Certificate Request", {"member": LEARNER})  # nothing booked on the way


def test_the_portal_points_to_the_next_step_the_certificate_and_training_due(pages: Api) -> None:
    with pages.handle.context():
        course = make_course("Ladder Use", evaluation_required=0)
        lessons = add_lessons(course, {"Only": ["Climb", "Descend"]})
        quiz = smooth.get_doc({"doctype": "LMS Quiz", "title": "Ladder Quiz", "course": course,
                               "passing_percentage": 50, "questions": [
                                   {"question": "Three points of contact?", "type": "Single Choice",
                                    "options": "Yes\nNo", "correct_answers": "Yes"}]}).insert().name
        make_learner(LEARNER, course, progress=0)
        late = make_course("Fire Wardens", evaluation_required=0)
        training_assignments.assign_training(LEARNER, late, smooth.today() + dt.timedelta(days=5))
        smooth.db.set_value("LMS Training Assignment", {"course": late}, "due_date",
                            smooth.today() - dt.timedelta(days=2))
        smooth.db.commit()
    last = pages.get(f"/lms/courses/{course}/learn/{lessons[-1]}", user=LEARNER).text
    assert f'href="/lms/courses/{course}/quiz/{quiz}" id="next-step">Next: quiz Ladder Quiz' in last
    for lesson in lessons:
        pages.post(f"/lms/courses/{course}/learn/{lesson}", user=LEARNER, data={"action": "complete"})
    sent = pages.post(f"/lms/courses/{course}/quiz/{quiz}", user=LEARNER, data={"q-1": "0"}, follow_redirects=False)
    passed = pages.get(sent.headers["location"], user=LEARNER)
    with pages.handle.context():
        number = smooth.db.get_value("LMS Certificate", {"member": LEARNER, "course": course}, "certificate_number")
    assert number and f'You earned a certificate: <a href="/verify/{number}">{number}</a>' in passed.text
    home = pages.get("/lms", user=LEARNER).text
    overdue = home.split("Fire Wardens")[1].split("</article>")[0]
    assert "Overdue" in overdue and f"was due {smooth.today() - dt.timedelta(days=2)}" in overdue
    assert 'class="card course-card stack overdue"' in home
    lookup = pages.get("/verify", user=None)
    assert lookup.status_code == 200 and "Not found" not in lookup.text
    assert 'action="/verify"' in lookup.text and 'name="number"' in lookup.text
    found = pages.get("/verify", user=None, params={"number": number.lower()})
    assert "This certificate is valid." in found.text and "Check another certificate" in found.text
