"""Quiz questions move into the question bank: each inline row becomes an LMS Question its row points at.

Rows that read the same (question, type, options and correct answers) share one bank question, so a
question copied between quizzes has one set of statistics. The rows keep their text (the columns the bank
now fills), so a quiz reads as before; past submissions keep the questions they asked in their result.
"""

from __future__ import annotations

import smooth
from smooth_lms import question_bank


def execute() -> None:
    banked: dict[tuple[str, ...], str] = {}
    rows = smooth.get_all("LMS Quiz Question", fields=["name", "question", "type", "options", "correct_answers",
                                                       "marks"],
                          filters={"lms_question": ["is", "not set"]}, order_by="parent asc, idx asc")
    for row in rows:
        key = tuple(" ".join(str(row.get(f) or "").split()) for f in ("question", "type", "options",
                                                                      "correct_answers"))
        if key not in banked:
            banked[key] = question_bank.bank_row(row)
        smooth.db.set_value("LMS Quiz Question", row["name"], "lms_question", banked[key], update_modified=False)
