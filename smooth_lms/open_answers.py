"""An evaluator grades the open answers of a quiz submission; the result counts once none awaits grading.

The submission form's *Grade Open Answer* button calls `grade_open_answer` with the question's number in the
attempt, the marks and an optional comment the learner reads with their result.
"""

from __future__ import annotations

import json
from typing import Any

import smooth
from smooth import _
from smooth_lms.question_bank import OPEN
from smooth_lms.quizzes import outcome

GRADERS = ("Batch Evaluator", "Moderator", "System Manager", "Administrator")


def _whole(value: Any, what: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise smooth.ValidationError(_("{0} must be a whole number", what)) from None


@smooth.whitelist(methods=["POST"])
def grade_open_answer(name: str, question: Any, marks: Any, comment: str | None = None) -> dict[str, Any]:
    if not set(smooth.get_roles()) & set(GRADERS):
        raise smooth.PermissionError(_("Only an evaluator or a Moderator grades open answers"))
    doc = smooth.get_doc("LMS Quiz Submission", name)
    if not smooth.has_permission("LMS Quiz Submission", "read", doc=doc):
        raise smooth.PermissionError(_("You may not read quiz submission {0}", name))
    number, earned = _whole(question, _("The question number")), _whole(marks, _("Marks"))
    marked = json.loads(doc.result or "[]")
    item = next((m for m in marked if int(m["idx"]) == number), None)
    if item is None or item["type"] != OPEN:
        opens = ", ".join(str(m["idx"]) for m in marked if m["type"] == OPEN) or "none"
        raise smooth.ValidationError(_("Question {0} is not an open answer of this attempt (open answers: {1})",
                                       number, opens))
    if not 0 <= earned <= int(item["marks"]):
        raise smooth.ValidationError(_("Marks for question {0} must be between 0 and {1}", number, item['marks']))
    item.update(earned=earned, correct=earned == int(item["marks"]), pending=False, comment=(comment or "")[:2000])
    position = [int(m["idx"]) for m in marked].index(number)
    row = doc.questions[position] if position < len(doc.questions) else None
    if row is not None:
        row.earned, row.is_correct, row.graded = earned, int(item["correct"]), 1
    passing = smooth.db.get_value("LMS Quiz", doc.quiz, "passing_percentage")
    doc.update({"result": json.dumps(marked), **outcome(marked, passing)})
    doc.flags.grading = True
    doc.save(ignore_permissions=True)
    left = sum(1 for m in marked if m.get("pending"))
    args = (number, earned, item["marks"], left, doc.score, doc.score_out_of)
    if left:
        said = (_("Question {0} graded {1}/{2}; {3} open answer still to grade", *args) if left == 1 else
                _("Question {0} graded {1}/{2}; {3} open answers still to grade", *args))
    else:
        said = (_("Question {0} graded {1}/{2}; result: {4}/{5} (passed)", *args) if doc.passed else
                _("Question {0} graded {1}/{2}; result: {4}/{5} (not passed)", *args))
    smooth.msgprint(said)
    return {"name": doc.name, "status": doc.status, "score": doc.score, "percentage": doc.percentage,
            "passed": doc.passed}
