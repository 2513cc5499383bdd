"""LMS Assignment Submission: one attempt, handed in by its learner and graded by an evaluator.

The learner writes only the answer, once (through `submit_assignment` or the portal); the
evaluator writes only the grade. The status follows the marks: a grader who saves marks on a
Not Graded submission gets the computed Pass or Fail, and recording anything else needs a reason.
"""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_lms import assignments, progress, rubrics
from smooth_lms.assignments import FILE, NOT_GRADED, RESUBMIT, TEXT, URL
from smooth_lms.learning import cohorts_with
from smooth_lms.permissions import grades, is_staff

HANDED_IN = ("assignment", "member", "course", "batch", "attempt", "answer_type", "answer", "answer_url",
             "answer_file", "submitted_on", "late", "rubric")
GRADE = ("mark", "override_reason", "comments", "graded_by", "graded_on", "computed_outcome")


class LMSAssignmentSubmission(Document):
    answer: str | None
    answer_url: str | None
    answer_file: str | None

    def before_insert(self) -> None:
        self.owner = self.member  # learners read their own submissions (if_owner, and the record rule)
        grading = smooth.db.get_value("LMS Assignment", self.assignment, ["grading", "rubric"], as_dict=True) or {}
        self.rubric = grading.get("rubric") if grading.get("grading") == "Rubric" else None
        self.set("rubric_marks", rubrics.blank_marks(self.rubric) if self.rubric else [])  # before naming names rows

    def validate(self) -> None:
        if not (self.member and self.assignment):
            return  # the mandatory check after validate names what is missing
        assignment = smooth.get_doc("LMS Assignment", self.assignment)
        if self.is_new():
            self.hand_in(assignment)
        else:
            self.grade(assignment)

    def hand_in(self, assignment: Any) -> None:
        user = smooth.session.user
        if self.member != user and not is_staff(user):
            raise smooth.PermissionError(_("You can only submit your own work"))
        enrollment = progress.enrollment(self.member, assignment.course)
        if not enrollment:
            raise smooth.ValidationError(_("Enrol in the course before submitting {0}", assignment.title))
        smooth.db.get_value("User", self.member, "name", for_update=True)  # one attempt at a time per learner
        why = assignments.why_not_submit(self.member, assignment)
        if why:
            raise smooth.ValidationError(why)
        self.check_answer(assignment)
        cohorts = cohorts_with(self.member, assignment.course)
        self.batch = enrollment.get("batch") or (cohorts[0] if cohorts else None)
        self.course, self.assignment_title = assignment.course, assignment.title
        self.answer_type = assignment.answer_type
        self.attempt = assignments.attempts(self.member, assignment.name) + 1
        self.submitted_on = smooth.now_datetime()
        due = assignments.due_date(assignment, self.batch)
        self.late = int(bool(due and self.submitted_on > due))
        self.status = NOT_GRADED
        for field in GRADE:
            self.set(field, None)
        self.out_of = None if self.rubric else assignment.max_mark

    def check_answer(self, assignment: Any) -> None:
        kind = assignment.answer_type
        if kind == TEXT:
            self.answer_url = self.answer_file = None
            if not (self.answer or "").strip():
                raise smooth.ValidationError(_("Write your answer to {0}", assignment.title))
        elif kind == URL:
            self.answer = self.answer_file = None
            link = (self.answer_url or "").strip()
            if not link.startswith(("https://", "http://")) or len(link) > 1000 or " " in link:
                raise smooth.ValidationError(_("Give the link to your work as a full address, starting with https://"))
            self.answer_url = link
        elif kind == FILE:
            self.answer = self.answer_url = None
            self.check_file(assignment)

    def check_file(self, assignment: Any) -> None:
        if not self.answer_file:
            raise smooth.ValidationError(_("Upload your file for {0}", assignment.title))
        rows = smooth.get_all("File", filters={"file_url": self.answer_file},
                              fields=["file_name", "file_size", "owner"], limit_page_length=1)
        if not rows or (rows[0]["owner"] != self.member and not is_staff(smooth.session.user)):
            raise smooth.ValidationError(_("Upload your file first (upload_file, private) and send its file_url"))
        assignments.check_file(assignment, rows[0]["file_name"] or self.answer_file, int(rows[0]["file_size"] or 0))

    def grade(self, assignment: Any) -> None:
        user = smooth.session.user
        if not grades(user, self.course, self.batch):
            raise smooth.PermissionError(
                _("Only an evaluator of this course or cohort, or a Moderator, can grade this submission"))
        before = self.get_doc_before_save()
        for field in HANDED_IN:
            if before is not None and str(self.get(field) or "") != str(before.get(field) or ""):
                raise smooth.ValidationError(_("{0} is the learner's and cannot be edited",
                                               _(self.meta.get_label(field))))
        score = rubrics.score(self.rubric, self.rubric_marks) if self.rubric else \
            rubrics.mark_score(self.mark, float(assignment.max_mark or 0), float(assignment.pass_mark or 0))
        self.out_of, self.computed_outcome = score.out_of, score.outcome
        was = before.status if before is not None else NOT_GRADED
        if was != NOT_GRADED and self.status != was and not is_staff(user):
            raise smooth.PermissionError(_("The grade {0} is recorded; only a Moderator can change it", _(was)))
        if self.status == NOT_GRADED and was == NOT_GRADED and score.outcome:
            self.status = score.outcome
        if self.status in (rubrics.PASS, rubrics.FAIL) and not score.outcome:
            raise smooth.ValidationError(
                _("Give every criterion its points before recording {0}", _(self.status)) if self.rubric else
                _("Give the mark before recording {0}", _(self.status)))
        rubrics.check_override(self.status, score.outcome, self.override_reason)
        if self.status == RESUBMIT and not (self.comments or "").strip():
            raise smooth.ValidationError(_("Tell the learner what to change (Comments) before asking for a "
                                           "resubmission"))
        if self.status != was:
            graded = self.status != NOT_GRADED
            self.graded_by = user if graded else None
            self.graded_on = smooth.now_datetime() if graded else None

    def after_insert(self) -> None:
        """The uploaded file belongs to the submission: whoever may read the submission may download it."""
        if self.answer_file:
            loose = {"file_url": self.answer_file, "attached_to_name": ["is", "not set"]}
            for name in smooth.get_all("File", filters=loose, pluck="name"):
                smooth.get_doc("File", name).update({
                    "attached_to_doctype": self.doctype, "attached_to_name": self.name,
                    "attached_to_field": "answer_file"}).save(ignore_permissions=True)

    def on_update(self) -> None:
        found = progress.enrollment(self.member, self.course)
        if found:
            smooth.get_doc("LMS Enrollment", found["name"]).save(ignore_permissions=True)
