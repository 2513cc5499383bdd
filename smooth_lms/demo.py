"""A small, realistic data set to try Smooth with: `bench --site S execute smooth_lms.demo.make_demo_data`.

Idempotent: records that already exist are left alone, so running it twice changes nothing.
Dates are relative to today, so the bookable slots are always in the future, and each run (on
the day it is run) leaves Ava a request whose slot started earlier today (to Complete), one later
today and one tomorrow; Omar's completed request awaits its certificate and Nina holds one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth_lms.certificates import certify_request
from smooth_lms.evaluators import course_settings, slot_minutes
from smooth_lms.progress import lessons
from smooth_lms.timezones import now_utc, to_utc, to_wall

PASSWORD = "demo1234"
EVALUATORS = {
    "ava.evaluator@example.com": ("Ava", "Evaluator", "Europe/Berlin",
                                  [("Monday", "09:00", "12:00"), ("Wednesday", "13:00", "16:00")]),
    "ben.evaluator@example.com": ("Ben", "Evaluator", "America/New_York",
                                  [("Tuesday", "09:00", "12:00"), ("Thursday", "09:00", "11:00")]),
}
LEARNERS: dict[str, tuple[str, str, str | None, int]] = {  # zone None: the system's
    "lena.learner@example.com": ("Lena", "Learner", "Europe/Berlin", 100),
    "omar.learner@example.com": ("Omar", "Learner", "Asia/Kolkata", 100),
    "sara.learner@example.com": ("Sara", "Learner", "America/New_York", 100),
    "tom.learner@example.com": ("Tom", "Learner", None, 40),
    "nina.learner@example.com": ("Nina", "Learner", "Europe/London", 100),
}
AVA = "ava.evaluator@example.com"
TODAY_TAG = "Demo booking for the day the demo is run"
CONTENT: dict[str, dict[str, list[tuple[str, str]]]] = {  # course title -> chapters -> lessons (title, Markdown body)
    "Workplace Safety": {
        "Hazards": [("Spotting hazards", "Walk the floor **before** a shift: spills, blocked exits, loose cables.\n\n"
                                         "- Report what you find\n- Fix what you safely can"),
                    ("Reporting an incident", "Every incident and near miss is reported the same day.")],
        "Protective equipment": [("Choosing PPE", "Match the equipment to the task: gloves, goggles, boots."),
                                 ("Wearing and checking PPE", "Check for damage before every use."),
                                 ("Ready for the evaluation", "The evaluator will ask you to walk through a "
                                                              "hazard check and pick the right PPE.")],
    },
    "Forklift Operation": {
        "Before driving": [("Daily checks", "Forks, mast, chains, tyres, horn, lights and brakes."),
                           ("Load capacity", "Read the data plate; never exceed the rated load.")],
        "Driving": [("Travelling with a load", "Keep the load low and tilted back; look in the direction of "
                                               "travel."),
                    ("Stacking and unstacking", "Square up, stop, lift, then move slowly."),
                    ("Parking safely", "Forks down, controls neutral, brake on, key out.")],
    },
    "Data Privacy Essentials": {
        "Policy": [("What counts as personal data", "Names, emails, IDs and anything that identifies a person."),
                   ("Handling requests", "Forward access and deletion requests to the privacy team.")],
    },
}
COURSES: list[dict[str, Any]] = [
    {"title": "Workplace Safety", "published": 1, "mandatory": 1, "evaluation_required": 1,
     "short_introduction": "Hazards, PPE and reporting; certified by a short practical evaluation."},
    {"title": "Forklift Operation", "published": 1, "evaluation_required": 1, "evaluation_slot_minutes": 45,
     "short_introduction": "Safe forklift handling, with a live demonstration for certification."},
    {"title": "Data Privacy Essentials", "published": 1, "mandatory": 1,
     "short_introduction": "Self-paced policy training; certified on completion."},
]


def make_demo_data() -> dict[str, Any]:
    """Create the demo records; returns what was created, for the CLI to print."""
    created: dict[str, int] = {}
    _user("moderator@example.com", "Mira", "Moderator", None, ["Moderator"], created)
    for email, (first, last, zone, _schedule) in EVALUATORS.items():
        _user(email, first, last, zone, ["Batch Evaluator"], created)
    for email, (first, last, learner_zone, _progress) in LEARNERS.items():
        _user(email, first, last, learner_zone, ["LMS Student"], created)
    courses = [_course(values, created) for values in COURSES]
    for values, course in zip(COURSES, courses, strict=True):
        _content(course, CONTENT.get(values["title"], {}), created)
    safety, forklift = courses[0], courses[1]
    for index, (email, (_f, _l, zone, schedule)) in enumerate(EVALUATORS.items()):
        _evaluator(email, zone, schedule, [safety, forklift] if index == 0 else [safety], created)
    _unavailability("ben.evaluator@example.com")
    for email, (_f, _l, _z, progress) in LEARNERS.items():
        for course in (safety, forklift):
            _enrollment(email, course, progress, created)
    _quiz(courses[2], created)
    cohort = _cohort(safety, forklift, created)
    _requests(safety, forklift, cohort, created)
    _certified("nina.learner@example.com", safety, created)
    _todays_requests(safety, forklift, created)
    _program(safety, forklift, cohort, created)
    _live_class(cohort, safety, created)
    return created


def _count(created: dict[str, int], doctype: str) -> None:
    created[doctype] = created.get(doctype, 0) + 1


def _user(email: str, first: str, last: str, zone: str | None, roles: list[str], created: dict[str, int]) -> None:
    if smooth.db.exists("User", email):
        return
    # the user type follows the roles: a learner (LMS Student only) is a Website User and uses /lms, not the desk
    smooth.get_doc({"doctype": "User", "email": email, "first_name": first, "last_name": last, "time_zone": zone,
                    "new_password": PASSWORD, "roles": [{"role": r} for r in roles]}).insert(ignore_permissions=True)
    _count(created, "User")


def _course(values: dict[str, Any], created: dict[str, int]) -> str:
    existing = smooth.db.get_value("LMS Course", {"title": values["title"]})
    if existing:
        return existing
    _count(created, "LMS Course")
    return smooth.get_doc({"doctype": "LMS Course", **values}).insert(ignore_permissions=True).name


def _evaluator(email: str, zone: str, schedule: list[tuple[str, str, str]], courses: list[str],
               created: dict[str, int]) -> None:
    if smooth.db.exists("Course Evaluator", email):
        return
    smooth.get_doc({"doctype": "Course Evaluator", "evaluator": email, "timezone": zone,
                    "courses": [{"course": c} for c in courses],
                    "schedule": [{"day": d, "start_time": s, "end_time": e} for d, s, e in schedule]}).insert(
        ignore_permissions=True)
    _count(created, "Course Evaluator")


def _unavailability(email: str) -> None:
    doc = smooth.get_doc("Course Evaluator", email)
    if doc.unavailability:
        return
    start = smooth.today() + dt.timedelta(days=14)
    doc.append("unavailability", {"from_date": start, "to_date": start + dt.timedelta(days=6),
                                  "reason": "Annual leave"})
    doc.save(ignore_permissions=True)


def _content(course: str, chapters: dict[str, list[tuple[str, str]]], created: dict[str, int]) -> None:
    if smooth.db.exists("Course Chapter", {"course": course}):
        return
    for title, chapter_lessons in chapters.items():
        chapter = smooth.get_doc({"doctype": "Course Chapter", "title": title, "course": course}).insert(
            ignore_permissions=True)
        _count(created, "Course Chapter")
        for lesson_title, body in chapter_lessons:
            smooth.get_doc({"doctype": "Course Lesson", "title": lesson_title, "chapter": chapter.name,
                            "body": body}).insert(ignore_permissions=True)
            _count(created, "Course Lesson")


def _quiz(course: str, created: dict[str, int]) -> None:
    """A mandatory quiz on the self-paced course: pass it after the lessons and the certificate is issued."""
    if smooth.db.exists("LMS Quiz", {"course": course}):
        return
    smooth.get_doc({"doctype": "LMS Quiz", "title": "Privacy Check", "course": course, "passing_percentage": 70,
                    "max_attempts": 3, "mandatory_for_certification": 1, "questions": [
                        {"question": "Which of these is personal data?", "type": "Multiple Choice",
                         "options": "An email address\nAn employee ID\nThe office opening hours",
                         "correct_answers": "An email address\nAn employee ID", "marks": 2},
                        {"question": "Who handles a deletion request?", "type": "Single Choice",
                         "options": "Whoever receives it\nThe privacy team\nIT support",
                         "correct_answers": "The privacy team", "marks": 1},
                        {"question": "Same day or next week: when do you forward an access request?",
                         "type": "Short Answer", "correct_answers": "same day", "marks": 1}]}).insert(
        ignore_permissions=True)
    _count(created, "LMS Quiz")


def _enrollment(member: str, course: str, progress: float, created: dict[str, int]) -> None:
    """Enrol `member` and complete the first `progress` percent of the course's lessons."""
    if smooth.db.exists("LMS Enrollment", {"member": member, "course": course}):
        return
    smooth.get_doc({"doctype": "LMS Enrollment", "member": member, "course": course}).insert(
        ignore_permissions=True)
    _count(created, "LMS Enrollment")
    in_order = lessons(course)
    for lesson in in_order[:round(len(in_order) * progress / 100)]:
        smooth.get_doc({"doctype": "LMS Course Progress", "member": member, "lesson": lesson.name,
                        "status": "Complete"}).insert(ignore_permissions=True)


def _cohort(safety: str, forklift: str, created: dict[str, int]) -> str:
    existing = smooth.db.get_value("LMS Batch", {"title": "Warehouse Operators Cohort"})
    if existing:
        return existing
    today = smooth.today()
    cohort = smooth.get_doc({
        "doctype": "LMS Batch", "title": "Warehouse Operators Cohort", "start_date": today - dt.timedelta(days=30),
        "end_date": today + dt.timedelta(days=60), "evaluation_required": 1,
        "evaluation_end_date": today + dt.timedelta(days=45), "evaluator": "ava.evaluator@example.com",
        "courses": [{"course": safety, "evaluator": "ava.evaluator@example.com"}, {"course": forklift}],
        "members": [{"member": m} for m in LEARNERS],
    }).insert(ignore_permissions=True)
    _count(created, "LMS Batch")
    return cohort.name


def _program(safety: str, forklift: str, cohort: str, created: dict[str, int]) -> None:
    """A program over the cohort's two courses, in order: Nina (certified in safety) may go on to forklifts,
    Tom (40% of safety) sees Forklift Operation locked until he completes Workplace Safety."""
    if smooth.db.exists("LMS Program", {"title": "Warehouse Operator Path"}):
        return
    smooth.get_doc({"doctype": "LMS Program", "title": "Warehouse Operator Path", "published": 1,
                    "enforce_course_order": 1, "program_courses": [{"course": safety}, {"course": forklift}],
                    "cohorts": [{"batch": cohort}],
                    "description": "Safety first, then the forklift: the certificate comes with both."}).insert(
        ignore_permissions=True)
    _count(created, "LMS Program")


def _live_class(cohort: str, course: str, created: dict[str, int]) -> None:
    """One upcoming live session of the cohort, hosted by Ava (tomorrow 14:00 UTC), unless one is ahead."""
    if smooth.db.exists("LMS Live Class", {"batch_name": cohort, "status": "Scheduled", "start_utc": [">", now_utc()]}):
        return
    start = dt.datetime.combine(smooth.today() + dt.timedelta(days=1), dt.time(14))
    smooth.get_doc({"doctype": "LMS Live Class", "title": "Hazard walk-through, live", "batch_name": cohort,
                    "course": course, "host": AVA, "start_utc": start, "duration": 45, "counts_toward_progress": 0,
                    "description": "Bring questions about the hazards chapter; we walk a real floor plan together.",
                    }).insert(ignore_permissions=True)
    _count(created, "LMS Live Class")


def _requests(safety: str, forklift: str, cohort: str, created: dict[str, int]) -> None:
    from smooth_lms.api import get_available_slots

    if smooth.db.count("LMS Certificate Request"):
        return
    yesterday = to_utc(smooth.today() - dt.timedelta(days=1), dt.time(10), smooth.local.site.time_zone)
    _demo_request("omar.learner@example.com", safety, yesterday, "Completed", created)  # awaits its certificate
    plan = [("lena.learner@example.com", safety, None, "Pending"),
            ("sara.learner@example.com", forklift, cohort, "Pending"),
            ("omar.learner@example.com", forklift, cohort, "Cancelled")]  # more in _todays_requests
    for position, (member, course, batch, status) in enumerate(plan):
        slots = [s for g in get_available_slots(course, batch=batch, days=30) for s in g["slots"]]
        if not slots:
            continue
        slot = slots[min(position * 3, len(slots) - 1)]
        request = smooth.get_doc({"doctype": "LMS Certificate Request", "course": course, "member": member,
                                  "batch_name": batch, "date": slot["date"], "start_time": slot["start_time"],
                                  "start_utc": slot["start_utc"],
                                  "notes": "Demo booking"}).insert(ignore_permissions=True)
        if status != "Pending":
            request.status = status
            request.flags.ignore_workflow = True  # demo history: a booking cancelled ahead of its slot
            request.save(ignore_permissions=True)
        _count(created, "LMS Certificate Request")


def _todays_requests(safety: str, forklift: str, created: dict[str, int],
                     now: dt.datetime | None = None) -> None:
    """Ava's day, as of `now` (UTC): a slot that started earlier today, one later today, one tomorrow.

    Booking refuses a slot in the past, so these are written as the history a real day leaves
    (validation skipped, every derived field set here). A run on a later day moves a request still
    Pending from an earlier run to the new day, or books again if Ava has dealt with it.
    """
    now = now or now_utc()
    ava_now = to_wall(now, EVALUATORS[AVA][2])
    since_midnight = ava_now - dt.datetime.combine(ava_now.date(), dt.time())
    half_hour = now.replace(minute=now.minute - now.minute % 30, second=0, microsecond=0)
    started = max(half_hour - dt.timedelta(minutes=30), (now - since_midnight).replace(second=0, microsecond=0))
    later = half_hour + dt.timedelta(hours=2)
    if to_wall(later, EVALUATORS[AVA][2]).date() != ava_now.date():
        later = (now + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    tomorrow = to_utc(ava_now.date() + dt.timedelta(days=1), dt.time(10), EVALUATORS[AVA][2])
    for member, course, start in (("omar.learner@example.com", forklift, started),
                                  ("sara.learner@example.com", safety, later),
                                  ("lena.learner@example.com", forklift, tomorrow)):
        _demo_request(member, course, start, "Pending", created)


def _certified(member: str, course: str, created: dict[str, int]) -> None:
    """A request Ava evaluated last week, whose certificate was issued."""
    if smooth.db.exists("LMS Certificate", {"member": member, "course": course}):
        return
    week_ago = to_utc(smooth.today() - dt.timedelta(days=7), dt.time(9), smooth.local.site.time_zone)
    request = _demo_request(member, course, week_ago, "Completed", created)
    certify_request(request)
    _count(created, "LMS Certificate")


def _demo_request(member: str, course: str, start: dt.datetime, status: str, created: dict[str, int]) -> Any:
    """Ava's request of `member` for `course` at `start` (UTC), a Pending one moved there if it exists."""
    system_zone = smooth.local.site.time_zone
    end = start + dt.timedelta(minutes=slot_minutes(course_settings(course)))
    wall, wall_end = to_wall(start, system_zone), to_wall(end, system_zone)
    slot = {"date": wall.date(), "start_time": wall.time(), "end_time": wall_end.time(), "start_utc": start,
            "end_utc": end, "day": wall.strftime("%A")}
    earlier = smooth.db.get_value("LMS Certificate Request", {"member": member, "course": course, "notes": TODAY_TAG,
                                                              "status": "Pending"}, ["name", "start_utc"], as_dict=True)
    if earlier and status == "Pending":
        if earlier["start_utc"] != start and to_wall(earlier["start_utc"], system_zone).date() != wall.date():
            smooth.db.set_value("LMS Certificate Request", earlier["name"], slot)
        return smooth.get_doc("LMS Certificate Request", earlier["name"])
    request = smooth.get_doc({"doctype": "LMS Certificate Request", "course": course, "member": member,
                              "evaluator": AVA, "timezone": LEARNERS[member][2] or system_zone, "status": status,
                              "active_key": f"{member}|{course}|" if status == "Pending" else None,
                              "notes": TODAY_TAG, **slot})
    request.flags.ignore_validate = True  # the slot may have started already: that is the point
    request.flags.ignore_workflow = True
    request.insert(ignore_permissions=True)
    _count(created, "LMS Certificate Request")
    return request
