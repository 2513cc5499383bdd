"""LMS Certificate Request: a learner's booked evaluation slot.

Every rule that must hold whatever an admin configures runs in the controller, so it holds
whichever door the request comes through (Python, REST, desk, portal); who may complete or
cancel a request, and when, is its Workflow (the shipped fixture, editable in the desk).
Date, start and end are system-zone wall clock, kept for Frappe
compatibility and display; `start_utc` / `end_utc` are the instants the controller derives and
every check uses (a wall clock cannot name the second 02:30 of a fall-back night). A caller
names that second occurrence by giving `start_utc`; a repeated wall-clock time given alone is
refused as ambiguous. `timezone` records the learner's zone. The database has the last word
on the two races that matter:
the Course Evaluator row of the evaluator a booking takes is locked and the slot checked again
under that lock, and `active_key` (a unique index, set only while Pending) refuses a second
active request of the same learner. A new request does all this in `before_insert`, before it
is named (the naming series' row lock is held until commit), so bookings overlap until then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import smooth
from smooth import _
from smooth.exceptions import DuplicateEntryError, PermissionError, ValidationError
from smooth.model.document import Document
from smooth_lms import assignments, attempt_policy, certificates, evaluators, quizzes
from smooth_lms.slots import WEEKDAYS, EvaluatorCalendar, Slot, free_slots, offers
from smooth_lms.timezones import AmbiguousTimeError, describe, end_after, now_utc, to_utc, to_wall, zone

PRIVILEGED = ("Moderator", "System Manager", "Administrator")
BOOKING_FIELDS = ("member", "course", "batch_name", "timezone", "date", "start_time", "end_time", "start_utc",
                  "end_utc", "evaluator")
EVALUATOR_ROLES = ("Batch Evaluator",) + PRIVILEGED


class SlotBookedError(ValidationError):
    pass


class EvaluatorUnavailableError(ValidationError):
    pass


class DuplicateRequestError(ValidationError):
    pass


class SlotLengthError(ValidationError):
    pass


class LMSCertificateRequest(Document):
    status: str | None
    member: str
    course: str
    batch_name: str | None
    timezone: str | None
    date: dt.date
    start_time: dt.time
    end_time: dt.time | None
    start_utc: dt.datetime  # derived in validate when not given: every saved request has it
    end_utc: dt.datetime | None
    _active_request_unchecked = False  # a new request's duplicate check left to the unique index

    def before_validate(self) -> None:
        if not self.status or self.status == "Upcoming":  # Frappe LMS calls a pending request Upcoming
            self.status = "Pending"
        if self.is_new() and not self.member:
            self.member = smooth.session.user  # a booking without a member is the booker's own

    @smooth.whitelist()
    def issue_certificate(self) -> None:
        """Run by the workflow's Issue Certificate transition (Completed -> Completed), once it is saved."""
        certificates.certify_request(self)

    def before_insert(self) -> None:
        """A new request is checked and given its evaluator before it is named: naming takes the series' row
        lock, which is held until commit, so everything done ahead of it runs beside other bookings."""
        if self.flags.ignore_validate:
            return  # a record brought in as it stands (a migration): no booking rules, as no validate
        self.before_validate()
        self.book()

    def validate(self) -> None:
        if not self.ready():
            return  # the mandatory and link checks name what is missing
        if self.is_new():
            if self.flags.booked != self.booking():
                self.book()  # a hook after before_insert moved the slot: check it again
        else:
            self.validate_change()
            if self.flags.rescheduling:
                self.set_start()
                self.validate_dates()
                self.assign_evaluator()
        self.day = WEEKDAYS[self.date.weekday()]
        self.active_key = self.active_key_value() if self.status == "Pending" else None
        if self._active_request_unchecked and not self.active_key:
            self._active_request_unchecked = False
            self.check_no_active_request()  # not Pending: the unique index does not cover it

    def insert(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return super().insert(*args, **kwargs)
        except DuplicateEntryError:
            # the unique index on active_key refused a second active request of this learner
            if self.active_key and smooth.db.exists("LMS Certificate Request", {"active_key": self.active_key}):
                raise self.duplicate_error() from None
            raise
        except (ValidationError, PermissionError):
            # a refusal after the point where the duplicate check belongs: that check's answer comes first
            if self._active_request_unchecked:
                self._active_request_unchecked = False
                self.check_no_active_request()
            raise
        finally:
            self._active_request_unchecked = False

    def ready(self) -> bool:
        return bool(self.course and self.date and self.start_time and self.course_settings())

    def book(self) -> None:
        """Every check of a new request, the evaluator's assignment among them."""
        self.flags.booked = None
        if not self.ready():
            return
        self.validate_member()
        self.validate_enrollment()
        self.set_timezone()
        self.set_start()
        self.validate_dates()
        self.assign_evaluator()
        self.flags.booked = self.booking()

    def booking(self) -> tuple[Any, ...]:
        """What the checks of a new request decided on."""
        return tuple(self.get(field) for field in BOOKING_FIELDS)

    # -- who books --------------------------------------------------------------------------------

    def validate_member(self) -> None:
        user = smooth.session.user
        if self.member != user and not _has_any_role(user, PRIVILEGED):
            raise PermissionError(smooth._("You can only book an evaluation for yourself"))

    def course_settings(self) -> dict:
        if self.flags.course_settings is None:
            self.flags.course_settings = evaluators.course_settings(self.course)
        return self.flags.course_settings

    def validate_enrollment(self) -> None:
        course = self.course_settings()
        if not course:
            return  # the Link check names the missing course
        required = bool(course["evaluation_required"])
        if self.batch_name:
            batch = smooth.get_doc("LMS Batch", self.batch_name)
            required = required or bool(batch.evaluation_required)
            if self.member not in {m.member for m in batch.members}:
                raise ValidationError(smooth._("{0} is not a member of cohort {1}", self.member, batch.title))
            if self.course not in {c.course for c in batch.courses}:
                raise ValidationError(smooth._("Course {0} is not part of cohort {1}", course["title"], batch.title))
        blocked = certificates.why_no_booking(self.member, self.course) \
            or attempt_policy.why_wait(self.member, self.course)
        if blocked:
            raise ValidationError(blocked)
        if not required:
            return
        progress = smooth.db.get_value("LMS Enrollment", {"member": self.member, "course": self.course}, "progress")
        if progress is None:
            raise ValidationError(smooth._("Enroll in {0} and complete it before booking an evaluation",
                                          course["title"]))
        if float(progress) < 100:
            raise ValidationError(smooth._("Complete the content of {0} before booking an evaluation (your progress is "
                                           "{1}%)", course["title"], round(float(progress))))

    # -- when ---------------------------------------------------------------------------------------

    def set_timezone(self) -> None:
        """The learner's zone: given with the request, else their User setting, else the system zone.

        No lock on the learner: two tabs booking the same course lock the same pool, and the unique
        index on active_key refuses the second one's insert.
        """
        user_zone = smooth.db.get_value("User", self.member, "time_zone")
        chosen = self.timezone or user_zone or smooth.local.site.time_zone
        zone(chosen)
        self.timezone = chosen

    def set_start(self) -> None:
        """The start instant: `start_utc` when given (it must match date and start time), else the wall clock's."""
        system_zone = smooth.local.site.time_zone
        wall = dt.datetime.combine(self.date, self.start_time)
        if self.start_utc:
            start = _naive_utc(self.start_utc)
            if to_wall(start, system_zone) != wall:
                raise ValidationError(
                    _("Start (UTC) {0} is {1} in {2}, not {3}; send the date and start time of the same moment",
                      start.strftime("%Y-%m-%d %H:%M"), to_wall(start, system_zone).strftime("%Y-%m-%d %H:%M"),
                      system_zone, wall.strftime("%Y-%m-%d %H:%M")))
        else:
            try:
                start = to_utc(self.date, self.start_time, system_zone)
            except AmbiguousTimeError as exc:
                choices = _(" or ").join(f"{i:%Y-%m-%d %H:%M} ({self.learner_clock(i)})" for i in exc.instants)
                raise ValidationError(
                    _("{0} happens twice in {1} (the clocks go back): set Start (UTC) to {2} to say which one you "
                      "mean", wall.strftime("%Y-%m-%d %H:%M"), system_zone, choices)) from None
        self.start_utc = start

    def validate_dates(self) -> None:
        limit = self.evaluation_end_date()
        if limit is not None and self.date > limit[0]:
            raise ValidationError(smooth._("Evaluations for {0} end on {1}; pick a date on or before it", limit[1],
                                           limit[0].strftime("%Y-%m-%d")))
        now = now_utc()
        if self.start_utc < now:
            raise ValidationError(smooth._("This slot is in the past; pick a later one"))
        notice = int(smooth.db.get_single_value("LMS Settings", "min_booking_notice_hours") or 0)
        earliest = now + dt.timedelta(hours=notice)
        if self.start_utc < earliest:
            raise ValidationError(smooth._("Evaluations must be booked {0} hours ahead; pick a slot from {1} on",
                                           notice, self.learner_clock(earliest)))

    def evaluation_end_date(self) -> tuple[dt.date, str] | None:
        limits = []
        if self.batch_name:
            batch = smooth.db.get_value("LMS Batch", self.batch_name, ["title", "evaluation_end_date", "end_date"],
                                        as_dict=True) or {}
            for key in ("evaluation_end_date", "end_date"):
                if batch.get(key):
                    limits.append((batch[key], smooth._("cohort {0}", batch["title"])))
        return min(limits) if limits else None

    # -- with whom ----------------------------------------------------------------------------------

    def assign_evaluator(self) -> None:
        """Give the slot to the least-loaded evaluator of the pool who offers it and is free (a reschedule locks
        the learner first)."""
        pool = evaluators.get_evaluator(self.course, self.batch_name, self.course_settings())
        if not self.is_new():
            smooth.db.get_value("User", self.member, "name", for_update=True)
        self.flags.calendars = evaluators.calendars(pool, evaluators.slot_minutes(self.course_settings()))
        if self.is_new():
            # a new request's duplicate is refused by the unique index on active_key when it is inserted
            # (no query here); insert() still names the duplicate first when a later check refuses
            self._active_request_unchecked = True
        else:
            self.check_no_active_request()
        start, end = self.requested_interval(pool)
        self.evaluator = self.claim(pool, start, end)
        self.end_utc = end
        self.end_time = to_wall(end, smooth.local.site.time_zone).time()

    def claim(self, pool: list[str], start: dt.datetime, end: dt.datetime) -> str:
        """Lock the first evaluator, least loaded first, who is free for the slot and whom no other booking holds,
        and check the slot again under that lock; when none is left, wait for the whole pool and decide anew."""
        for user in self.free_evaluators(pool, start, end):
            if evaluators.lock(user) and self.free_evaluators([user], start, end, refuse=False):
                return user
        evaluators.lock_pool(pool)
        return self.free_evaluators(pool, start, end)[0]

    def free_evaluators(self, pool: list[str], start: dt.datetime, end: dt.datetime, *,
                        refuse: bool = True) -> list[str]:
        """Those of `pool` free for [start, end), least loaded first; none free: the most specific refusal,
        unless `refuse` is off."""
        booked = evaluators.booked_intervals(pool, start - dt.timedelta(days=1), end + dt.timedelta(days=1),
                                             exclude=self.name)
        reasons: list[Exception] = []
        free = []
        for user in pool:
            try:
                self.check_evaluator(user, start, end, booked[user])
            except ValidationError as exc:
                reasons.append(exc)
                continue
            free.append(user)
        if not free and refuse:
            raise _most_specific(reasons)
        return evaluators.least_loaded_first(free) if len(free) > 1 else free

    def calendar(self, user: str) -> EvaluatorCalendar:
        """The evaluator's calendar, read (and locked) once per save by assign_evaluator."""
        return self.flags.calendars[user]

    def requested_interval(self, pool: list[str]) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as instants; an end the caller gave must be where one of the pool's slots ends."""
        start = self.start_utc
        end: dt.datetime | None
        lengths = sorted({dt.timedelta(minutes=self.calendar(user).slot_minutes) for user in pool})
        if self.end_utc:
            end = _naive_utc(self.end_utc)
        elif self.end_time:
            end = end_after(start, self.end_time, smooth.local.site.time_zone)
        else:
            return start, start + lengths[0]
        if end is None or end - start not in lengths:
            raise self.slot_length_error(start, end, lengths)
        return start, end

    def slot_length_error(self, start: dt.datetime, end: dt.datetime | None,
                          lengths: list[dt.timedelta]) -> SlotLengthError:
        learner_zone = self.timezone or smooth.local.site.time_zone
        given = to_wall(end, learner_zone) if end else self.end_time
        ends = _(" or ").join(to_wall(start + length, learner_zone).strftime("%H:%M") for length in lengths)
        minutes = _(" or ").join(str(int(length.total_seconds() // 60)) for length in lengths)
        args = (self.course_settings().get("title") or self.course, minutes,
                to_wall(start, learner_zone).strftime("%H:%M"), ends, format(given, "%H:%M"), learner_zone)
        if learner_zone != smooth.local.site.time_zone:
            return SlotLengthError(_("Evaluation slots for {0} are {1} minutes long: one starting at {2} ends at {3}, "
                                     "not {4} ({5}); set the end time to {3} or leave it out", *args))
        return SlotLengthError(_("Evaluation slots for {0} are {1} minutes long: one starting at {2} ends at {3}, "
                                 "not {4}; set the end time to {3} or leave it out", *args))

    def check_evaluator(self, user: str, start: dt.datetime, end: dt.datetime,
                        booked: list[tuple[dt.datetime, dt.datetime]]) -> None:
        """`booked`: the evaluator's requests from a day before `start` to a day after `end` (UTC)."""
        cal = self.calendar(user)
        local_day = to_wall(start, cal.zone).date()
        for blocked in cal.unavailable:
            if local_day in blocked:
                private = smooth.session.user != user and not _has_any_role(smooth.session.user, PRIVILEGED)
                why = f" ({blocked.reason})" if blocked.reason and not private else ""  # reasons stay with staff
                raise EvaluatorUnavailableError(smooth._(
                    "The evaluator is unavailable from {0} to {1}{2}; select a date after {1}",
                    blocked.start.strftime("%Y-%m-%d"), blocked.end.strftime("%Y-%m-%d"), why))
        if not offers(cal, start, end, local_day):
            raise ValidationError(smooth._("{0} is not a slot the evaluator offers; pick one of the available slots",
                                           self.learner_clock(start)))
        if not list(free_slots([Slot(start, end, user)], booked, not_before=dt.datetime.min)):
            raise SlotBookedError(smooth._("Slot already booked: pick a different time; another member holds this "
                                           "slot"))
        if cal.max_per_day:
            same_day = sum(1 for b in booked if to_wall(b[0], cal.zone).date() == local_day)
            if same_day >= cal.max_per_day:
                raise SlotBookedError(smooth._("The evaluator is fully booked on {0}; pick another date",
                                               self.learner_clock(start).split(" ")[0]))

    # -- one active request ---------------------------------------------------------------------------

    def active_key_value(self) -> str:
        return "|".join((self.member or "", self.course or "", self.batch_name or ""))

    def check_no_active_request(self) -> None:
        if smooth.db.exists("LMS Certificate Request", {"active_key": self.active_key_value(),
                                                        "name": ["!=", self.name or ""]}):
            raise self.duplicate_error()

    def learner_clock(self, instant: dt.datetime) -> str:
        """An instant as the learner reads it: `2026-11-30 14:00 (Asia/Kolkata)` (the zone when not the system's)."""
        system_zone = smooth.local.site.time_zone
        learner_zone = self.timezone or system_zone
        return describe(instant, learner_zone, with_zone=learner_zone != system_zone)

    def duplicate_error(self) -> DuplicateRequestError:
        existing = smooth.db.get_value("LMS Certificate Request", {"active_key": self.active_key_value()},
                                       ["name", "start_utc"], as_dict=True) or {}
        if existing.get("start_utc"):
            return DuplicateRequestError(smooth._(
                "You already have a pending evaluation request for this course on {0} ({1}); complete or cancel it "
                "before booking another", self.learner_clock(existing["start_utc"]), existing.get("name", "")))
        return DuplicateRequestError(smooth._(
            "You already have a pending evaluation request for this course ({0}); complete or cancel it before "
            "booking another", existing.get("name", "")))

    # -- later changes ----------------------------------------------------------------------------------

    def validate_change(self) -> None:
        before = self.get_doc_before_save()
        if before is None:
            return
        user = smooth.session.user
        privileged = _has_any_role(user, PRIVILEGED)
        if self.evaluator != before.evaluator and not privileged:
            raise PermissionError(smooth._("The evaluator is assigned by the system; only a Moderator can change it"))
        # who may complete or cancel, and when, is the request's Workflow (fixtures/workflow.json, editable in
        # the desk); the cutoff holds whatever the workflow says
        if self.status == "Completed" and before.status == "Pending" and self.flags.evaluation_outcome != "Fail":
            quizzes.check_mandatory_quizzes(self.member, self.course)  # on the save path: desk, REST, workflow
            assignments.check_mandatory_assignments(self.member, self.course)
        cancelling = self.status == "Cancelled" and before.status == "Pending"
        if cancelling:
            self.check_cutoff(before, "cancel")
            self.sequence = int(before.sequence or 0) + 1  # the cancelling .ics outranks the event calendars hold
        if self.flags.rescheduling:
            if before.status != "Pending":
                raise ValidationError(smooth._("A {0} request cannot be rescheduled", smooth._(before.status)))
            if not privileged and user not in (self.member, self.evaluator):
                raise PermissionError(smooth._("Only the learner, the evaluator or a Moderator can reschedule this "
                                               "request"))
            self.check_cutoff(before, "reschedule")
        movable = ("date", "start_time", "end_time", "start_utc", "end_utc", "sequence") \
            if self.flags.rescheduling else ("sequence",) if cancelling else ()
        for field in ("course", "member", "batch_name", "date", "start_time", "end_time", "start_utc", "end_utc",
                      "timezone", "sequence"):
            if field not in movable and self.get(field) != before.get(field):
                raise ValidationError(_("{0} cannot be edited; use reschedule instead", _(self.meta.get_label(field))))


    def check_cutoff(self, before: Document, action: str) -> None:
        """Learners cannot cancel or move a slot inside the cutoff; evaluators and Moderators may, with a reason."""
        hours = int(smooth.db.get_single_value("LMS Settings", "cancellation_cutoff_hours") or 0)
        slot_start = before.start_utc
        if not hours or now_utc() < slot_start - dt.timedelta(hours=hours):
            return
        if _has_any_role(smooth.session.user, EVALUATOR_ROLES) and (self.cutoff_override_reason or "").strip():
            return
        if action == "cancel":
            raise ValidationError(smooth._(
                "Requests can no longer cancel within {0} hours of the slot ({1}); ask the evaluator or a Moderator, "
                "who can override with a reason", hours, self.learner_clock(slot_start)))
        raise ValidationError(smooth._(
            "Requests can no longer reschedule within {0} hours of the slot ({1}); ask the evaluator or a Moderator, "
            "who can override with a reason", hours, self.learner_clock(slot_start)))

    def reschedule(self, new_date: dt.date | str, new_start_time: dt.time | str, reason: str | None = None, *,
                   start_utc: dt.datetime | None = None) -> None:
        """Move a Pending request in one transaction: the old slot is released only if the new one is taken.

        `start_utc` names the new slot's instant when its wall-clock time happens twice.
        """
        if reason:
            self.cutoff_override_reason = reason
        self.flags.rescheduling = True
        self.sequence = int(self.sequence or 0) + 1  # calendars replace the event they hold (.ics SEQUENCE)
        # raw values in: the save coerces and re-derives them
        self.update({"date": new_date, "start_time": new_start_time, "end_time": None, "start_utc": start_utc,
                     "end_utc": None})
        try:
            self.save()
        finally:
            self.flags.rescheduling = False


def _has_any_role(user: str, roles: tuple[str, ...]) -> bool:
    return user == "Administrator" or bool(set(smooth.get_roles(user)) & set(roles))


def _most_specific(reasons: list[Exception]) -> Exception:
    for kind in (SlotBookedError, EvaluatorUnavailableError):
        for reason in reasons:
            if isinstance(reason, kind):
                return reason
    return reasons[0] if reasons else ValidationError(smooth._("No evaluator can take this slot; pick another"))


def _naive_utc(value: dt.datetime | str) -> dt.datetime:
    """An instant as naive UTC; a value with an offset is converted, a naive one is already UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.strip().replace(" ", "T"))
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value
