"""Quizzes: server-side scoring, attempts, and the certification gate.

A learner sends only what they answered; the score, the percentage, pass or fail and the
attempt number are computed here (in the submission's controller), so a client that posts
`score=100` changes nothing. The gate (`check_mandatory_quizzes`) runs on the certificate
request's save path, so a desk save, the REST API and a workflow transition all meet it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import smooth
from smooth import _
from smooth_lms import question_bank
from smooth_lms.question_bank import OPEN, SHORT, SINGLE, TRUE_FALSE, Asked, lines, short_answer_right

AFTER_LAST, ALWAYS, NEVER = "After last attempt or pass", "Always", "Never"
GRADED, AWAITING = "Graded", "Awaiting Grading"


@dataclass
class Marked:
    """One question as scored: what was answered, whether it was right, the marks earned.

    An open answer is `pending` (earning nothing) until an evaluator grades it."""

    idx: int
    question: str
    type: str
    answer: list[str]
    correct: bool
    marks: int
    earned: int
    correct_answers: list[str]
    options: list[str]
    lms_question: str | None = None
    pending: bool = False
    comment: str = ""


def parse_answers(raw: Any) -> dict[str, list[str]]:
    """Answers keyed by question number ("1", "2", ...), each a list of strings, from JSON or a dict."""
    if raw in (None, ""):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise smooth.ValidationError(_("Answers must be JSON: {\"1\": [\"choice\"], \"2\": \"text\"}")) from None
    if not isinstance(raw, dict):
        raise smooth.ValidationError(_("Answers must map question numbers to answers"))
    parsed: dict[str, list[str]] = {}
    for key, value in raw.items():
        values = value if isinstance(value, list) else [value]
        parsed[str(key)] = [str(v)[:2000] for v in values if v not in (None, "")][:50]
    return parsed


def mark(questions: list[Asked], answers: dict[str, list[str]]) -> list[Marked]:
    marked = []
    for row in questions:
        given = answers.get(str(row.idx), [])
        options, accepted = row.choices(), lines(row.correct_answers)
        pending = False
        if row.type in (SHORT, OPEN):
            given = given[:1]
            right = row.type == SHORT and bool(given) and short_answer_right(given[0], accepted, row.match)
            pending = row.type == OPEN and bool(given) and bool(given[0].strip())  # a blank earns 0 at once
        else:
            chosen = {g for g in given if g in options}
            right = chosen == set(accepted) and (row.type not in (SINGLE, TRUE_FALSE) or len(chosen) == 1)
            given = [o for o in options if o in chosen]
        marked.append(Marked(row.idx, row.question, row.type, given, right, row.marks, row.marks if right else 0,
                             accepted, options if row.type != SHORT else [], row.lms_question, pending))
    return marked


def outcome(marked: list[Any], passing_percentage: Any) -> dict[str, Any]:
    """Score, percentage and pass from marked questions (dicts or Marked); no pass while any awaits grading."""
    items = [m if isinstance(m, dict) else m.__dict__ for m in marked]
    score, out_of = sum(int(m["earned"]) for m in items), sum(int(m["marks"]) for m in items)
    percentage = round(100 * score / out_of, 2) if out_of else 0
    pending = any(m.get("pending") for m in items)
    return {"score": score, "score_out_of": out_of, "percentage": percentage, "status": AWAITING if pending else GRADED,
            "passed": int(not pending and percentage >= int(passing_percentage or 0))}


def unanswered(questions: list[Any], answers: dict[str, list[str]]) -> list[int]:
    """The numbers of the questions left blank (a submit that leaves some asks before it uses an attempt)."""
    return [int(row.idx) for row in questions
            if not [a for a in answers.get(str(row.idx), []) if str(a).strip()]]


def shows_answers(policy: str | None, passed: bool, attempts_left: int | None) -> bool:
    """Whether the correct answers may be shown: by default only once they can no longer help a next attempt."""
    if policy == ALWAYS:
        return True
    if policy == NEVER:
        return False
    return passed or attempts_left == 0


def attempts(member: str, quiz: str) -> int:
    return smooth.db.count("LMS Quiz Submission", {"member": member, "quiz": quiz})


def best(member: str, quiz: str) -> dict[str, Any] | None:
    rows = smooth.get_all("LMS Quiz Submission", filters={"member": member, "quiz": quiz},
                          fields=["name", "percentage", "passed", "attempt"],
                          order_by="passed desc, percentage desc, attempt asc", limit_page_length=1)
    return rows[0] if rows else None


def course_quizzes(course: str, mandatory_only: bool = False) -> list[dict[str, Any]]:
    filters: dict[str, Any] = {"course": course}
    if mandatory_only:
        filters["mandatory_for_certification"] = 1
    return smooth.get_all("LMS Quiz", filters=filters, order_by="creation asc",
                          fields=["name", "title", "passing_percentage", "max_attempts", "mandatory_for_certification"])


def passed_quizzes(member: str, course: str) -> set[str]:
    return set(smooth.get_all("LMS Quiz Submission", filters={"member": member, "course": course, "passed": 1},
                              pluck="quiz", distinct=True))


def missing_mandatory(member: str, course: str) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """The mandatory quizzes of `course` that `member` has not passed, each with their best submission."""
    done = passed_quizzes(member, course)
    return [(quiz, best(member, quiz["name"])) for quiz in course_quizzes(course, mandatory_only=True)
            if quiz["name"] not in done]


def gate_message(missing: list[tuple[dict[str, Any], dict[str, Any] | None]], member: str) -> str:
    parts = []
    for quiz, top in missing:
        score = f"best score {float(top['percentage']):.0f}%" if top else "no attempt yet"
        parts.append(f"{quiz['title']} (needs {quiz['passing_percentage']}%, {score})")
    return f"{member} has not passed the mandatory quiz{'zes' if len(parts) > 1 else ''} " + "; ".join(parts)


def check_mandatory_quizzes(member: str, course: str) -> None:
    """Refuse completing a certification while a mandatory quiz has no passing submission."""
    missing = missing_mandatory(member, course)
    if missing:
        raise smooth.ValidationError(gate_message(missing, member))


@smooth.whitelist()
def get_quiz_questions(quiz: str) -> dict[str, Any]:
    """The questions the current user's next attempt at `quiz` asks (drawn ones too), without their answers:
    `submit_quiz` takes the answers keyed by these numbers."""
    user = smooth.session.user
    _enrolled(user, quiz)
    doc = smooth.get_doc("LMS Quiz", quiz)
    attempt = attempts(user, quiz) + 1
    return {"quiz": doc.name, "title": doc.title, "attempt": attempt,
            "questions": [{"number": q.idx, "question": q.question, "type": q.type, "marks": q.marks,
                           "options": q.choices()} for q in question_bank.asked(doc, user, attempt)]}


@smooth.whitelist(methods=["POST"])
def submit_quiz(quiz: str, answers: Any = None, submit_unanswered: Any = False) -> dict[str, Any]:
    """The current user's attempt at `quiz`; scored by the server (any score sent is ignored).

    Leaving questions blank uses an attempt like any other submission, so, as the portal asks first,
    the API refuses blanks unless `submit_unanswered` says the learner means it."""
    user = smooth.session.user
    row = _enrolled(user, quiz)
    given = parse_answers(answers)
    out_of_attempts = bool(row["max_attempts"]) and attempts(user, quiz) >= int(row["max_attempts"])
    if not _truthy(submit_unanswered) and not out_of_attempts:
        blank = unanswered(question_bank.asked(smooth.get_doc("LMS Quiz", quiz), user, attempts(user, quiz) + 1),
                           given)
        if blank:
            raise smooth.ValidationError(
                _("Question {0} is unanswered. Answer it, or send submit_unanswered=1 to submit anyway (this uses "
                  "an attempt)", blank[0]) if len(blank) == 1 else
                _("Questions {0} are unanswered. Answer them, or send submit_unanswered=1 to submit anyway (this "
                  "uses an attempt)", ", ".join(map(str, blank))))
    doc = smooth.get_doc({"doctype": "LMS Quiz Submission", "quiz": quiz, "member": user,
                          "answers": json.dumps(given)})
    doc.insert(ignore_permissions=True)
    return {"name": doc.name, "score": doc.score, "score_out_of": doc.score_out_of, "percentage": doc.percentage,
            "passed": doc.passed, "attempt": doc.attempt, "status": doc.status}


def _enrolled(user: str, quiz: str) -> dict[str, Any]:
    """The quiz's course and attempt cap, once the user is known to be enrolled in its course."""
    if user == "Guest":
        raise smooth.PermissionError(smooth._("Log in to take a quiz"))
    row = smooth.db.get_value("LMS Quiz", quiz, ["course", "max_attempts"], as_dict=True)
    if not row:
        raise smooth.DoesNotExistError(smooth._("Quiz {0} not found", quiz))
    if not smooth.db.exists("LMS Enrollment", {"member": user, "course": row["course"]}):
        raise smooth.ValidationError(smooth._("Enrol in the course before taking its quizzes"))
    return row


def _truthy(value: Any) -> bool:
    """A form or JSON flag: 1, "1", true, "true", "yes" (what REST clients send for a checkbox)."""
    return str(value).strip().lower() in ("1", "true", "yes", "on")
