"""LMS Quiz: bank questions listed as rows, or drawn at random from a tagged pool on each attempt; learners
never read it directly (the portal shows questions without answers), and a quiz added or removed changes
every enrollment's progress."""

from __future__ import annotations

import smooth
from smooth import _
from smooth.model.document import Document
from smooth_lms import progress, question_bank
from smooth_lms.naming import slug_name


class LMSQuiz(Document):
    def autoname(self) -> None:
        self.name = self.name or slug_name(self.doctype, self.title)

    def validate(self) -> None:
        if not 0 <= int(self.passing_percentage or 0) <= 100:
            raise smooth.ValidationError(_("Passing Percentage must be between 0 and 100"))
        if int(self.max_attempts or 0) < 0:
            raise smooth.ValidationError(_("Max Attempts cannot be negative (0 means unlimited)"))
        self.bank_questions()
        if not (self.title and self.course) or any(not row.lms_question for row in self.questions):
            return  # the mandatory check after validate names what is missing
        if question_bank.draws(self):
            found = len(question_bank.pool(self.question_pool_tag))
            if found < int(self.questions_per_attempt):
                raise smooth.ValidationError(
                    _("The pool tagged {0} has {1} question; an attempt draws {2}. Tag more questions or draw fewer",
                      repr(self.question_pool_tag), found, self.questions_per_attempt) if found == 1 else
                    _("The pool tagged {0} has {1} questions; an attempt draws {2}. Tag more questions or draw fewer",
                      repr(self.question_pool_tag), found, self.questions_per_attempt))
        elif not self.questions:
            raise smooth.ValidationError(_("Add questions, or draw them at random from a tagged pool (Question "
                                           "Pool Tag and Questions per Attempt)"))

    def bank_questions(self) -> None:
        """Rows given inline (through the API or a script) become bank questions; every row reads as its
        bank question does."""
        for row in self.questions:
            if not row.lms_question:
                if not row.question:
                    continue  # the mandatory check names the missing Bank Question
                try:
                    row.lms_question = question_bank.bank_row(row.as_dict())
                except smooth.ValidationError as exc:
                    raise smooth.ValidationError(_("Question {0}: {1}", row.idx, exc.message)) from None
            fields = ["question", "type", "options", "correct_answers"]
            bank = row.lms_question and smooth.db.get_value("LMS Question", row.lms_question, fields, as_dict=True)
            if bank:
                row.update(bank)
            if int(row.marks or 0) < 0:
                raise smooth.ValidationError(_("Question {0}: marks cannot be negative", row.idx))

    def on_update(self) -> None:
        progress.refresh_moved(self)
