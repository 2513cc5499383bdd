"""Units of work: all-or-nothing writes, and after_commit callbacks that run only after a real commit."""

from __future__ import annotations

import pytest

import smooth


def hooked(**values):  # type: ignore[no-untyped-def]
    return smooth.get_doc({"doctype": "Test Hooked", "title": "tx", **values})


def seen_from_another_connection(site, doctype: str, name: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether a fresh read-only context (its own connection) sees the record, i.e. whether it was committed."""
    with smooth.site_context(site.name, site.sites_path, write_intent=False):
        return bool(smooth.db.exists(doctype, name))


def test_exception_in_after_insert_rolls_back_the_unit_of_work(ctx):
    ran: list[str] = []
    doc = hooked(fail_in="after_insert")
    with pytest.raises(smooth.ValidationError, match="failing in after_insert"):
        with smooth.unit_of_work():
            smooth.db.after_commit.add(ran.append, "committed")
            doc.insert()
    assert doc.name
    assert not seen_from_another_connection(ctx, "Test Hooked", doc.name)
    assert not smooth.db.exists("Test Hooked", doc.name)
    assert ran == []
    assert len(smooth.db.after_commit) == 0


def test_a_failed_unit_of_work_undoes_every_write_in_it(ctx):
    with pytest.raises(RuntimeError, match="boom"):
        with smooth.unit_of_work():
            smooth.get_doc({"doctype": "Test Category", "category_name": "Undone"}).insert()
            smooth.get_doc({"doctype": "Test Note", "title": "also undone"}).insert()
            raise RuntimeError("boom")
    assert smooth.db.count("Test Category") == 0
    assert smooth.db.count("Test Note") == 0
    assert smooth.db.count("Version") == 0
    series = smooth.local.site.table("Series")
    assert smooth.db.execute(series.select()).first() is None


def test_successful_unit_of_work_runs_after_commit_once_after_the_commit(ctx):
    seen: list[bool] = []
    with smooth.unit_of_work():
        doc = hooked().insert()
        smooth.db.after_commit.add(lambda: seen.append(seen_from_another_connection(ctx, "Test Hooked", doc.name)))
        assert seen == []
    assert seen == [True]
    smooth.db.commit()  # a later commit must not run the callback again
    assert seen == [True]


def test_after_commit_callbacks_get_their_arguments_in_order(ctx):
    calls: list[tuple] = []
    with smooth.unit_of_work():
        smooth.db.after_commit.add(lambda *a, **k: calls.append((a, k)), 1, 2, key="v")
        smooth.db.after_commit.add(lambda: calls.append(("second",)))
    assert calls == [((1, 2), {"key": "v"}), ("second",)]


def test_rollback_discards_pending_after_commit_callbacks(ctx):
    ran: list[int] = []
    smooth.db.after_commit.add(ran.append, 1)
    smooth.db.rollback()
    smooth.db.commit()
    assert ran == []


def test_nothing_commits_without_a_commit(ctx):
    doc = hooked().insert()
    assert smooth.db.exists("Test Hooked", doc.name)
    assert not seen_from_another_connection(ctx, "Test Hooked", doc.name)
    smooth.db.commit()
    assert seen_from_another_connection(ctx, "Test Hooked", doc.name)


def test_unit_of_work_runs_as_the_given_user_and_restores_the_previous_one(ctx):
    with smooth.unit_of_work(user="Guest"):
        assert smooth.session.user == "Guest"
    assert smooth.session.user == "Administrator"


def test_failed_insert_inside_a_unit_of_work_does_not_consume_the_series(ctx):
    with pytest.raises(smooth.ValidationError):
        with smooth.unit_of_work():
            smooth.get_doc({"doctype": "Test Submittable", "title": "a"}).insert()
            raise smooth.ValidationError("abandon")
    with smooth.unit_of_work():
        name = smooth.get_doc({"doctype": "Test Submittable", "title": "b"}).insert().name
    assert name.endswith("-0001")
