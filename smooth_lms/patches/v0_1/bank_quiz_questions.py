"""Quiz questions move into the question bank: each inline row becomes an LMS Question its row points at.

Rows that read the same (question, type, options and correct answers) share one bank question, so a
question copied between quizzes has one set of statistics. The rows keep their text (the columns the bank
now fills), so a quiz reads as before. Past submissions gain the asked-question rows the statistics count
(by the quiz row each result item names), and the bank's statistics are counted once at the end.
"""

from __future__ import annotations

import json

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
    backfill_submissions()


def backfill_submissions() -> None:
    asked_by_quiz: dict[str, dict[int, str]] = {}
    for row in smooth.get_all("LMS Quiz Question", fields=["parent", "idx", "lms_question"],
                              filters={"parenttype": "LMS Quiz"}):
        asked_by_quiz.setdefault(row["parent"], {})[int(row["idx"])] = row["lms_question"]
    have = set(smooth.get_all("LMS Quiz Submission Question", pluck="parent", distinct=True))
    touched: set[str] = set()
    for name in smooth.get_all("LMS Quiz Submission", pluck="name", order_by="creation asc"):
        if name in have:
            continue
        doc = smooth.get_doc("LMS Quiz Submission", name)
        rows = asked_by_quiz.get(doc.quiz, {})
        marked = json.loads(doc.result or "[]")
        for m in marked:
            m["lms_question"] = m.get("lms_question") or rows.get(int(m["idx"]))
            doc.append("questions", {"lms_question": m["lms_question"], "marks": m["marks"], "earned": m["earned"],
                                     "is_correct": int(bool(m["correct"])), "graded": 1})
            touched.add(m["lms_question"])
        doc.result = json.dumps(marked)
        doc.flags.grading = doc.flags.backfill = True
        doc.save(ignore_permissions=True, ignore_version=True)
    question_bank.refresh_stats(sorted(t for t in touched if t))
