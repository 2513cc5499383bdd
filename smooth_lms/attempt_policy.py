"""How often and how soon a learner may be evaluated again: a cool-down after a Fail and a cap on attempts.

Each course may set both; blank takes the LMS Settings default (0 there: no cool-down, no cap). An attempt
is a failed evaluation or a request marked No Show, counted since the learner's last Pass (a re-certification
starts afresh). The certification page shows the same sentence the request's controller refuses with, so
the learner reads why and until when before they try.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import smooth

NO_SHOW = "No Show"


@dataclass(frozen=True)
class Policy:
    cooldown_days: int
    max_attempts: int  # 0: unlimited


def policy(course: str) -> Policy:
    own = smooth.db.get_value("LMS Course", course, ["evaluation_cooldown_days", "max_evaluation_attempts"],
                              as_dict=True) or {}

    def pick(field: str) -> int:
        value = own.get(field)
        if value is None or value == "":
            value = smooth.db.get_single_value("LMS Settings", field)
        return max(0, int(value or 0))

    return Policy(pick("evaluation_cooldown_days"), pick("max_evaluation_attempts"))


def attempts(member: str, course: str) -> tuple[int, dt.date | None]:
    """Attempts since the last Pass, and the date of the latest Fail (the cool-down's start)."""
    evaluations = smooth.get_all("LMS Certificate Evaluation", filters={"member": member, "course": course,
                                                                        "status": ["in", ["Pass", "Fail"]]},
                                 fields=["status", "date"], order_by="date asc")
    passed = max((smooth.getdate(e["date"]) for e in evaluations if e["status"] == "Pass" and e["date"]),
                 default=None)

    def since_pass(day: object) -> bool:
        return passed is None or (day is not None and smooth.getdate(day) > passed)

    fails = [smooth.getdate(e["date"]) for e in evaluations if e["status"] == "Fail" and since_pass(e["date"])]
    no_shows = [d for d in smooth.get_all("LMS Certificate Request", pluck="date",
                                          filters={"member": member, "course": course, "status": NO_SHOW})
                if since_pass(d)]
    return len(fails) + len(no_shows), max(fails, default=None)


def why_wait(member: str, course: str, today: dt.date | None = None) -> str | None:
    """Why `member` may not book an evaluation of `course` yet (and when they may), or None when they may."""
    rules = policy(course)
    if not rules.cooldown_days and not rules.max_attempts:
        return None
    used, last_fail = attempts(member, course)
    if rules.max_attempts and used >= rules.max_attempts:
        if rules.max_attempts == 1:
            return smooth._("You have used all {0} evaluation attempt for this course (each Fail and No Show counts); "
                            "ask a Moderator to review your case", rules.max_attempts)
        return smooth._("You have used all {0} evaluation attempts for this course (each Fail and No Show counts); "
                        "ask a Moderator to review your case", rules.max_attempts)
    today = today or smooth.today()
    if rules.cooldown_days and last_fail:
        opens = last_fail + dt.timedelta(days=rules.cooldown_days)
        if today < opens:
            left = smooth._("{0} of {1} attempts left", rules.max_attempts - used, rules.max_attempts) \
                if rules.max_attempts else smooth._("no limit on attempts")
            return smooth._("Your evaluation on {0} was not passed: you may book again from {1}, after the {2}-day "
                            "cool-down ({3})", smooth.strftime(last_fail, "%d %B %Y"),
                            smooth.strftime(opens, "%d %B %Y"), rules.cooldown_days, left)
    return None
