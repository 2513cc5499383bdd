"""LMS Quiz: questions with their correct answers; learners never read it directly (the portal shows
questions without answers), and a quiz added or removed changes every enrollment's progress."""

from __future__ import annotations

import smooth
from smooth.model.document import Document
from smooth_lms import progress
from smooth_lms.naming import slug_name
from smooth_lms.quizzes import SHORT, SINGLE, lines


class LMSQuiz(Document):
    def autoname(self) -> None:
        self.name = self.name or slug_name(self.doctype, self.title)

    def validate(self) -> None:
        if not 0 <= int(self.passing_percentage or 0) <= 100:
            raise smooth.ValidationError("Passing Percentage must be between 0 and 100")
        if int(self.max_attempts or 0) < 0:
            raise smooth.ValidationError("Max Attempts cannot be negative (0 means unlimited)")
        for row in self.questions:
            where = f"Question {row.idx}"
            accepted = lines(row.correct_answers)
            if not accepted:
                continue  # the mandatory check after validate names the missing Correct Answers
            if int(row.marks if row.marks is not None else 1) < 0:
                raise smooth.ValidationError(f"{where}: marks cannot be negative")
            if row.type == SHORT:
                continue
            options = lines(row.options)
            if len(options) < 2:
                raise smooth.ValidationError(f"{where}: a choice question needs at least two options, one per line")
            unknown = [a for a in accepted if a not in options]
            if unknown:
                raise smooth.ValidationError(f"{where}: correct answer {unknown[0]!r} is not one of the options")
            if row.type == SINGLE and len(accepted) != 1:
                raise smooth.ValidationError(f"{where}: a single choice question has exactly one correct answer")

    def on_update(self) -> None:
        progress.refresh_moved(self)
