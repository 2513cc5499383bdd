"""The certificate request rule `member = me OR evaluator = me`, read as one indexed branch per condition.

A list, its counts and its group-by counts through the union plan (the permission-checked door the
desk and REST lists share) must give exactly what the plain OR query gives: the same rows in the same
order on every page, the same counts. Differential, over seeded random data with the awkward cases
(rows matching both conditions, NULL evaluators, ties on the sort keys) and random filters, orders and
pages, as Administrator, an evaluator, a learner and someone who is both. Both backends: the database
decides ordering, grouping and paging.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from sqlalchemy import event, insert

import smooth
from smooth.filters import normalize
from smooth.model import user_queries
from smooth.model.list_counts import ListCount
from smooth.pages.desk.list_query import ListState
from smooth.pages.desk.listview import page_info
from smooth.pages.rendering import render_template
from smooth_lms.permissions import certificate_request_conditions
from tests.conftest import make_user
from tests.lms.conftest import SiteHandle

pytestmark = pytest.mark.both_backends

DOCTYPE = "LMS Certificate Request"
EVALUATORS = ["eva0@il.example", "eva1@il.example"]
LEARNERS = ["ann@il.example", "bob@il.example", "cy@il.example"]
BOTH = "both@il.example"  # evaluates some requests and booked others (and one of them evaluated her own)
FIELDS = ["name", "status", "date", "start_utc", "member", "evaluator", "course"]
ORDERABLE = ["start_utc", "date", "status", "course", "evaluator", "modified"]
ROWS = 400


@pytest.fixture
def requests(lms: SiteHandle) -> Iterator[None]:
    for email in EVALUATORS:
        make_user(email, "Batch Evaluator")
    for email in LEARNERS:
        make_user(email, "LMS Student")
    make_user(BOTH, "Batch Evaluator", "LMS Student")
    rng = random.Random(27)
    base = dt.datetime(2026, 3, 2, 9, 0)
    rows = []
    for i in range(ROWS):
        start = base + dt.timedelta(hours=rng.randint(0, 40) * 6)  # few distinct values: ties on the sort keys
        member = rng.choice(LEARNERS + [BOTH])
        evaluator = rng.choice(EVALUATORS + [BOTH, None])
        rows.append({"name": f"IL-{i:04d}", "owner": "Administrator", "creation": base,
                     "modified": base + dt.timedelta(minutes=rng.randint(0, 5)), "modified_by": "Administrator",
                     "docstatus": 0, "idx": 0, "course": rng.choice(["C-1", "C-2", None]), "member": member,
                     "evaluator": evaluator, "date": None if rng.random() < 0.05 else start.date(),
                     "start_utc": start, "status": rng.choice(["Pending", "Completed", "Cancelled"])})
    smooth.db.execute(insert(smooth.db.table(DOCTYPE)), rows, write=True)
    smooth.db.commit()
    yield


def random_filters(rng: random.Random) -> list[list[Any]]:
    choices = [["status", "=", rng.choice(["Pending", "Completed"])],
               ["status", "in", ["Pending", "Cancelled"]],
               ["date", ">=", "2026-03-20"],
               ["date", "between", ["2026-03-05", "2026-03-25"]],
               ["course", "=", "C-1"],
               ["course", "is", "not set"],
               ["evaluator", "=", rng.choice(EVALUATORS + [BOTH])],
               ["member", "!=", rng.choice(LEARNERS)]]
    return rng.sample(choices, rng.randint(0, 3))


def random_order(rng: random.Random) -> str:
    terms = [f"{f} {rng.choice(['asc', 'desc'])}" for f in rng.sample(ORDERABLE, rng.randint(1, 2))]
    return ", ".join([*terms, f"name {rng.choice(['asc', 'desc'])}"])


def rule_or(user: str) -> list[list[Any]] | None:
    rule = certificate_request_conditions(user)
    return None if rule is None else rule["or_filters"]


class Statements:
    """The SQL the site's engine runs while the block is open."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.seen.append(statement)


@pytest.mark.parametrize("user", ["Administrator", EVALUATORS[0], LEARNERS[0], BOTH])
def test_union_plan_matches_the_plain_or(requests: None, user: str) -> None:
    rng = random.Random(hash(user) % 1000)
    statements = Statements()
    engine = smooth.local.site.engine
    event.listen(engine, "before_cursor_execute", statements)
    try:
        for _ in range(40):
            filters, order = random_filters(rng), random_order(rng)
            start, length = rng.choice([0, 0, 3, 20]), rng.choice([1, 5, 20, 0])
            smooth.set_user(user)
            got = smooth.get_list(DOCTYPE, fields=FIELDS, filters=filters, order_by=order, limit_start=start,
                                  limit_page_length=length)
            counted = smooth.db.count(DOCTYPE, filters, extra_or_filters=_rule_filters(user))
            capped = smooth.db.count(DOCTYPE, filters, extra_or_filters=_rule_filters(user), at_most=7)
            grouped = smooth.get_list(DOCTYPE, fields=["status", "count(*) as count"], filters=filters,
                                      group_by="status", order_by="status asc")
            smooth.set_user("Administrator")
            plain = dict(filters=filters, or_filters=rule_or(user))
            want = smooth.get_all(DOCTYPE, fields=FIELDS, order_by=order, limit_start=start,
                                  limit_page_length=length, **plain)
            want_count = smooth.db.count(DOCTYPE, filters, or_filters=rule_or(user))
            want_grouped = smooth.get_all(DOCTYPE, fields=["status", "count(*) as count"], group_by="status",
                                          order_by="status asc", **plain)
            case = f"{user}: filters {filters}, order {order}, start {start}, length {length}"
            assert got == want, case
            assert (counted, capped, grouped) == (want_count, min(want_count, 7), want_grouped), case
    finally:
        event.remove(engine, "before_cursor_execute", statements)
    unions = [s for s in statements.seen if "UNION ALL" in s]
    if user in ("Administrator",):
        assert not unions
    else:
        assert len(unions) >= 40 * 3, "the rule's OR was not read as a union of indexed branches"


def _rule_filters(user: str) -> list[Any]:
    """The rule normalised, as the permission layer hands it to the database."""
    rule = rule_or(user)
    return normalize(smooth.get_meta(DOCTYPE), rule) if rule else []


def test_a_large_total_is_estimated_and_the_page_says_so(requests: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `list_count_exact_up_to` MariaDB's estimate is shown, marked as one; SQLite has none and counts on.
    Below the threshold a total is exact on both."""
    monkeypatch.setitem(smooth.local.site.config, "list_count_exact_up_to", 50)
    if smooth.db.db_type == "mariadb":
        smooth.db.sql(f"ANALYZE TABLE `tab{DOCTYPE}`")
    few = [["evaluator", "=", EVALUATORS[0]], ["status", "=", "Pending"]]
    assert user_queries.list_count(DOCTYPE, few) == ListCount(smooth.db.count(DOCTYPE, few))
    total = user_queries.list_count(DOCTYPE, [])
    if smooth.db.db_type == "mariadb":
        assert total.estimated and 50 < total.number < 4 * ROWS, total
    else:
        assert total == ListCount(ROWS)
    state = ListState()
    shown = render_template("desk/_paging_count.html", {"page": page_info(state, total.number, 20,
                                                                          estimated=total.estimated)})
    assert ("(estimated count)" in shown) == total.estimated
    assert f"about {total.number:,}" in shown if total.estimated else f"of {ROWS}" in shown


def test_counts_are_kept_until_the_table_changes(requests: None) -> None:
    """A total and the group-by counts are computed once per filter set; a committed write to the doctype
    drops them (the next read counts again), a write to another table does not."""
    filters = [["status", "=", "Pending"]]
    statements = Statements()
    engine = smooth.local.site.engine
    event.listen(engine, "before_cursor_execute", statements)
    try:
        first = (user_queries.list_count(DOCTYPE, filters), user_queries.group_counts(DOCTYPE, "course", filters))
        asked = len(statements.seen)
        assert (user_queries.list_count(DOCTYPE, filters),
                user_queries.group_counts(DOCTYPE, "course", filters)) == first
        assert len(statements.seen) == asked, "the second reading asked the database again"
        make_user("another@il.example")  # commits a write to User, not to the requests
        asked = len(statements.seen)
        user_queries.list_count(DOCTYPE, filters)
        assert len(statements.seen) == asked
        for name in smooth.get_all(DOCTYPE, filters={"status": "Completed"}, pluck="name", limit=2):
            smooth.db.set_value(DOCTYPE, name, "status", "Pending")
        smooth.db.commit()
    finally:
        event.remove(engine, "before_cursor_execute", statements)
    want = smooth.db.count(DOCTYPE, filters)
    assert want == first[0].number + 2
    assert user_queries.list_count(DOCTYPE, filters) == ListCount(want)
    assert sum(n for _, n in user_queries.group_counts(DOCTYPE, "course", filters)) == want


def test_a_write_in_another_process_drops_the_counts_through_redis(requests: None,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With `redis_url` the change number is shared: another process's commit (its INCR) is seen at once."""
    url = os.environ.get("SMOOTH_TEST_REDIS_URL")
    if not url:
        pytest.fail("SMOOTH_TEST_REDIS_URL is not set")
    monkeypatch.setitem(smooth.local.site.config, "redis_url", url)
    filters = [["status", "=", "Completed"]]
    statements = Statements()
    engine = smooth.local.site.engine
    event.listen(engine, "before_cursor_execute", statements)
    try:
        user_queries.list_count(DOCTYPE, filters)
        asked = len(statements.seen)
        user_queries.list_count(DOCTYPE, filters)
        assert len(statements.seen) == asked
        redis.Redis.from_url(url).incr(f"smooth:{smooth.local.site.name}:table_version:tab{DOCTYPE}")
        user_queries.list_count(DOCTYPE, filters)
        assert len(statements.seen) > asked, "a change number moved in Redis did not drop the cached count"
    finally:
        event.remove(engine, "before_cursor_execute", statements)
