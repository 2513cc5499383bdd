"""Course Evaluator: who evaluates which courses, on which weekly schedule, and when not.

The record is named by its evaluator (autoname field:evaluator) and record rules, bookings and
Links all rely on that name, so the evaluator of a saved record never changes. Saving a record
whose evaluator lacks the Batch Evaluator role grants it, which is why only those who may
appoint evaluators can cause that save (see `validate_evaluator_role`).
"""

from __future__ import annotations

import datetime as dt

import smooth
from smooth import _
from smooth.exceptions import PermissionError, ValidationError
from smooth.model.document import Document
from smooth_lms import evaluator_gaps
from smooth_lms.evaluators import unavailable_ranges
from smooth_lms.timezones import zone

EVALUATOR_ROLE = "Batch Evaluator"
APPOINTING_ROLES = ("System Manager", "Moderator")


class CourseEvaluator(Document):
    def validate(self) -> None:
        self.validate_evaluator_unchanged()
        self.validate_evaluator_role()
        if self.timezone:
            zone(self.timezone)
        self.validate_schedule()
        self.validate_unavailability()

    def validate_evaluator_unchanged(self) -> None:
        if not self.is_new() and self.evaluator != self.name:
            raise ValidationError(
                _("The evaluator of Course Evaluator {0} cannot change (the record is named after them): create a "
                  "Course Evaluator for {1} instead", self.name, self.evaluator))

    def validate_evaluator_role(self) -> None:
        """Who may make a user an evaluator, and so grant the Batch Evaluator role.

        System Managers (who may write any User's roles) and Moderators (who run the LMS and
        appoint its evaluators; they may grant this one role and no other). The check is on the
        session user and ignores `ignore_permissions`: that flag skips DocPerm checks, it must
        not let code acting for an evaluator or a learner hand out roles. Administrator passes
        as a System Manager, so bench, patches and the demo data can appoint evaluators.
        """
        if not self.evaluator or EVALUATOR_ROLE in smooth.get_roles(self.evaluator):
            return
        if set(smooth.get_roles()) & set(APPOINTING_ROLES):
            return
        raise PermissionError(
            _("Only a System Manager or a Moderator can make {0} an evaluator (it grants the {1} role): ask one to "
              "create or save this Course Evaluator", self.evaluator, EVALUATOR_ROLE))

    def validate_schedule(self) -> None:
        by_day: dict[str, list[tuple[dt.time, dt.time, int]]] = {}
        for row in self.schedule:
            if row.start_time and row.end_time and row.start_time >= row.end_time:
                raise ValidationError(_("Row #{0} in Schedule: the start time must be before the end time", row.idx))
            if row.start_time and row.end_time:  # the mandatory check after validate names a missing time
                by_day.setdefault(row.day, []).append((row.start_time, row.end_time, row.idx))
        for day, rows in by_day.items():
            rows.sort()
            for (_s1, e1, i1), (s2, _e2, i2) in zip(rows, rows[1:], strict=False):
                if s2 < e1:
                    raise ValidationError(_("Schedule rows #{0} and #{1} overlap on {2}", i1, i2, day))

    def validate_unavailability(self) -> None:
        if self.unavailable_to and not self.unavailable_from:
            raise ValidationError(_("Set Unavailable From as well as Unavailable To"))
        for row in self.unavailability:
            if row.from_date and row.to_date and row.from_date > row.to_date:
                raise ValidationError(_("Row #{0} in Unavailability: From must be on or before To", row.idx))
        if self.unavailable_from and self.unavailable_to and self.unavailable_from > self.unavailable_to:
            raise ValidationError(_("Unavailable From must be on or before Unavailable To"))

    def on_update(self) -> None:
        self.grant_evaluator_role()
        evaluator_gaps.resolve(row.course for row in self.courses)
        affected = self.requests_in_unavailability()
        if affected:
            smooth.msgprint(
                _("These pending evaluations fall in your unavailability and need a new evaluator or date: {0}",
                  ", ".join(f"{r['name']} ({r['member']}, {r['date']:%Y-%m-%d})" for r in affected)),
                title=_("Evaluations affected"))

    def grant_evaluator_role(self) -> None:
        """The session user was allowed to appoint (validate_evaluator_role); they need not write Users."""
        if EVALUATOR_ROLE in smooth.get_roles(self.evaluator):
            return
        user = smooth.get_doc("User", self.evaluator)
        user.append("roles", {"role": EVALUATOR_ROLE})
        user.flags.ignore_permissions = True
        user.save()

    def requests_in_unavailability(self) -> list[dict]:
        """Pending requests of this evaluator inside any unavailability range (for reassignment)."""
        affected = []
        for blocked in unavailable_ranges([(r.from_date, r.to_date, r.reason) for r in self.unavailability],
                                          self.unavailable_from, self.unavailable_to):
            affected += smooth.get_all(
                "LMS Certificate Request", fields=["name", "member", "date", "start_time", "course"],
                filters={"evaluator": self.evaluator, "status": "Pending",
                         "date": ["between", [blocked.start, blocked.end]]}, order_by="start_utc asc")
        return affected
