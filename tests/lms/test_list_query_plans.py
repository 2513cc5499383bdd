"""The desk list's queries read through indexes: no full table scan on a table large enough to matter.

Every shipped doctype's default list view (as `/app/<slug>` with no query string asks for it: the rows,
the total and the group-by sidebar counts) is run as Administrator, and the certificate requests' also
as an evaluator and a learner (whose record rule is `member = me OR evaluator = me`, read as a UNION ALL
of one indexed branch per condition); each SELECT is EXPLAINed. LMS Certificate Request holds 20,000
rows over two years (statistics refreshed), enough for the optimizer to prefer an index where one
serves; a table of fewer than MIN_ROWS rows is not judged, as a scan of a handful of rows is what the
optimizer should choose. MariaDB's EXPLAIN must show no access of type ALL on a judged table; SQLite's
EXPLAIN QUERY PLAN no plain `SCAN` of it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, insert

import smooth
from smooth.pages.desk import list_query, listview
from smooth.pages.desk.access import slug
from tests.conftest import make_user
from tests.lms.conftest import SiteHandle

pytestmark = pytest.mark.both_backends

DOCTYPE = "LMS Certificate Request"
ROWS = 20_000
MIN_ROWS = 1_000
EVALUATOR, LEARNER = "eva@plans.example", "ann@plans.example"


@pytest.fixture
def loaded(lms: SiteHandle) -> Iterator[None]:
    make_user(EVALUATOR, "Batch Evaluator")
    make_user(LEARNER, "LMS Student")
    rng = random.Random(3)
    today = smooth.today()
    rows = []
    for i in range(ROWS):
        day = today + dt.timedelta(days=rng.randint(-700, 30))
        start = dt.datetime.combine(day, dt.time(8 + rng.randint(0, 9)))
        rows.append({"name": f"PLAN-{i:06d}", "owner": "Administrator", "creation": start, "modified": start,
                     "modified_by": "Administrator", "docstatus": 0, "idx": 0, "course": f"C-{i % 7}",
                     "member": LEARNER if i % 500 == 0 else f"learner{i % 3000}@plans.example",
                     "evaluator": EVALUATOR if i % 100 == 0 else f"eva{i % 150}@plans.example", "date": day,
                     "start_utc": start, "status": "Pending" if day >= today else "Completed"})
    table = smooth.db.table(DOCTYPE)
    for start in range(0, ROWS, 5000):
        smooth.db.execute(insert(table), rows[start:start + 5000], write=True)
    smooth.db.commit()
    smooth.db.sql(f"ANALYZE TABLE `{table.name}`" if smooth.db.db_type == "mariadb" else "ANALYZE")
    smooth.db.commit()
    yield


def default_list_queries(doctype: str) -> list[tuple[str, Any]]:
    """The SELECTs (statement, parameters) the default list view of `doctype` runs: rows, total, sidebar."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH", "(")):
            seen.append((statement, parameters))

    ctx = listview.list_context(slug(doctype))
    state = list_query.parse_state(ctx, [])
    engine = smooth.local.site.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        list_query.fetch(ctx, state, listview.fetch_fields(ctx, listview.list_columns(ctx)))
        listview.counted(ctx, state)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def full_scans(statement: str, parameters: Any, judged: set[str]) -> list[str]:
    """The judged tables a statement reads whole, by the database's own plan."""
    conn = smooth.db.connection()
    if smooth.db.db_type == "mariadb":
        plan = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).mappings().all()
        return [f"{row['table']}: {dict(row)}" for row in plan if row["type"] == "ALL" and row["table"] in judged]
    plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return [row[-1] for row in plan if any(str(row[-1]) in (f"SCAN {t}", f'SCAN "{t}"') for t in judged)]


def large_tables() -> set[str]:
    site = smooth.local.site
    out = set()
    for meta in site.registry:
        if meta.app == "smooth_apps" and not meta.issingle and not meta.istable:
            if smooth.db.count(meta.name, at_most=MIN_ROWS) >= MIN_ROWS:
                out.add(site.table(meta.name).name)
    return out


def test_default_list_views_use_indexes(loaded: None) -> None:
    judged = large_tables()
    assert judged == {f"tab{DOCTYPE}"}
    site = smooth.local.site
    cases = [(meta.name, "Administrator") for meta in site.registry
             if meta.app == "smooth_apps" and not meta.issingle and not meta.istable]
    cases += [(DOCTYPE, EVALUATOR), (DOCTYPE, LEARNER)]
    problems: list[str] = []
    explained = 0
    for doctype, user in cases:
        smooth.set_user(user)
        try:
            queries = default_list_queries(doctype)
        finally:
            smooth.set_user("Administrator")
        if user == EVALUATOR:
            assert_union(queries)
        for statement, parameters in queries:
            if not any(t in statement for t in judged):
                continue
            explained += 1
            problems += [f"{doctype} as {user}: {scan}\n  {statement}" for scan in
                         full_scans(statement, parameters, judged)]
    # each view: its rows, its total and its sidebar (the facets the filters leave alone, counted together)
    assert explained >= 3 * 3, "the certificate request list views ran fewer queries than their rows and counts"
    assert not problems, "\n".join(problems)


def assert_union(queries: list[tuple[str, Any]]) -> None:
    """The evaluator's queries read a UNION ALL of the rule's two branches, each through an index of its own."""
    own = [(statement, parameters) for statement, parameters in queries if f"tab{DOCTYPE}" in statement]
    assert own and all("UNION ALL" in statement for statement, _ in own), own
    if smooth.db.db_type == "mariadb":
        statement, parameters = own[0]
        plan = smooth.db.connection().exec_driver_sql(f"EXPLAIN {statement}", parameters).mappings().all()
        keys = {row["key"] for row in plan if row["table"] == f"tab{DOCTYPE}"}
        assert None not in keys and len(keys) >= 2, plan
