"""/lms/courses/<course>/quiz/<quiz>: take a quiz (a plain form post) and read the result.

The form sends only choices (by position) and typed answers; the submission's controller scores
them. A submit that leaves questions blank uses no attempt: the page comes back with the answers
kept and asks "submit anyway?" (a button that posts them again with `confirm`), so it works
without scripts. `?submission=<name>` shows one of the viewer's own attempts, with the correct
answers only as the quiz's `show_answers` allows (by default once passed or out of attempts). A quiz that
draws from a pool shows the questions drawn for the viewer's next attempt, the same ones the submission
grades; open answers wait for an evaluator, and the review says so.
"""

from __future__ import annotations

import json
from typing import Any

import smooth
from smooth import _
from smooth_lms import learning, lesson_flow, next_step, programs, progress, question_bank, quizzes


def _quiz(course: str, name: str) -> Any:
    if not smooth.db.exists("LMS Quiz", name) or smooth.db.get_value("LMS Quiz", name, "course") != course:
        raise smooth.DoesNotExistError(smooth._("Quiz {0} not found in this course", name))
    return smooth.get_doc("LMS Quiz", name)


def answers_from_form(asked: list[question_bank.Asked], form: dict[str, Any]) -> dict[str, list[str]]:
    """Form fields back into answers: `q-<n>` (a choice's position or the typed text), `q-<n>-<i>` (boxes)."""
    answers: dict[str, list[str]] = {}
    for row in asked:
        options = row.choices()
        key = f"q-{row.idx}"
        if row.type in (question_bank.SHORT, question_bank.OPEN):
            answers[str(row.idx)] = [str(form.get(key) or "")]
        elif row.type in (question_bank.SINGLE, question_bank.TRUE_FALSE):
            position = str(form.get(key) or "")
            answers[str(row.idx)] = [options[int(position)]] if position.isdigit() and int(position) < len(options) \
                else []
        else:
            answers[str(row.idx)] = [o for i, o in enumerate(options) if form.get(f"{key}-{i}")]
    return answers


def _drawn(asked: list[question_bank.Asked]) -> str:
    """The questions the form showed, posted back: answers go by position, so a changed set is refused."""
    return ",".join(row.lms_question or f"row-{row.idx}" for row in asked)


def handle_post(context: Any) -> None:
    learning.require_login(_("Log in to take quizzes"))
    form = context.form_dict
    learning.course_for_viewer(form["course"])
    quiz = _quiz(form["course"], form["quiz"])
    used = quizzes.attempts(context.user, quiz.name)
    asked = question_bank.asked(quiz, context.user, used + 1)
    if "drawn" in form and form["drawn"] != _drawn(asked):
        with context.refused_post():
            raise smooth.ValidationError(smooth._("The questions of this quiz changed while you answered (an author "
                                                  "edited them): nothing was submitted. Answer the questions below"))
        return
    answers = answers_from_form(asked, form)
    blank = quizzes.unanswered(asked, answers)
    out_of_attempts = bool(quiz.max_attempts) and used >= int(quiz.max_attempts)
    if blank and not form.get("confirm") and not out_of_attempts:
        context.unanswered = blank
        return
    with context.refused_post():
        result = quizzes.submit_quiz(quiz.name, answers, submit_unanswered=True)
        context.redirect_to = f"/lms/courses/{form['course']}/quiz/{quiz.name}?submission={result['name']}"


def get_context(context: Any) -> None:
    user = learning.require_login(_("Log in to take quizzes"))
    form = context.form_dict
    course = learning.course_for_viewer(form["course"])
    programs.check_open(user, course["name"])  # a course a program keeps locked
    quiz = _quiz(course["name"], form["quiz"])
    context.course, context.title = course, f"{quiz.title} · {course['title']}"
    context.quiz = {"name": quiz.name, "title": quiz.title, "passing_percentage": quiz.passing_percentage,
                    "max_attempts": int(quiz.max_attempts or 0), "mandatory": quiz.mandatory_for_certification,
                    "show_answers": quiz.show_answers}
    context.enrollment = progress.enrollment(user, course["name"])
    context.used = quizzes.attempts(user, quiz.name)
    asked = question_bank.asked(quiz, user, context.used + 1)
    context.questions = [{"idx": row.idx, "question": row.question, "type": row.type,
                          "options": list(enumerate(row.choices()))} for row in asked]
    context.drawn = _drawn(asked)
    context.attempts_left = None if not quiz.max_attempts else max(0, int(quiz.max_attempts) - context.used)
    context.best = quizzes.best(user, quiz.name)
    context.error = context.error or None
    context.unanswered = context.unanswered or []
    context.kept = form  # answers come back checked: after "submit anyway?", or through logging in again
    context.result, context.step = None, None
    context.flow = lesson_flow.course_flow(user, course["name"]) if context.enrollment else None
    chosen = form.get("submission")
    if chosen:
        row = smooth.db.get_value("LMS Quiz Submission", chosen, ["name", "member", "quiz", "score", "score_out_of",
                                                                  "percentage", "passed", "attempt", "result",
                                                                  "status"],
                                  as_dict=True)
        if not row or row["member"] != user or row["quiz"] != quiz.name:
            raise smooth.DoesNotExistError(smooth._("Submission {0} not found", chosen))
        shown = quizzes.shows_answers(quiz.show_answers, bool(context.best and context.best["passed"]),
                                      context.attempts_left)
        marked = json.loads(row["result"] or "[]")
        key = _answer_key(quiz, marked) if shown else {}
        if row["passed"]:
            done = bool(context.enrollment and context.enrollment.get("completed"))
            context.step = next_step.after_item(user, course, context.flow, lesson_flow.QUIZ, quiz.name, done)
        context.result = {**row, "marked": [{**m, **key.get(int(m["idx"]), {})} for m in marked],
                          "show_answers": shown}


def _answer_key(quiz: Any, marked: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Each asked question's correct answers and explanation, from the bank (a result from before the bank
    names no bank question: its key is the quiz row's)."""
    names = [m["lms_question"] for m in marked if m.get("lms_question")]
    bank = {r["name"]: r for r in smooth.get_all("LMS Question", filters={"name": ["in", names or [""]]},
                                                 fields=["name", "correct_answers", "explanation"])}
    rows = {int(r.idx): r for r in quiz.questions}
    key = {}
    for m in marked:
        source = bank.get(m.get("lms_question") or "") or rows.get(int(m["idx"]))
        if source is not None:
            key[int(m["idx"])] = {"correct_answers": question_bank.lines(source.get("correct_answers")),
                                  "explanation": source.get("explanation") or ""}
    return key
