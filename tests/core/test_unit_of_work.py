"""The one door every entry point uses: bind, set the user, commit or roll back, after-commit, restore."""

from __future__ import annotations

import pytest

import smooth
from smooth.context import is_initialized, local, session_user, unit_of_work
from tests.conftest import SiteHandle


def _count(title: str) -> int:
    return smooth.db.count("Test Note", {"title": title})


def test_a_unit_on_a_site_commits_and_runs_after_commit_callbacks(site: SiteHandle) -> None:
    ran: list[str] = []
    with unit_of_work(site.name, sites_path=site.sites_path, user="Administrator") as bound:
        assert bound.site.name == site.name and session_user() == "Administrator"
        smooth.get_doc({"doctype": "Test Note", "title": "door-commit"}).insert()
        smooth.db.after_commit.add(ran.append, "after")
        assert ran == []
    assert ran == ["after"]
    assert not is_initialized(), "the unit restores the thread's previous (empty) context"
    with site.context():
        assert _count("door-commit") == 1


def test_an_error_rolls_everything_back_and_drops_after_commit_callbacks(site: SiteHandle) -> None:
    ran: list[str] = []
    with pytest.raises(RuntimeError, match="boom"):
        with unit_of_work(site.name, sites_path=site.sites_path):
            smooth.get_doc({"doctype": "Test Note", "title": "door-rollback"}).insert()
            smooth.db.after_commit.add(ran.append, "after")
            raise RuntimeError("boom")
    assert ran == []
    with site.context():
        assert _count("door-rollback") == 0


def test_commit_false_rolls_back_a_successful_unit(site: SiteHandle) -> None:
    with unit_of_work(site.name, sites_path=site.sites_path, commit=False):
        smooth.get_doc({"doctype": "Test Note", "title": "door-readonly"}).insert()
    with site.context():
        assert _count("door-readonly") == 0


def test_a_unit_inside_a_bound_site_is_a_transaction_that_restores_the_user(site: SiteHandle) -> None:
    with site.context(user="Administrator"):
        with unit_of_work(user="Guest"):
            assert session_user() == "Guest"
        assert session_user() == "Administrator"
        local().roles["someone"] = ["Stale"]
        with unit_of_work():
            pass
        assert "someone" not in local().roles, "per-unit state (cached roles) is cleared"


def test_a_unit_on_another_site_restores_the_outer_binding(site: SiteHandle) -> None:
    with site.context(user="Guest") as outer:
        with unit_of_work(site.name, sites_path=site.sites_path, user="Administrator") as inner:
            assert inner is not outer and session_user() == "Administrator"
        assert local() is outer and session_user() == "Guest"
