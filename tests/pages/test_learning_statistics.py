"""The Learning statistics page: server-drawn charts with their numbers as tables, for LMS staff only."""

from __future__ import annotations

from collections import Counter

import pytest

import smooth
from smooth_lms import certificates
from smooth_lms.certificates import record_evaluation
from smooth_lms.statistics import week_start
from tests.api.helpers import Api
from tests.conftest import make_user
from tests.lms.conftest import book, make_course, make_evaluator, make_learner, next_weekday, slot_started

pytestmark = pytest.mark.both_backends  # aggregates computed in SQL

URL = "/statistics/learning"


def test_statistics_counts_and_access(pages: Api) -> None:
    with pages.handle.context():
        make_user("mod@example.com", "Moderator")
        course = make_course("Ladder Safety")
        make_evaluator("eva@example.com", [course])
        results = []
        for i, outcome in enumerate(("Pass", "Pass", "Fail")):
            learner = make_learner(f"l{i}@example.com", course)
            request = book(learner, course, next_weekday(0), f"{9 + i // 2:02d}:{30 * (i % 2):02d}")
            slot_started(request.name, minutes_ago=60 + 30 * i)  # an evaluation happens once its slot has come
            smooth.set_user("eva@example.com")
            doc = smooth.get_doc("LMS Certificate Evaluation", record_evaluation(request.name)["name"])
            doc.status = outcome
            doc.save()
            smooth.set_user("Administrator")
            results.append(learner)
        dates = smooth.get_all("LMS Certificate Request", pluck="date")
        certificates.issue_certificate(results[0], course)
        smooth.db.commit()
    page = pages.get(URL, user="mod@example.com")
    assert page.status_code == 200, page.text[:500]
    text = page.text
    assert text.count('<svg class="chart"') == 4 and "Pass rate by course" in text
    assert "<td>2</td><td>1</td>" in text and "66.7%" in text  # passed, failed, pass rate
    # Each week's stacked bar says its count; slots an hour or two back straddle a week's start on Monday night.
    weeks = Counter(week_start(day) for day in dates)
    for count in weeks.values():
        assert f": Completed {count}</title>" in text
    assert pages.get(URL, user="eva@example.com").status_code == 200
    assert pages.get(URL, user="l0@example.com").status_code == 403
    assert pages.get("/app/learning", user="mod@example.com").text.count('href="/statistics/learning"') == 1
