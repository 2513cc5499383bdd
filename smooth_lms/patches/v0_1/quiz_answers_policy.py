"""`show_answers` became a policy (a Select) instead of a Check, and submissions stop storing the answer key.

The old "show after every submission" (1) gave the next attempt away, so it becomes the new default
(after the last attempt or a pass); 0 becomes Never. Stored results lose `correct_answers`: the
learner reads their own submission, and the page now takes the key from the quiz when it may.
"""

from __future__ import annotations

import json

import smooth
from smooth_lms.quizzes import AFTER_LAST, ALWAYS, NEVER


def execute() -> None:
    for name, value in smooth.db.get_all("LMS Quiz", fields=["name", "show_answers"], as_list=True):
        if value not in (AFTER_LAST, ALWAYS, NEVER):
            smooth.db.set_value("LMS Quiz", name, "show_answers",
                                NEVER if str(value).strip() in ("0", "0.0") else AFTER_LAST,
                                update_modified=False)
    for name, result in smooth.db.get_all("LMS Quiz Submission", fields=["name", "result"], as_list=True):
        marked = json.loads(result or "[]")
        if any("correct_answers" in m for m in marked):
            stripped = [{k: v for k, v in m.items() if k != "correct_answers"} for m in marked]
            smooth.db.set_value("LMS Quiz Submission", name, "result", json.dumps(stripped), update_modified=False)
