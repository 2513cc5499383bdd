"""`smooth.enqueue`: after commit only, exactly once, in-process or through RQ workers."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

import smooth
from smooth.asgi import create_app
from tests.conftest import SiteHandle
from tests.jobs.conftest import bench, categories, error_logs, queue, retries_due_now, runs, start_bench


def test_inline_a_committed_job_runs_once_after_commit_as_the_enqueuing_user(inline_site: SiteHandle) -> None:
    with inline_site.context():
        with smooth.unit_of_work(user="Administrator"):
            smooth.enqueue("smooth_tests.jobs.record", label="inline-a")
            assert runs(inline_site) == []  # not before the commit
        assert runs(inline_site) == ["inline-a"]
    assert categories(inline_site) == ["inline-a"]


def test_inline_a_rolled_back_job_never_runs(inline_site: SiteHandle) -> None:
    with inline_site.context():
        with pytest.raises(smooth.ValidationError), smooth.unit_of_work():
            smooth.enqueue("smooth_tests.jobs.record", label="never")
            raise smooth.ValidationError("the request failed")
        smooth.db.commit()
    assert runs(inline_site) == []
    assert categories(inline_site) == []


def test_inline_a_failing_job_is_logged_not_raised_into_the_request(inline_site: SiteHandle) -> None:
    with inline_site.context():
        with smooth.unit_of_work():
            smooth.get_doc({"doctype": "Test Category", "category_name": "the-request"}).insert()
            smooth.enqueue("smooth_tests.jobs.fail", label="inline-fail")
    assert categories(inline_site) == ["the-request"]  # the job's own insert was rolled back
    (log,) = error_logs(inline_site)
    assert log["method"] == "smooth_tests.jobs.fail"
    assert "job inline-fail failed on purpose" in log["error"]


def test_inline_a_deferred_job_runs_when_its_scope_runs_it_and_a_failure_is_kept(inline_site: SiteHandle) -> None:
    with inline_site.context():
        with smooth.deferred_jobs() as jobs:
            with smooth.unit_of_work():
                smooth.enqueue("smooth_tests.jobs.record", label="later")
                smooth.enqueue("smooth_tests.jobs.fail", label="later-fail")
            assert runs(inline_site) == []  # committed, held back until the answer is out
        assert jobs.run() == 2
    assert runs(inline_site) == ["later", "later-fail"]
    assert categories(inline_site) == ["later"]
    (log,) = error_logs(inline_site)
    assert "job later-fail failed on purpose" in log["error"]


@pytest.mark.parametrize("test_site", ["sqlite"], indirect=True)
def test_inline_a_request_s_job_runs_after_its_response_is_sent(inline_site: SiteHandle) -> None:
    """Raw ASGI, so the test sees the moment the last body chunk leaves; SQLite only (no dialect at stake)."""
    app = create_app(inline_site.sites_path, inline_site.name)
    seen_at_send: list[list[str]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b'{"label": "after-response"}', "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body"):
            seen_at_send.append(runs(inline_site))

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/method/smooth_tests.jobs.enqueue_record", "raw_path": b"", "query_string": b"",
             "root_path": "", "headers": [(b"host", b"localhost"), (b"content-type", b"application/json")],
             "client": ("127.0.0.1", 1), "server": ("localhost", 80)}
    # a loop of its own in a thread of its own: where a browser test ran before on this worker, its Playwright (sync
    # API, kept for the session) leaves this thread marked as running an event loop, and asyncio.run refuses
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    assert seen_at_send == [[]]  # the answer left before the job ran
    assert runs(inline_site) == ["after-response"]


def test_rq_a_rolled_back_enqueue_never_reaches_the_queue(queued_site: SiteHandle) -> None:
    with queued_site.context():
        with pytest.raises(smooth.ValidationError), smooth.unit_of_work():
            smooth.enqueue("smooth_tests.jobs.record", label="never")
            raise smooth.ValidationError("rolled back")
    assert queue().count == 0


@pytest.mark.processes
def test_rq_a_committed_job_runs_exactly_once_in_a_worker_process(queued_site: SiteHandle) -> None:
    with queued_site.context(), smooth.unit_of_work():
        smooth.enqueue("smooth_tests.jobs.record", label="rq-a")
        smooth.enqueue("smooth_tests.jobs.record", queue="short", label="rq-short")
    assert queue().count == 1 and queue("short").count == 1
    assert runs(queued_site) == []
    result = bench(queued_site, "worker", "--burst")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(runs(queued_site)) == ["rq-a", "rq-short"]
    assert categories(queued_site) == ["rq-a", "rq-short"]
    bench(queued_site, "worker", "--burst")
    assert sorted(runs(queued_site)) == ["rq-a", "rq-short"]


@pytest.mark.processes
def test_rq_a_job_id_with_deduplicate_queues_one_job(queued_site: SiteHandle) -> None:
    with queued_site.context(), smooth.unit_of_work():
        for _ in range(3):
            smooth.enqueue("smooth_tests.jobs.record", job_id="nightly", deduplicate=True, label="dedup")
    assert queue().count == 1
    bench(queued_site, "worker", "--burst")
    assert runs(queued_site) == ["dedup"]


@pytest.mark.processes
def test_rq_a_failed_job_is_kept_with_its_traceback_and_retried_per_its_policy(queued_site: SiteHandle) -> None:
    with queued_site.context(), smooth.unit_of_work():
        smooth.enqueue("smooth_tests.jobs.fail", label="rq-fail")
        smooth.enqueue("smooth_tests.jobs.fail_once", retry=1, label="flaky")
    bench(queued_site, "worker", "--burst")
    assert FailedJobRegistry(queue=queue()).count == 1
    methods = [log["method"] for log in error_logs(queued_site)]
    assert sorted(methods) == ["smooth_tests.jobs.fail", "smooth_tests.jobs.fail_once"]
    retries_due_now()  # the retry is scheduled 10 s later; the worker's scheduler moves it back to the queue
    bench(queued_site, "worker", "--burst")
    assert runs(queued_site).count("flaky") == 2
    assert categories(queued_site) == ["flaky"]


@pytest.mark.processes
def test_rq_a_job_whose_worker_is_killed_is_found_abandoned_and_retried(queued_site: SiteHandle) -> None:
    with queued_site.context(), smooth.unit_of_work():
        smooth.enqueue("smooth_tests.jobs.sleep_then_record", retry=1, timeout=30, label="killed", seconds=20)
    worker = start_bench(queued_site, "worker")
    try:
        deadline = time.monotonic() + 60
        while "killed-started" not in runs(queued_site):
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.2)
    finally:
        for pid in [*_children(worker.pid), worker.pid]:  # the work horse and the worker, no warning
            _kill(pid)
        worker.wait(timeout=10)
    started = StartedJobRegistry(queue=queue())
    assert started.count == 1  # the dead worker's job is still marked as running
    # RQ's maintenance (run by any live worker) cleans up entries whose heartbeat expired; the
    # heartbeat lasts at least 60 s, so the test asks for the cleanup as of two minutes from now.
    started.cleanup(timestamp=time.time() + 120)
    assert started.count == 0
    assert ScheduledJobRegistry(queue=queue()).count == 1  # to be retried (after 10 s), not dropped
    (log,) = error_logs(queued_site)
    assert "AbandonedJobError" in log["error"]
    # The dead worker also held RQ's scheduler lease (it lapses about a minute later); drop it as
    # its expiry would, so the next worker moves the due retry back to the queue.
    connection = queue().connection
    for key in connection.scan_iter("rq:scheduler-lock:*"):
        connection.delete(key)
    retries_due_now()
    bench(queued_site, "worker", "--burst", timeout=90)
    assert categories(queued_site) == ["killed"]


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
