"""An evaluator grades the open answers of a quiz submission; the result counts once none awaits grading.

The submission form's *Grade Open Answer* button calls `grade_open_answer` with the question's number in the
attempt, the marks and an optional comment the learner reads with their result.
"""

from __future__ import annotations

import json
from typing import Any

import smooth
from smooth_lms.question_bank import OPEN
from smooth_lms.quizzes import outcome

GRADERS = ("Batch Evaluator", "Moderator", "System Manager", "Administrator")


def _whole(value: Any, what: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise smooth.ValidationError(f"{what} must be a whole number") from None


@smooth.whitelist(methods=["POST"])
def grade_open_answer(name: str, question: Any, marks: Any, comment: str | None = None) -> dict[str, Any]:
    if not set(smooth.get_roles()) & set(GRADERS):
        raise smooth.PermissionError("Only an evaluator or a Moderator grades open answers")
    doc = smooth.get_doc("LMS Quiz Submission", name)
    if not smooth.has_permission("LMS Quiz Submission", "read", doc=doc):
        raise smooth.PermissionError(f"You may not read quiz submission {name}")
    number, earned = _whole(question, "The question number"), _whole(marks, "Marks")
    marked = json.loads(doc.result or "[]")
    item = next((m for m in marked if int(m["idx"]) == number), None)
    if item is None or item["type"] != OPEN:
        opens = ", ".join(str(m["idx"]) for m in marked if m["type"] == OPEN) or "none"
        raise smooth.ValidationError(f"Question {number} is not an open answer of this attempt (open answers: {opens})")
    if not 0 <= earned <= int(item["marks"]):
        raise smooth.ValidationError(f"Marks for question {number} must be between 0 and {item['marks']}")
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
    smooth.msgprint(f"Question {number} graded {earned}/{item['marks']}; "
                    + (f"{left} open answer{'s' if left != 1 else ''} still to grade" if left
                       else f"result: {doc.score}/{doc.score_out_of} ({'passed' if doc.passed else 'not passed'})"))
    return {"name": doc.name, "status": doc.status, "score": doc.score, "percentage": doc.percentage,
            "passed": doc.passed}
