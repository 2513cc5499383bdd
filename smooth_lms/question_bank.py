"""The question bank: LMS Question records that quizzes reuse, the set an attempt asks, and their statistics.

A quiz either lists bank questions (its rows) or draws `questions_per_attempt` of those tagged
`question_pool_tag`. The draw is seeded by quiz, learner and attempt number, so the page that shows the
questions and the submission that grades them agree without storing a half-taken attempt; the submission
then keeps the set it asked (its `questions` rows and `result`), and grading and review read that.
"""

from __future__ import annotations

import fnmatch
import hashlib
import random
from dataclasses import dataclass
from typing import Any

import smooth
from smooth import _
from smooth_lms import authorship

SINGLE, MULTIPLE, TRUE_FALSE = "Single Choice", "Multiple Choice", "True/False"
SHORT, OPEN = "Short Answer", "Open Answer"
CHOICE_TYPES = (SINGLE, MULTIPLE, TRUE_FALSE)
CASE_INSENSITIVE, EXACT, PATTERN = "Case-insensitive", "Exact", "Pattern"
TRUE_FALSE_OPTIONS = ("True", "False")
MAX_PATTERN, MAX_MATCHED = 200, 500  # a pattern's and a matched answer's length: glob matching stays cheap
FIELDS = ["name", "question", "type", "options", "correct_answers", "match", "marks", "explanation", "tags"]


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def normal(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def tags_of(text: str | None) -> set[str]:
    return {t.strip().casefold() for t in (text or "").split(",") if t.strip()}


@dataclass
class Asked:
    """One question as an attempt asks it: its number in the attempt, the bank record, its marks."""

    idx: int
    lms_question: str | None
    question: str
    type: str
    options: str
    correct_answers: str
    match: str
    marks: int
    explanation: str = ""

    def choices(self) -> list[str]:
        return list(TRUE_FALSE_OPTIONS) if self.type == TRUE_FALSE else lines(self.options)


def short_answer_right(given: str, accepted: list[str], match: str | None) -> bool:
    """Exact (spacing at the ends ignored), case-insensitive (case and spacing ignored) or a glob pattern.

    Patterns are shell-style wildcards, not regular expressions: fnmatch's translation cannot backtrack
    catastrophically, a pattern is length-bounded and an answer longer than any sensible one never matches."""
    if match == EXACT:
        return given.strip() in {a.strip() for a in accepted}
    text = normal(given)
    if match == PATTERN:
        return len(text) <= MAX_MATCHED and any(fnmatch.fnmatchcase(text, normal(p)[:MAX_PATTERN]) for p in accepted)
    return text in {normal(a) for a in accepted}


def check(doc: Any) -> None:
    """A bank question's answers fit its type (the LMS Question controller's rules)."""
    if not (doc.question and doc.type):
        return  # the mandatory check after validate names what is missing
    accepted = lines(doc.correct_answers)
    if doc.type == OPEN:
        doc.options = doc.correct_answers = None  # graded by an evaluator: no key to leak
        return
    if not accepted:
        raise smooth.ValidationError(_("Give the correct answer (one per line)"))
    if doc.type == TRUE_FALSE:
        doc.options = "\n".join(TRUE_FALSE_OPTIONS)
        if len(accepted) != 1 or accepted[0].capitalize() not in TRUE_FALSE_OPTIONS:
            raise smooth.ValidationError(_("A true/false question's correct answer is True or False"))
        doc.correct_answers = accepted[0].capitalize()
        return
    if doc.type == SHORT:
        doc.options = None
        if doc.match == PATTERN and any(len(p) > MAX_PATTERN for p in accepted):
            raise smooth.ValidationError(_("A pattern may be at most {0} characters long", MAX_PATTERN))
        return
    options = lines(doc.options)
    if len(options) < 2:
        raise smooth.ValidationError(_("A choice question needs at least two options, one per line"))
    unknown = [a for a in accepted if a not in options]
    if unknown:
        raise smooth.ValidationError(_("Correct answer {0} is not one of the options", repr(unknown[0])))
    if doc.type == SINGLE and len(accepted) != 1:
        raise smooth.ValidationError(_("A single choice question has exactly one correct answer"))


def bank_row(row: Any) -> str:
    """An inline question (a quiz row from before the bank, or one given with a new quiz) as an LMS Question."""
    doc = smooth.get_doc({"doctype": "LMS Question", "question": row.get("question"), "type": row.get("type"),
                          "options": row.get("options"), "correct_answers": row.get("correct_answers"),
                          "marks": row.get("marks") if row.get("marks") is not None else 1})
    doc.insert(ignore_permissions=True)
    return str(doc.name)


def pool(tag: str) -> list[str]:
    """The bank questions tagged `tag` (case-insensitive), by name."""
    wanted = tag.strip().casefold()
    rows = smooth.get_all("LMS Question", filters={"tags": ["like", f"%{wanted}%"]}, fields=["name", "tags"],
                          order_by="name asc", ignore_permissions=True)
    return [r["name"] for r in rows if wanted in tags_of(r["tags"])]


def draws(quiz: Any) -> bool:
    return bool(int(quiz.questions_per_attempt or 0) and (quiz.question_pool_tag or "").strip())


def asked(quiz: Any, member: str, attempt: int) -> list[Asked]:
    """The questions `member`'s attempt number `attempt` at `quiz` asks, numbered from 1 in the attempt."""
    if draws(quiz):
        names = pool(quiz.question_pool_tag)
        seed = hashlib.sha256(f"{quiz.name}\n{member}\n{attempt}".encode()).hexdigest()
        chosen = random.Random(seed).sample(names, min(int(quiz.questions_per_attempt), len(names)))
        plan = [(i, name, None, None) for i, name in enumerate(chosen, start=1)]
    else:
        plan = [(int(r.idx), r.lms_question, r.marks, r) for r in quiz.questions]
    records = {r["name"]: r for r in smooth.get_all("LMS Question", fields=FIELDS, ignore_permissions=True,
                                                    filters={"name": ["in", [p[1] for p in plan if p[1]] or [""]]})}
    out = []
    for idx, name, marks, row in plan:
        source: Any = records.get(name) if name else None
        if source is None and row is not None:  # a row not banked yet (before the patch ran)
            source = {"question": row.question, "type": row.type, "options": row.options,
                      "correct_answers": row.correct_answers, "match": CASE_INSENSITIVE, "marks": row.marks}
        if source is None:
            continue
        own = marks if marks is not None else source.get("marks")
        out.append(Asked(idx, name, source["question"], source["type"], source.get("options") or "",
                         source.get("correct_answers") or "", source.get("match") or CASE_INSENSITIVE,
                         int(own if own is not None else 1), source.get("explanation") or ""))
    return out


def refresh_stats(names: list[str]) -> None:
    """Recount how often each question was answered and answered right (from the submissions' asked rows)."""
    for name in {n for n in names if n}:
        graded = smooth.db.count("LMS Quiz Submission Question", {"lms_question": name, "graded": 1})
        right = smooth.db.count("LMS Quiz Submission Question", {"lms_question": name, "graded": 1, "is_correct": 1})
        waiting = smooth.db.count("LMS Quiz Submission Question", {"lms_question": name, "graded": 0})
        smooth.db.set_value("LMS Question", name, {
            "times_answered": graded, "times_correct": right, "awaiting_grading": waiting,
            "percent_correct": round(100 * right / graded, 1) if graded else 0}, update_modified=False)


def push_to_quizzes(question: Any) -> None:
    """A bank question edited: the quiz rows that show it read as it does now."""
    smooth.db.set_value("LMS Quiz Question", {"lms_question": question.name}, {
        "question": question.question, "type": question.type, "options": question.options,
        "correct_answers": question.correct_answers}, update_modified=False)


def bank_permission(doc: Any, ptype: str, user: str) -> bool | None:
    """has_permission on LMS Question: an author (Course Creator alone) changes a bank question only while every
    quiz listing it is of a course they teach, and an unused one only if they made it; others' quizzes read
    the bank as its authors left it."""
    if ptype in authorship.READ_RIGHTS or doc.is_new() or not authorship.only_as_author(doc.doctype, ptype, user):
        return None
    quizzes = smooth.get_all("LMS Quiz Question", pluck="parent", distinct=True,
                             filters={"lms_question": doc.name, "parenttype": "LMS Quiz"})
    courses = set(smooth.get_all("LMS Quiz", pluck="course", filters={"name": ["in", quizzes or [""]]}))
    if not courses:
        return None if doc.owner == user else False
    return None if courses <= set(authorship.taught_courses(user)) else False
