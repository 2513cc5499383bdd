"""LMS Quiz Submission: one attempt, scored here from the answers alone; never edited afterwards, except by an
evaluator grading its open answers (`smooth_lms.open_answers`)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_lms import progress, question_bank
from smooth_lms.permissions import is_staff
from smooth_lms.quizzes import attempts, mark, outcome, parse_answers


class LMSQuizSubmission(Document):
    answers: str | None
    questions: list[Any]

    def before_insert(self) -> None:
        """Scored before naming, so the asked-question rows it adds are named with the submission's."""
        self.owner = self.member  # learners read their own submissions (if_owner)
        self.score_attempt()

    def validate(self) -> None:
        if not self.is_new() and not self.flags.grading:  # open_answers checked its grader (or the bank patch runs)
            raise smooth.ValidationError(_("A quiz submission cannot be changed; take the quiz again instead"))

    def score_attempt(self) -> None:
        if not (self.member and self.quiz):
            return  # the mandatory check after validate names what is missing
        user = smooth.session.user
        if self.member != user and not is_staff(user):
            raise smooth.PermissionError(_("You can only submit your own quiz attempts"))
        quiz = smooth.get_doc("LMS Quiz", self.quiz)
        smooth.db.get_value("User", self.member, "name", for_update=True)  # one attempt at a time per learner
        done = attempts(self.member, quiz.name)
        if quiz.max_attempts and done >= int(quiz.max_attempts):
            raise smooth.ValidationError(
                _("You have used all {0} attempts at {1}", quiz.max_attempts, quiz.title) if quiz.max_attempts != 1
                else _("You have used all {0} attempt at {1}", quiz.max_attempts, quiz.title))
        answers = parse_answers(self.answers)
        self.course, self.quiz_title, self.attempt = quiz.course, quiz.title, done + 1
        marked = mark(question_bank.asked(quiz, self.member, self.attempt), answers)
        self.answers = json.dumps(answers)
        self.update(outcome(marked, quiz.passing_percentage))
        self.questions = []
        for m in marked:
            self.append("questions", {"lms_question": m.lms_question, "marks": m.marks, "earned": m.earned,
                                      "is_correct": int(m.correct), "graded": int(not m.pending)})
        self.open_answers = "\n\n".join(f"Question {m.idx} (out of {m.marks}): {m.question}\n{m.answer[0]}"
                                          for m in marked if m.pending) or None
        # the learner reads their own submission: the correct answers stay on the quiz, shown by its policy
        self.result = json.dumps([{k: v for k, v in asdict(m).items() if k != "correct_answers"} for m in marked])

    def on_update(self) -> None:
        if self.flags.backfill:
            return  # the bank patch counts the statistics once, and progress is unchanged
        question_bank.refresh_stats([row.lms_question for row in self.questions])
        found = progress.enrollment(self.member, self.course)
        if found:
            smooth.get_doc("LMS Enrollment", found["name"]).save(ignore_permissions=True)
