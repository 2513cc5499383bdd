"""LMS Live Class: a scheduled live session of a cohort (Frappe LMS's name), with its attendance.

`start_utc` is the instant (a UTC Datetime: each reader sees it in their own zone); `end_utc`
follows from the duration. The host is an evaluator, an instructor of the cohort's courses, or
a Moderator; `timezone` records the host's zone, in which the Google Calendar event is made.
The attendance table lists the cohort's members (kept in step on every save) and is ticked by
the host once the session has started. A change of time or a cancellation raises `sequence`
(calendars replace the old invitation) and, after commit, updates the Google event and mails
everyone; a change of attendance recomputes the members' course progress when the session
counts toward it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import smooth
from smooth import _
from smooth.exceptions import ValidationError
from smooth.model.document import Document
from smooth_lms import live_class_mails, live_class_meet
from smooth_lms.notifications import evaluator_zone
from smooth_lms.timezones import now_utc

PRIVILEGED = ("Moderator", "System Manager")
HOST_ROLES = ("Batch Evaluator", "Course Creator", *PRIVILEGED)
MAX_MINUTES = 12 * 60


class LMSLiveClass(Document):
    batch_name: str
    course: str | None
    host: str | None
    start_utc: dt.datetime
    duration: int
    status: str
    sequence: int | None

    def before_validate(self) -> None:
        if not self.host:
            self.host = smooth.session.user
        self.status = self.status or "Scheduled"

    def validate(self) -> None:
        if not (self.batch_name and self.start_utc and self.host):
            return  # the mandatory checks name what is missing
        before = self.get_doc_before_save()
        self.validate_host()
        self.validate_course()
        minutes = int(self.duration or 0)
        if not 0 < minutes <= MAX_MINUTES:
            raise ValidationError(_("Duration must be between 1 and {0} minutes", MAX_MINUTES))
        self.end_utc = self.start_utc + dt.timedelta(minutes=minutes)
        if self.is_new() or before is None or before.host != self.host:
            self.timezone = evaluator_zone(self.host)  # their Course Evaluator zone, else their own
        if self.moved(before) and self.status == "Scheduled" and self.start_utc < now_utc():
            raise ValidationError(_("A live session cannot be scheduled in the past: pick a start in the future"))
        if before is not None and before.status == "Cancelled" and self.status != "Cancelled":
            raise ValidationError(_("A cancelled live session stays cancelled: schedule a new one"))
        if before is not None and (self.moved(before) or self.status != before.status):
            self.sequence = int(self.sequence or 0) + 1
        if self.join_link and not str(self.join_link).startswith("https://"):
            raise ValidationError(_("The join link must be an https:// address"))
        self.sync_attendance()

    def moved(self, before: Any) -> bool:
        return before is None or (before.start_utc, before.duration) != (self.start_utc, self.duration)

    def validate_host(self) -> None:
        roles = set(smooth.get_roles(self.host))
        if roles & set(PRIVILEGED) or smooth.db.exists("Course Evaluator", {"evaluator": self.host}):
            return
        courses = [self.course] if self.course else smooth.get_all(
            "Batch Course", filters={"parent": self.batch_name, "parenttype": "LMS Batch"}, pluck="course")
        if courses and smooth.db.exists("Course Instructor", {"parent": ["in", courses], "parenttype": "LMS Course",
                                                              "instructor": self.host}):
            return
        raise ValidationError(_("{0} cannot host this session: the host is an evaluator, an instructor of the "
                                "cohort's courses or a Moderator", self.host))

    def validate_course(self) -> None:
        if not self.course:
            self.counts_toward_progress = 0  # attendance counts toward a course's progress, so it needs one
            return
        if not smooth.db.exists("Batch Course", {"parent": self.batch_name, "parenttype": "LMS Batch",
                                                 "course": self.course}):
            raise ValidationError(_("{0} is not a course of the cohort {1}", self.course, self.batch_name))

    def sync_attendance(self) -> None:
        """List every current member; a member who left keeps a row only if it records attendance."""
        members = live_class_mails.cohort_members(self.batch_name)
        rows, listed = [], set()
        for row in sorted(self.get("attendance") or [], key=lambda r: not r.attended):  # one row a member
            if row.member not in listed and (row.member in members or row.attended):
                rows.append(row)
                listed.add(row.member)
        rows.sort(key=lambda r: members.index(r.member) if r.member in members else len(members))
        self.set("attendance", rows)
        for member in members:
            if member not in listed:
                row = self.append("attendance", {"member": member, "attended": 0})
                row.name = secrets.token_hex(5)  # the rows were named before validate: this one joins late
        started = self.start_utc <= now_utc()
        for row in self.attendance:
            if row.attended and (not started or self.status == "Cancelled"):
                raise ValidationError(_("Row #{0}: attendance is marked once the session has started (and never "
                                        "for a cancelled one)", row.idx))
            if row.attended and not row.source:
                row.source = "Host"
            elif not row.attended:
                row.source = None

    def on_trash(self) -> None:
        if self.status == "Scheduled" and self.end_utc and self.end_utc > now_utc():
            raise ValidationError(_("{0} is still to come: set its status to Cancelled first (members are told and "
                                    "their calendars updated), then delete it", self.name))

    def before_insert(self) -> None:
        live_class_meet.initial_status(self)

    def after_insert(self) -> None:
        if self.meet_status == "Pending":  # the invitations follow the link (live_class_meet)
            smooth.enqueue(live_class_meet.sync_live_class_event, name=self.name, event="scheduled")
        else:
            smooth.enqueue(live_class_mails.send_live_class_mails, name=self.name, event="scheduled")

    def on_update(self) -> None:
        before = self.get_doc_before_save()
        self.refresh_progress(before)
        if before is None:
            return  # after_insert sent the invitations
        google = bool(self.google_calendar_event_id) or self.meet_status == "Failed"
        if self.status == "Cancelled" and before.status != "Cancelled":
            if google:
                smooth.enqueue(live_class_meet.sync_live_class_event, name=self.name, event="cancelled")
            smooth.enqueue(live_class_mails.send_live_class_mails, name=self.name, event="cancelled")
        elif self.status == "Scheduled" and self.moved(before):
            if google:
                smooth.enqueue(live_class_meet.sync_live_class_event, name=self.name, event="moved")
            smooth.enqueue(live_class_mails.send_live_class_mails, name=self.name, event="moved",
                           previous_start=before.start_utc.isoformat(), previous_end=before.end_utc.isoformat())
        elif self.status == "Scheduled" and self.join_link and not before.join_link:
            # the link arrived (Google, a retry, or pasted by the host): the invitation again, now with it
            smooth.enqueue(live_class_mails.send_live_class_mails, name=self.name, event="scheduled")
        elif self.status == "Scheduled" and self.google_calendar_event_id and \
                {r.member for r in self.attendance or []} - {r.member for r in before.attendance or []}:
            smooth.enqueue(live_class_meet.sync_live_class_event, name=self.name, event="members")  # joined

    def refresh_progress(self, before: Any) -> None:
        """Recompute the course progress of the members this save changes it for: everyone's when the session
        starts or stops counting, else those whose attendance changed."""
        def counted(doc: Any) -> dict[str, bool]:
            if doc is None or not (doc.course and doc.counts_toward_progress and doc.status == "Scheduled"):
                return {}
            return {r.member: bool(r.attended) for r in doc.attendance or []}
        old, new = counted(before), counted(self)
        if before is None or before.course != self.course or bool(old) != bool(new):
            changed = set(old) | set(new)
        else:
            changed = {m for m in set(old) | set(new) if old.get(m) != new.get(m)}
        courses = {c for c in (self.course, before.course if before else None) if c}
        if not changed or not courses:
            return
        for name in smooth.get_all("LMS Enrollment", pluck="name", filters={
                "course": ["in", sorted(courses)], "member": ["in", sorted(changed)]}):
            smooth.get_doc("LMS Enrollment", name).save(ignore_permissions=True)


def host_permission(doc: Any, ptype: str, user: str) -> bool | None:
    """has_permission: an evaluator or instructor changes only the sessions they host or made."""
    if ptype == "read" or doc.is_new() or set(smooth.get_roles(user)) & set(PRIVILEGED) or user == "Administrator":
        return None
    return None if user in (doc.host, doc.owner) else False
