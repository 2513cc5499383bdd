"""Concurrent writers: optimistic locking (no lost update), series numbers and duplicate keys under races.

The threaded tests give every thread its own context and connection, line them up on a
barrier and let them write at the same moment, on both backends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

import smooth

THREAD_TIMEOUT = 60


def run_together(site: Any, count: int, work: Callable[[int, threading.Barrier], Any]) -> list[tuple[str, Any]]:
    """Run `work(i, barrier)` in `count` threads, each inside its own site context.

    Returns ("ok", result) or ("error", exception) per thread; a thread that commits does so itself.
    """
    barrier = threading.Barrier(count, timeout=THREAD_TIMEOUT)
    results: list[tuple[str, Any]] = [("missing", None)] * count

    def target(i: int) -> None:
        with site.context():
            try:
                results[i] = ("ok", work(i, barrier))
            except Exception as exc:
                smooth.db.rollback()
                results[i] = ("error", exc)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread did not finish in time"
    return results


def errors(results: list[tuple[str, Any]]) -> list[Exception]:
    return [value for status, value in results if status == "error"]


# -- optimistic concurrency -----------------------------------------------------------------------


def test_saving_a_stale_copy_raises_timestamp_mismatch(ctx):
    name = smooth.get_doc({"doctype": "Test Note", "title": "original"}).insert().name
    first = smooth.get_doc("Test Note", name)
    second = smooth.get_doc("Test Note", name)
    first.title = "first save"
    first.save()
    second.title = "second save"
    with pytest.raises(smooth.TimestampMismatchError, match="has been modified after you opened it") as info:
        second.save()
    assert isinstance(info.value, smooth.ValidationError)
    assert info.value.http_status_code == 417
    assert smooth.db.get_value("Test Note", name, "title") == "first save"


def test_stale_copy_of_a_child_table_does_not_overwrite_rows(ctx):
    name = smooth.get_doc({"doctype": "Test Note", "title": "t", "tags": [{"tag": "a"}]}).insert().name
    first = smooth.get_doc("Test Note", name)
    second = smooth.get_doc("Test Note", name)
    first.append("tags", {"tag": "b"})
    first.save()
    second.tags = []
    with pytest.raises(smooth.TimestampMismatchError):
        second.save()
    assert smooth.db.count("Test Note Tag", {"parent": name}) == 2


def test_stale_copy_after_db_set_elsewhere_is_refused(ctx):
    name = smooth.get_doc({"doctype": "Test Note", "title": "t"}).insert().name
    copy = smooth.get_doc("Test Note", name)
    smooth.get_doc("Test Note", name).db_set("priority", 4)
    copy.title = "stale"
    with pytest.raises(smooth.TimestampMismatchError):
        copy.save()


def test_saving_a_copy_of_a_deleted_record_says_so(ctx):
    name = smooth.get_doc({"doctype": "Test Note", "title": "t"}).insert().name
    copy = smooth.get_doc("Test Note", name)
    smooth.delete_doc("Test Note", name)
    copy.title = "too late"
    with pytest.raises(smooth.DoesNotExistError, match="no longer exists"):
        copy.save()


def test_two_threads_saving_copies_at_once_lose_no_update(site):
    with site.context():
        name = smooth.get_doc({"doctype": "Test Note", "title": "original"}).insert().name
        smooth.db.commit()

    def save_copy(i: int, barrier: threading.Barrier) -> str:
        doc = smooth.get_doc("Test Note", name)
        smooth.db.rollback()  # the copy is held, like a form open in a browser; no transaction stays open
        barrier.wait()
        doc.title = f"saved by thread {i}"
        doc.save()
        smooth.db.commit()
        return doc.title

    results = run_together(site, 2, save_copy)
    wins = [value for status, value in results if status == "ok"]
    failures = errors(results)
    assert len(wins) == 1, results
    assert len(failures) == 1 and isinstance(failures[0], smooth.TimestampMismatchError), results
    with site.context():
        assert smooth.db.get_value("Test Note", name, "title") == wins[0]


# -- series numbers -------------------------------------------------------------------------------


def insert_submittable(i: int, barrier: threading.Barrier) -> str:
    barrier.wait()
    doc = smooth.get_doc({"doctype": "Test Submittable", "title": f"thread {i}"}).insert()
    smooth.db.commit()
    return doc.name


def test_ten_threads_inserting_at_once_get_ten_consecutive_numbers(site):
    results = run_together(site, 10, insert_submittable)
    assert errors(results) == []
    year = smooth.now_datetime().year
    assert sorted(value for _, value in results) == [f"TS-{year:04d}-{n:04d}" for n in range(1, 11)]
    with site.context():
        assert smooth.db.count("Test Submittable") == 10


def test_ten_threads_continue_an_existing_series(site):
    with site.context():
        smooth.get_doc({"doctype": "Test Submittable", "title": "first"}).insert()
        smooth.db.commit()

    results = run_together(site, 10, insert_submittable)
    assert errors(results) == []
    year = smooth.now_datetime().year
    assert sorted(value for _, value in results) == [f"TS-{year:04d}-{n:04d}" for n in range(2, 12)]


def test_ten_threads_starting_a_new_series_at_once_draw_distinct_numbers(site):
    """The first use of a prefix, by many writers at the same instant (no Series row exists yet)."""
    from smooth.model.naming import next_series_value

    def draw(i: int, barrier: threading.Barrier) -> int:
        barrier.wait()
        value = next_series_value("RACE-")
        smooth.db.commit()
        return value

    for _round in range(3):
        with site.context():
            series = smooth.local.site.table("Series")
            smooth.db.execute(series.delete().where(series.c.name == "RACE-"), write=True)
            smooth.db.commit()
        results = run_together(site, 10, draw)
        assert errors(results) == []
        assert sorted(value for _, value in results) == list(range(1, 11))


# -- duplicate keys under a race ------------------------------------------------------------------


def first_holds_its_insert_open(make_doc: Callable[[int], Any]) -> Callable[[int, threading.Barrier], Any]:
    """Thread 0 inserts and keeps its transaction open a moment; thread 1 inserts the same key meanwhile.

    On MariaDB thread 1 passes every check made before the INSERT (thread 0's row is not committed
    yet) and only the unique index stops it; SQLite lets thread 1 start once thread 0 committed.
    """
    inserted = threading.Event()

    def work(i: int, barrier: threading.Barrier) -> Any:
        if i == 0:
            doc = make_doc(i).insert()
            inserted.set()
            threading.Event().wait(0.5)
        else:
            assert inserted.wait(THREAD_TIMEOUT)
            doc = make_doc(i).insert()
        smooth.db.commit()
        return doc.name, doc.title

    return work


def test_racing_inserts_of_the_same_name_give_one_duplicate_entry_error(site):
    work = first_holds_its_insert_open(
        lambda i: smooth.get_doc({"doctype": "Test Prompt", "name": "contested", "title": f"thread {i}"}))
    results = run_together(site, 2, work)
    assert results[0] == ("ok", ("contested", "thread 0")), results
    assert results[1][0] == "error" and isinstance(results[1][1], smooth.DuplicateEntryError), results
    assert "Test Prompt contested already exists" in str(results[1][1])
    with site.context():
        assert smooth.db.get_value("Test Prompt", "contested", "title") == "thread 0"


def test_racing_inserts_of_the_same_unique_value_give_one_unique_error(site):
    work = first_holds_its_insert_open(
        lambda i: smooth.get_doc({"doctype": "Test Ticket", "title": f"thread {i}", "code": "T-1"}))
    results = run_together(site, 2, work)
    assert results[0][0] == "ok", results
    assert results[1][0] == "error" and isinstance(results[1][1], smooth.UniqueValidationError), results
    assert "Ticket Code 'T-1' is already used" in str(results[1][1])
    with site.context():
        assert smooth.db.get_all("Test Ticket", filters={"code": "T-1"}, pluck="title") == ["thread 0"]
