"""Programs: an ordered list of courses (Frappe LMS's LMS Program), their members, progress, order and certificate.

A member is enrolled in every course of the program (LMS Enrollment); a cohort listed on the
program enrols its members, also those who join it later. A course is *done* in a program when
its enrollment is complete and, for a course certified by a live evaluation, the member holds a
valid certificate of it. With `enforce_course_order` a course stays locked until every course
before it is done; the rule binds learners acting for themselves (pages, API, REST), so staff
and imports may still record progress on a learner's behalf. When every course is done the
member's LMS Program Member gets a certificate number and date: the program certificate, printed
by the "LMS Program Certificate" Print Format and checked on /verify like a course's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import smooth
from smooth import _
from smooth.exceptions import DuplicateEntryError
from smooth_lms import certificates
from smooth_lms.learning import sees_all_content
from smooth_lms.permissions import is_staff

CERTIFICATE_FORMAT = "LMS Program Certificate"


@dataclass
class CourseStep:
    """One course of a program as one member stands in it."""

    course: str
    title: str
    position: int
    needs_evaluation: bool
    enrolled: bool = False
    progress: float = 0.0
    completed: bool = False
    certified: bool = False
    locked_by: str | None = None  # the title of the first earlier course not done yet, when order is enforced

    @property
    def done(self) -> bool:
        return self.completed and (self.certified or not self.needs_evaluation)

    @property
    def status(self) -> str:
        if self.locked_by:
            return "Locked"
        if self.done:
            return "Complete"
        if self.completed:
            return "Awaiting certification"
        return "In progress" if self.progress > 0 else "Not started"

    @property
    def lock_reason(self) -> str | None:
        return f"Complete {self.locked_by} first" if self.locked_by else None


@dataclass
class ProgramProgress:
    program: str
    member: str
    steps: list[CourseStep] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done(self) -> int:
        return sum(1 for step in self.steps if step.done)

    @property
    def percent(self) -> float:
        """Courses done of the program's courses (a course counts once done, as the certificate does)."""
        return round(100 * self.done / self.total, 2) if self.total else 0.0

    @property
    def complete(self) -> bool:
        return bool(self.steps) and self.done == self.total


def program_courses(programs: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each program's courses in order, with title and whether an evaluation certifies them (two queries)."""
    rows = smooth.get_all("LMS Program Course", fields=["parent", "course"], order_by="idx asc",
                          filters={"parent": ["in", programs or [""]], "parenttype": "LMS Program",
                                   "parentfield": "program_courses"})
    courses = {c["name"]: c for c in smooth.get_all(
        "LMS Course", fields=["name", "title", "evaluation_required"],
        filters={"name": ["in", sorted({r["course"] for r in rows}) or [""]]})}
    found: dict[str, list[dict[str, Any]]] = {p: [] for p in programs}
    for row in rows:
        course = courses.get(row["course"])
        if course:
            found[row["parent"]].append(course)
    return found


def progress_for(members: list[str], programs: list[str]) -> dict[tuple[str, str], ProgramProgress]:
    """Progress of every (member, program) pair: four queries whatever the number of members, programs or courses."""
    by_program = program_courses(programs)
    enforced = set(smooth.get_all("LMS Program", filters={"name": ["in", programs or [""]],
                                                          "enforce_course_order": 1}, pluck="name"))
    courses = sorted({c["name"] for cs in by_program.values() for c in cs})
    if not members or not courses:
        return {(m, p): ProgramProgress(p, m) for m in members for p in programs}
    enrolled = {(e["member"], e["course"]): e for e in smooth.get_all(
        "LMS Enrollment", fields=["member", "course", "progress", "completed"],
        filters={"member": ["in", members], "course": ["in", courses]})}
    today = smooth.today()
    certified = {(c["member"], c["course"]) for c in smooth.get_all(
        "LMS Certificate", fields=["member", "course", "expiry_date", "revoked", "superseded_by"],
        filters={"member": ["in", members], "course": ["in", courses], "valid_key": ["is", "set"]})
        if certificates.state(c, today) == certificates.VALID}
    result = {}
    for program in programs:
        for member in members:
            standing = ProgramProgress(program, member)
            waiting: str | None = None
            for position, course in enumerate(by_program[program], start=1):
                enrollment = enrolled.get((member, course["name"]))
                step = CourseStep(course["name"], course["title"], position, bool(course["evaluation_required"]),
                                  enrolled=enrollment is not None,
                                  progress=float((enrollment or {}).get("progress") or 0),
                                  completed=bool((enrollment or {}).get("completed")),
                                  certified=(member, course["name"]) in certified)
                if program in enforced:
                    step.locked_by = waiting
                    if waiting is None and not step.done:
                        waiting = step.title
                standing.steps.append(step)
            result[(member, program)] = standing
    return result


def programs_of(member: str, course: str | None = None) -> list[str]:
    """The programs `member` belongs to (those containing `course`, when given)."""
    mine = smooth.get_all("LMS Program Member", filters={"member": member}, pluck="program")
    if not mine or course is None:
        return sorted(mine)
    return sorted(set(smooth.get_all("LMS Program Course", pluck="parent", filters={
        "course": course, "parenttype": "LMS Program", "parent": ["in", mine]})))


def why_locked(member: str, course: str) -> str | None:
    """`Complete <previous course> first` while an enforced program of `member` keeps `course` locked."""
    programs = programs_of(member, course)
    if not programs:
        return None
    for standing in progress_for([member], programs).values():
        for step in standing.steps:
            if step.course == course and step.lock_reason:
                return step.lock_reason
    return None


def check_open(user: str, course: str) -> None:
    """Refuse a learner a locked course's lessons, quizzes and assignments (staff see everything)."""
    if sees_all_content(user):
        return
    reason = why_locked(user, course)
    if reason:
        raise smooth.PermissionError(reason)


def refuse_locked_work(doc: Any, method: str | None = None) -> None:
    """validate of a learner's progress, quiz or assignment attempt: not in a course their program keeps locked.

    Staff recording on a learner's behalf and imports carry on (the rule is the learner's way through)."""
    if smooth.flags.in_import or doc.get_doc_before_save() is not None:
        return
    if doc.get("member") != smooth.session.user:
        return
    course = doc.get("course") or (smooth.db.get_value("Course Lesson", doc.get("lesson"), "course")
                                   if doc.get("lesson") else None)
    if course:
        check_open(doc.member, course)


# -- enrolment ------------------------------------------------------------------------------------------

def enrol(program: str, members: dict[str, str | None]) -> int:
    """Enrol `{member: cohort or None}` in `program` and each of its courses; idempotent. Returns how many
    members were new to the program.

    Five reads for any number of members; an enrollment whose course is one of the cohort's courses is
    made through that cohort (its evaluators and evaluation window apply)."""
    if not members:
        return 0
    courses = [c["name"] for c in program_courses([program])[program]]
    names = sorted(members)
    already = set(smooth.get_all("LMS Program Member", filters={"program": program, "member": ["in", names]},
                                 pluck="member"))
    enrolled = {(e["member"], e["course"]) for e in smooth.get_all(
        "LMS Enrollment", fields=["member", "course"],
        filters={"member": ["in", names], "course": ["in", courses or [""]]})}
    cohorts = sorted({b for b in members.values() if b})
    in_cohort = {(r["parent"], r["course"]) for r in smooth.get_all(
        "Batch Course", fields=["parent", "course"], filters={"parent": ["in", cohorts], "parenttype": "LMS Batch"})} \
        if cohorts else set()
    added = 0
    for member in names:
        batch = members[member]
        if member not in already:
            try:
                smooth.get_doc({"doctype": "LMS Program Member", "program": program, "member": member,
                                "batch": batch}).insert(ignore_permissions=True)
                added += 1
            except DuplicateEntryError:
                pass  # enrolled meanwhile by another request
        for course in courses:
            if (member, course) in enrolled:
                continue
            try:
                smooth.get_doc({"doctype": "LMS Enrollment", "member": member, "course": course,
                                "batch": batch if (batch, course) in in_cohort else None}).insert(
                    ignore_permissions=True)
            except DuplicateEntryError:
                pass  # they enrolled themselves meanwhile
    record_standing(program, names)
    return added


def cohort_members(cohorts: list[str]) -> dict[str, str]:
    """{member: the first of `cohorts` they belong to}."""
    rows = smooth.get_all("Batch Member", fields=["parent", "member"], order_by="idx asc",
                          filters={"parent": ["in", cohorts or [""]], "parenttype": "LMS Batch"})
    found: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: cohorts.index(r["parent"])):
        found.setdefault(row["member"], row["parent"])
    return found


def sync_program(program: Any) -> None:
    """on_update of LMS Program: its cohorts' members are enrolled, and every member in courses added since."""
    cohorts = [row.batch for row in program.get("cohorts") or [] if row.batch]
    members: dict[str, str | None] = {m["member"]: m["batch"] for m in smooth.get_all(
        "LMS Program Member", fields=["member", "batch"], filters={"program": program.name})}
    for member, batch in cohort_members(cohorts).items():
        members.setdefault(member, batch)
    enrol(program.name, members)


def cohort_changed(batch: Any, method: str | None = None) -> None:
    """on_update of LMS Batch (doc_events): a member who joined a cohort joins the cohort's programs."""
    programs = smooth.get_all("LMS Program Cohort", pluck="parent", filters={"batch": batch.name,
                                                                           "parenttype": "LMS Program"})
    members: dict[str, str | None] = {row.member: batch.name for row in batch.get("members") or [] if row.member}
    for program in sorted(set(programs)):
        enrol(program, members)


def _require_enroller() -> None:
    if not is_staff(smooth.session.user):
        raise smooth.PermissionError(_("Only Moderators enrol learners and cohorts in programs"))


@smooth.whitelist(methods=["POST"])
def enrol_learner(name: str, member: str) -> dict[str, Any]:
    """The program form's "Enrol learner": `member` in program `name` and its courses."""
    _require_enroller()
    if not smooth.db.exists("LMS Program", name):
        raise smooth.DoesNotExistError(_("Program {0} not found", name))
    if not smooth.db.exists("User", member):
        raise smooth.ValidationError(_("There is no user {0}", member))
    added = enrol(name, {member: None})
    smooth.msgprint(_("{0} enrolled in the program and its courses", member) if added else
                    _("{0} was already in the program; any missing course enrollments were added", member))
    return {"doctype": "LMS Program", "name": name}


@smooth.whitelist(methods=["POST"])
def enrol_cohort(name: str, batch: str) -> dict[str, Any]:
    """The program form's "Enrol cohort": lists `batch` on the program, which enrols its members now and later."""
    _require_enroller()
    program = smooth.get_doc("LMS Program", name)
    if not smooth.db.exists("LMS Batch", batch):
        raise smooth.ValidationError(_("There is no cohort {0}", batch))
    before = smooth.db.count("LMS Program Member", {"program": name})
    if batch not in [row.batch for row in program.get("cohorts") or []]:
        program.append("cohorts", {"batch": batch})
        program.save()
    else:
        sync_program(program)
    added = smooth.db.count("LMS Program Member", {"program": name}) - before
    smooth.msgprint(_("Cohort {0}: {1} new member enrolled; members who join the cohort later are enrolled too",
                      batch, added) if added == 1 else
                    _("Cohort {0}: {1} new members enrolled; members who join the cohort later are enrolled too",
                      batch, added))
    return {"doctype": "LMS Program", "name": name}


@smooth.whitelist(methods=["POST"])
def enroll_self(program: str) -> dict[str, Any]:
    """A learner joins a published program whose courses are all open for enrolment."""
    user = smooth.session.user
    if user == "Guest":
        raise smooth.PermissionError(_("Log in to enrol"))
    values = program_for_viewer(program, user)
    if not smooth.db.exists("LMS Program Member", {"program": program, "member": user}):
        closed = [c["title"] for c in smooth.get_all("LMS Course", fields=["title", "published", "upcoming"],
                                                      filters={"name": ["in", [c["name"] for c in program_courses(
                                                          [program])[program]] or [""]]})
                  if not c["published"] or c["upcoming"]]
        if not values["published"] or closed:
            raise smooth.ValidationError(_("{0} is not open for enrolment ({1}); ask a Moderator to enrol you",
                                           values["title"], ", ".join(closed) or _("not published")))
        enrol(program, {user: None})
    return {"program": program, "member": user}


# -- the certificate ------------------------------------------------------------------------------------

def record_standing(program: str, members: list[str]) -> list[str]:
    """Store each member's courses done and percent on their LMS Program Member (the desk lists them), and give
    whoever has done every course their program certificate; returns the memberships certified now.

    The certificate is given once: the membership row is locked first, so two workers finishing the same
    learner's last course take turns. A percent changes only when a course becomes done or undone, so the
    callers are enrolment and a course's completion or certificate, never each lesson."""
    standing = progress_for(members, [program])
    issued = []
    for row in smooth.get_all("LMS Program Member", fields=["name", "member", "courses_done", "progress",
                                                            "certificate_number"],
                              filters={"program": program, "member": ["in", members or [""]]}):
        now = standing[(row["member"], program)]
        values: dict[str, Any] = {}
        if int(row["courses_done"] or 0) != now.done or float(row["progress"] or 0) != now.percent:
            values.update(courses_done=now.done, progress=now.percent)
        if now.complete and not row["certificate_number"] and not smooth.db.get_value(
                "LMS Program Member", row["name"], "certificate_number", for_update=True):
            values.update(certificate_number=certificates.certificate_number(), certificate_date=smooth.today())
            issued.append(row["name"])
        if values:
            smooth.db.set_value("LMS Program Member", row["name"], values)
    return issued


def course_finished(doc: Any, method: str | None = None) -> None:
    """on_update of LMS Enrollment and after_insert of LMS Certificate (doc_events): a course done (or undone, when
    lessons were added) changes the member's standing in their programs, maybe completing one."""
    if smooth.flags.in_import or not doc.get("member") or not doc.get("course"):
        return
    if doc.doctype == "LMS Enrollment" and not doc.has_value_changed("completed"):
        return
    for program in programs_of(doc.member, doc.course):
        record_standing(program, [doc.member])


def verification(number: str) -> dict[str, Any] | None:
    """/verify/<number> for a program certificate (None when no program certificate has this number)."""
    row = smooth.db.get_value("LMS Program Member", {"certificate_number": (number or "").strip().upper()[:32]},
                              ["certificate_number", "member", "member_name", "program", "program_title",
                               "certificate_date"], as_dict=True)
    if not row:
        return None
    return {"state": certificates.VALID, "holder": row["member_name"] or row["member"], "kind": "Program",
            "course_title": row["program_title"] or row["program"], "issue_date": row["certificate_date"],
            "expiry_date": None}


# -- the portal -----------------------------------------------------------------------------------------

def program_for_viewer(program: str, user: str) -> dict[str, Any]:
    """The program as `user` may see it: published, theirs, or staff; anything else is not found."""
    values = smooth.db.get_value("LMS Program", program, ["name", "title", "description", "published",
                                                          "enforce_course_order"], as_dict=True) \
        if isinstance(program, str) and program else None
    if not values or not (values["published"] or sees_all_content(user)
                          or smooth.db.exists("LMS Program Member", {"program": program, "member": user})):
        raise smooth.DoesNotExistError(_("Program {0} not found", program))
    return values


def visible_programs(user: str) -> list[dict[str, Any]]:
    """Published programs and the user's own, with their progress where they are members (no query per program)."""
    mine = programs_of(user) if user != "Guest" else []
    rows = smooth.get_all("LMS Program", fields=["name", "title", "description", "enforce_course_order"],
                          or_filters=[["published", "=", 1], ["name", "in", mine or [""]]], order_by="title asc")
    standing = progress_for([user], [r["name"] for r in rows if r["name"] in mine]) if mine else {}
    counts = program_courses([r["name"] for r in rows])
    return [{**row, "courses": len(counts[row["name"]]), "progress": standing.get((user, row["name"]))}
            for row in rows]
