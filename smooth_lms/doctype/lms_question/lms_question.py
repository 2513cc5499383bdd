"""LMS Question: a bank question reused by quizzes; an edit shows on every quiz that lists it, while a
submission keeps the question as it was asked."""

from __future__ import annotations

from smooth.model.document import Document
from smooth_lms import question_bank


class LMSQuestion(Document):
    def validate(self) -> None:
        question_bank.check(self)

    def on_update(self) -> None:
        if not self.is_new():
            question_bank.push_to_quizzes(self)
