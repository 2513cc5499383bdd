"""Rubrics: criteria with levels and points, a pass mark, and the outcome computed from the marks.

Evaluations and assignment submissions keep their marks in Rubric Mark rows. The outcome is
never typed in alone: it is computed from the marks against the pass mark, and a grader who
records another outcome must say why (`override_reason`), so the learner and a Moderator can
see when and why the numbers were overruled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import smooth
from smooth import _

PASS, FAIL = "Pass", "Fail"


def levels(text: str | None) -> list[tuple[float, str]]:
    """`4: Clear and complete` lines as (points, description), highest first; a bad line is refused."""
    found = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        points, _colon, description = line.partition(":")
        try:
            value = float(points.strip())
        except ValueError:
            raise smooth.ValidationError(
                _("Level line {0} ({1}) must start with its points, as `4: Clear and complete`",
                  number, repr(line.strip()))
            ) from None
        if value < 0:
            raise smooth.ValidationError(_("Level line {0}: points cannot be negative", number))
        found.append((value, description.strip()))
    return sorted(found, key=lambda level: -level[0])


def criterion_max(row: Any) -> float:
    """The most a criterion can earn: its highest level, else its Max Points."""
    found = levels(row.levels)
    return found[0][0] if found else float(row.max_points or 0)


def check_rubric(doc: Any) -> None:
    """An Evaluation Rubric's controller: criteria named once, each worth something, a reachable pass mark."""
    seen: set[str] = set()
    total = 0.0
    for row in doc.criteria:
        name = (row.criterion or "").strip()
        if not name:
            continue  # the mandatory check after validate names what is missing
        if name.casefold() in seen:
            raise smooth.ValidationError(_("Criterion {0} is listed twice", repr(name)))
        seen.add(name.casefold())
        row.max_points = criterion_max(row)
        if row.max_points <= 0:
            raise smooth.ValidationError(_("Criterion {0}: give its levels (`4: Excellent`) or its Max Points",
                                           repr(name)))
        total += row.max_points
    doc.total_points = total
    if doc.pass_mark is None or not seen:
        return
    if not 0 < float(doc.pass_mark) <= total:
        raise smooth.ValidationError(_("Pass Mark must be more than 0 and at most the total of {0} points",
                                       format(total, 'g')))


def blank_marks(rubric: str) -> list[dict[str, Any]]:
    """One Rubric Mark row per criterion, points left for the grader."""
    doc = smooth.get_doc("Evaluation Rubric", rubric)
    return [{"criterion": row.criterion, "out_of": row.max_points, "points": None} for row in doc.criteria]


@dataclass(frozen=True)
class Score:
    points: float
    out_of: float
    outcome: str | None  # None while a criterion has no points yet

    @property
    def text(self) -> str:
        percent = f" ({100 * self.points / self.out_of:.0f}%)" if self.out_of else ""
        return f"{self.points:g} / {self.out_of:g}{percent}"


def score(rubric: str, marks: list[Any]) -> Score:
    """Check the marks against the rubric (every criterion once, points within its levels) and add them up."""
    doc = smooth.get_doc("Evaluation Rubric", rubric)
    limits = {row.criterion: float(row.max_points or 0) for row in doc.criteria}
    given: dict[str, float | None] = {}
    for row in marks:
        if row.criterion not in limits:
            raise smooth.ValidationError(_("{0} is not a criterion of rubric {1}", repr(row.criterion), doc.title))
        if row.criterion in given:
            raise smooth.ValidationError(_("Criterion {0} is marked twice", repr(row.criterion)))
        row.out_of = limits[row.criterion]
        if row.points is not None and not 0 <= float(row.points) <= limits[row.criterion]:
            raise smooth.ValidationError(
                _("{0}: points must be between 0 and {1}, not {2}",
                  row.criterion, format(limits[row.criterion], 'g'), format(float(row.points), 'g')))
        given[row.criterion] = None if row.points is None else float(row.points)
    complete = all(given.get(name) is not None for name in limits)
    points = sum(v for v in given.values() if v is not None)
    outcome = (PASS if points >= float(doc.pass_mark or 0) else FAIL) if complete else None
    return Score(points, float(doc.total_points or sum(limits.values())), outcome)


def mark_score(mark: Any, out_of: float, pass_mark: float) -> Score:
    """A single mark out of `out_of`, graded against `pass_mark` (grading without a rubric)."""
    if mark is None:
        return Score(0, out_of, None)
    if not 0 <= float(mark) <= out_of:
        raise smooth.ValidationError(_("Mark must be between 0 and {0}, not {1}",
                                       format(out_of, 'g'), format(float(mark), 'g')))
    return Score(float(mark), out_of, PASS if float(mark) >= pass_mark else FAIL)


def check_override(status: str | None, computed: str | None, reason: str | None) -> None:
    """A recorded Pass or Fail that is not what the marks say needs the grader's reason."""
    if status in (PASS, FAIL) and computed and status != computed and not (reason or "").strip():
        raise smooth.ValidationError(
            _("The marks give {0}; to record {1} instead, give an Override Reason", _(computed), _(status)))


def learner_marks(marks: list[Any]) -> list[dict[str, Any]]:
    """Rubric Mark rows as the learner reads them."""
    return [{"criterion": m.get("criterion"), "points": m.get("points"), "out_of": m.get("out_of"),
             "comment": m.get("comment")} for m in marks]
