"""LMS Quiz Submission: one attempt, scored here from the answers alone; never edited afterwards."""

from __future__ import annotations

import json
from dataclasses import asdict

import smooth
from smooth.model.document import Document
from smooth_lms import progress
from smooth_lms.permissions import is_staff
from smooth_lms.quizzes import attempts, mark, parse_answers


class LMSQuizSubmission(Document):
    answers: str | None

    def before_insert(self) -> None:
        self.owner = self.member  # learners read their own submissions (if_owner)

    def validate(self) -> None:
        if not self.is_new():
            raise smooth.ValidationError("A quiz submission cannot be changed; take the quiz again instead")
        if not (self.member and self.quiz):
            return  # the mandatory check after validate names what is missing
        user = smooth.session.user
        if self.member != user and not is_staff(user):
            raise smooth.PermissionError("You can only submit your own quiz attempts")
        quiz = smooth.get_doc("LMS Quiz", self.quiz)
        smooth.db.get_value("User", self.member, "name", for_update=True)  # one attempt at a time per learner
        done = attempts(self.member, quiz.name)
        if quiz.max_attempts and done >= int(quiz.max_attempts):
            raise smooth.ValidationError(
                f"You have used all {quiz.max_attempts} attempt{'s' if quiz.max_attempts != 1 else ''} "
                f"at {quiz.title}")
        answers = parse_answers(self.answers)
        marked = mark(quiz.questions, answers)
        self.course, self.quiz_title, self.attempt = quiz.course, quiz.title, done + 1
        self.answers = json.dumps(answers)
        self.score = sum(m.earned for m in marked)
        self.score_out_of = sum(m.marks for m in marked)
        self.percentage = round(100 * self.score / self.score_out_of, 2) if self.score_out_of else 0
        self.passed = int(self.percentage >= int(quiz.passing_percentage or 0))
        # the learner reads their own submission: the correct answers stay on the quiz, shown by its policy
        self.result = json.dumps([{k: v for k, v in asdict(m).items() if k != "correct_answers"} for m in marked])

    def on_update(self) -> None:
        found = progress.enrollment(self.member, self.course)
        if found:
            smooth.get_doc("LMS Enrollment", found["name"]).save(ignore_permissions=True)
