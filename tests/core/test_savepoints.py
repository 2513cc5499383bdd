"""Only the entry point commits: a nested unit is refused, a savepoint isolates a step (both backends)."""

from __future__ import annotations

import re
import runpy
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from starlette.testclient import TestClient

import smooth
from smooth.asgi import create_app
from smooth.context import db, local, unit_of_work
from smooth.exceptions import NestedUnitOfWorkError
from smooth.model.database_api import DocumentDatabase
from tests.conftest import SiteHandle


@smooth.whitelist(allow_guest=True, methods=["POST"])
def write_then_refuse(title: str, nested: str) -> None:
    """App-style code: a step in a nested unit (as apps wrote it) or a savepoint, then a refusal."""
    smooth.get_doc({"doctype": "Test Note", "title": f"{title}-before"}).insert(ignore_permissions=True)
    step = smooth.unit_of_work() if nested == "unit" else smooth.savepoint()
    with step:
        smooth.get_doc({"doctype": "Test Note", "title": f"{title}-nested"}).insert(ignore_permissions=True)
    smooth.throw("Refused after the nested step")


def _committed(site: SiteHandle, prefix: str) -> int:
    """Test Notes titled `prefix...` as a fresh connection (its own engine) sees them."""
    with site.context():
        url = local().site.engine.url
        table = local().site.table("Test Note")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)
                                    .where(table.c.title.like(f"{prefix}%"))).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture
def client(site: SiteHandle) -> Iterator[TestClient]:
    with TestClient(create_app(site.sites_path, site.name), raise_server_exceptions=False) as http:
        yield http


@pytest.mark.parametrize("nested", ["unit", "savepoint"])
def test_a_request_that_fails_after_a_nested_step_commits_nothing(site: SiteHandle, client: TestClient,
                                                                  nested: str) -> None:
    response = client.post(f"/api/method/{__name__}.write_then_refuse", data={"title": f"plant-{nested}",
                                                                               "nested": nested})
    assert response.status_code == (500 if nested == "unit" else 417), response.text
    if nested == "unit":
        assert "smooth.savepoint()" in response.text
    assert _committed(site, f"plant-{nested}") == 0, "the request's refusal rolled back everything it wrote"


def test_a_unit_opened_inside_another_is_refused_with_a_hint(site: SiteHandle) -> None:
    with site.context():
        with pytest.raises(NestedUnitOfWorkError, match=r"smooth\.savepoint\(\)"):
            with unit_of_work():
                smooth.get_doc({"doctype": "Test Note", "title": "nest-outer"}).insert()
                with unit_of_work(commit=False):
                    pass
        with unit_of_work(), unit_of_work(site.name, sites_path=site.sites_path):
            smooth.get_doc({"doctype": "Test Note", "title": "nest-own-site"}).insert()  # a fresh context: allowed
    assert _committed(site, "nest-outer") == 0
    assert _committed(site, "nest-own-site") == 1


def test_a_savepoint_undoes_its_own_step_and_its_after_commit_callbacks_only(site: SiteHandle) -> None:
    ran: list[str] = []
    undone: list[str] = []
    with site.context():
        with unit_of_work():
            smooth.get_doc({"doctype": "Test Note", "title": "sp-outer"}).insert()
            smooth.db.after_commit.add(ran.append, "outer")
            with pytest.raises(smooth.ValidationError):
                with smooth.savepoint():
                    smooth.get_doc({"doctype": "Test Note", "title": "sp-refused"}).insert()
                    smooth.db.after_commit.add(ran.append, "refused")
                    smooth.db.after_rollback.add(undone.append, "refused")
                    smooth.throw("no")
            assert undone == ["refused"], "the refused step's rollback callbacks run when it is undone"
            with smooth.savepoint():
                smooth.get_doc({"doctype": "Test Note", "title": "sp-kept"}).insert()
                smooth.db.after_commit.add(ran.append, "kept")
                with pytest.raises(smooth.ValidationError), smooth.savepoint():
                    smooth.get_doc({"doctype": "Test Note", "title": "sp-inner"}).insert()
                    smooth.throw("inner")
            assert ran == [], "a released savepoint commits nothing: only the unit does"
            assert _committed(site, "sp-") == 0
        assert ran == ["outer", "kept"]
    assert _committed(site, "sp-outer") == _committed(site, "sp-kept") == 1
    assert _committed(site, "sp-refused") == _committed(site, "sp-inner") == 0


def test_after_rollback_callbacks_record_in_a_unit_of_their_own(site: SiteHandle) -> None:
    """What a refused unit wants remembered (Frappe's after_rollback) is committed after its rollback."""
    def remember() -> None:
        smooth.get_doc({"doctype": "Test Note", "title": "rb-remembered"}).insert()

    with site.context():
        with pytest.raises(smooth.ValidationError), unit_of_work():
            smooth.get_doc({"doctype": "Test Note", "title": "rb-refused"}).insert()
            smooth.db.after_rollback.add(remember)
            smooth.throw("refused")
    assert _committed(site, "rb-refused") == 0
    assert _committed(site, "rb-remembered") == 1


def test_apps_never_commit_or_open_a_unit_of_work() -> None:
    """The door is the framework's: app code isolates a step with smooth.savepoint(). The one exception is an
    app's own bench command (hooks.py `commands`), an entry point: its package opens a unit per step it keeps,
    and never commits by hand."""
    root = Path(__file__).resolve().parents[2]
    hooks = runpy.run_path(str(root / "hooks.py"))
    entry_points = {root.joinpath(*dotted.split(".")[:-2]) for dotted in hooks.get("commands", [])}
    found = [f"{path.relative_to(root)}:{number}" for app in ("smooth_lms", "smooth_hr")
             for path in sorted((root / app).rglob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), start=1)
             if re.search(r"\.commit\(\)", line) or (re.search(r"\bunit_of_work\(", line)
                                                      and not any(p in path.parents for p in entry_points))]
    assert found == []
    assert entry_points == {root / "smooth_lms" / "frappe_migration"}  # the exception stays named


def test_smooth_db_is_the_units_one_database_object(site: SiteHandle) -> None:
    with site.context():
        outer = db()
        assert type(outer) is DocumentDatabase and smooth.db.get_value.__self__ is outer
        with unit_of_work(site.name, sites_path=site.sites_path):
            assert smooth.db.get_value.__self__ is db() is not outer, "each context has its own"
        assert smooth.db.get_value("User", "Administrator", "enabled") == 1


def test_smooth_db_answers_frappes_get_values_and_sql(site: SiteHandle) -> None:
    with site.context(), unit_of_work(commit=False):
        for title in ("sql-a", "sql-b"):
            smooth.get_doc({"doctype": "Test Note", "title": title}).insert()
        assert smooth.db.get_values("Test Note", {"title": ["like", "sql-%"]}, "title", order_by="title asc") == [
            ("sql-a",), ("sql-b",)]
        rows = smooth.db.sql("select title from `tabTest Note` where title = %(title)s", {"title": "sql-b"},
                             as_dict=True)
        assert rows == [{"title": "sql-b"}]
        assert smooth.db.sql("select count(*) from `tabTest Note` where title in (%s, %s)", ["sql-a", "x"]) == [(1,)]
        assert smooth.db.sql("update `tabTest Note` set title = :new where title = :old",
                             {"new": "sql-c", "old": "sql-a"}) == []
        assert smooth.db.exists("Test Note", {"title": "sql-c"})
