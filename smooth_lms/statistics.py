"""The Learning statistics: evaluations per status per week, pass rate and average quiz score by
course, certificates issued per month. Aggregates for staff and evaluators (counts, no names)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import smooth
from smooth_lms import request_states


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def evaluations_per_week(back: int = 6, ahead: int = 3, today: dt.date | None = None) -> dict[str, Any]:
    """Requests by the week of their slot: `back` weeks before this one, this one, `ahead` weeks after.

    One series per workflow state (an admin-added one too) and per stored status no state names any
    more, so every request is counted; `indicators` colours each series by its state (request_states)."""
    today = today or smooth.today()
    first = week_start(today) - dt.timedelta(weeks=back)
    starts = [first + dt.timedelta(weeks=i) for i in range(back + 1 + ahead)]
    rows = smooth.get_all("LMS Certificate Request", fields=["date", "status"],
                          filters=[["date", ">=", first], ["date", "<", starts[-1] + dt.timedelta(weeks=1)]])
    counts: Counter[tuple[dt.date, str]] = Counter()
    for row in rows:
        day = row["date"] if isinstance(row["date"], dt.date) else dt.date.fromisoformat(str(row["date"]))
        counts[(week_start(day), row["status"] or "")] += 1
    known = request_states.states()
    names = [state.name for state in known]
    names += sorted({status for _week, status in counts} - set(names))
    return {"labels": [f"{s:%d %b}" for s in starts],
            "series": {name: [counts[(s, name)] for s in starts] for name in names},
            "indicators": {name: request_states.state_of(name).indicator for name in names}}


def by_course() -> list[dict[str, Any]]:
    """Per course: evaluations passed and failed, the pass rate, the average quiz score, certificates."""
    outcome: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for row in smooth.get_all("LMS Certificate Evaluation", fields=["course", "status"],
                              filters={"status": ["in", ["Pass", "Fail"]]}):
        outcome[row["course"]][row["status"]] += 1
    scores: defaultdict[str, list[float]] = defaultdict(list)
    for row in smooth.get_all("LMS Quiz Submission", fields=["course", "percentage"]):
        scores[row["course"]].append(float(row["percentage"] or 0))
    issued = Counter(smooth.get_all("LMS Certificate", pluck="course"))
    titles = {c["name"]: c["title"] for c in smooth.get_all("LMS Course", fields=["name", "title"])}
    courses = sorted(set(outcome) | set(scores) | set(issued), key=lambda c: titles.get(c, c))
    result = []
    for course in courses:
        passed, failed = outcome[course]["Pass"], outcome[course]["Fail"]
        result.append({"course": course, "title": titles.get(course, course), "passed": passed, "failed": failed,
                       "pass_rate": round(100 * passed / (passed + failed), 1) if passed + failed else None,
                       "average_score": round(sum(scores[course]) / len(scores[course]), 1) if scores[course]
                       else None, "attempts": len(scores[course]), "certificates": issued[course]})
    return result


def certificates_per_month(months: int = 12, today: dt.date | None = None) -> dict[str, Any]:
    today = today or smooth.today()
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    starts.reverse()
    counts: Counter[tuple[int, int]] = Counter()
    for day in smooth.get_all("LMS Certificate", pluck="issue_date", filters={"issue_date": [">=", starts[0]]}):
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        counts[(day.year, day.month)] += 1
    return {"labels": [f"{s:%b %y}" for s in starts], "values": [counts[(s.year, s.month)] for s in starts]}
