"""A Redis outage loses no committed job: the Job Outbox, against a Redis of the test's own that it stops.

The shared test Redis is never stopped: each test starts a private redis-server (AOF on, as
production should run it) on a free port and stops and restarts it mid-run.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

import smooth
from smooth.jobs.outbox import backlog, dispatch
from smooth.jobs.scheduler import tick
from tests.api.helpers import Api, set_site_config
from tests.api.serving import running_server
from tests.conftest import SiteHandle
from tests.jobs.conftest import bench, empty_logs, queue, runs, start_bench
from tests.mail.conftest import SmtpServer, free_port

pytestmark = pytest.mark.processes  # `bench` workers and a private Redis: left out by --quick

MARKER = "smooth_tests.jobs.scheduled_marker (cron:*/5 * * * *)"


class RedisServer:
    """A redis-server process of this test, with an append-only file so a restart keeps its queues."""

    def __init__(self, directory: Path) -> None:
        self.port, self.directory = free_port(), directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "the test's redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sink() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def outage_site(site: SiteHandle, redis_server: RedisServer, sink: SmtpServer) -> Iterator[SiteHandle]:
    set_site_config(site, redis_queue=redis_server.url, allow_test_user_header=True, mail_server="127.0.0.1",
                    mail_port=sink.port, auto_email_id="noreply@smooth.test")
    empty_logs(site)
    yield site
    set_site_config(site, redis_queue=None, allow_test_user_header=None, mail_server=None, mail_port=None,
                    auto_email_id=None)
    empty_logs(site)


def _waiting(handle: SiteHandle) -> int:
    with handle.context():
        return backlog()[0]


def _wait_for(log: Path, pattern: str, process: subprocess.Popen[str]) -> None:
    """Until the process's log matches `pattern`; it must not exit meanwhile."""
    deadline = time.monotonic() + 60
    while not re.search(pattern, log.read_text()):
        assert process.poll() is None, f"bench exited before logging {pattern!r}:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"bench never logged {pattern!r}:\n{log.read_text()}"
        time.sleep(0.2)


def _stop(process: subprocess.Popen[str], output: Path) -> str:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("bench worker did not stop on SIGTERM:\n" + output.read_text()[-5000:])
    return output.read_text()


def test_bookings_during_a_redis_outage_answer_200_and_every_mail_is_sent_exactly_once(
        outage_site: SiteHandle, redis_server: RedisServer, sink: SmtpServer, tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = start_bench(outage_site, "worker", output=output)
    try:
        with running_server(outage_site) as base_url:
            api = Api(base_url, outage_site)

            def book(label: str) -> None:
                response = api.call("smooth_tests.jobs.book", http="POST", label=label)
                assert response.status_code == 200, response.text

            _wait_for(log, "Listening on", worker)
            for i in range(3):
                book(f"before-{i}")
            redis_server.stop()
            for i in range(6):
                book(f"during-{i}")  # committed, and answered 200 although Redis is down
            assert _waiting(outage_site) == 12  # two mail jobs per booking wait in the outbox
            _wait_for(log, "nreachable|could not connect", worker)  # the worker meets the outage and stays
            time.sleep(2)
            assert worker.poll() is None, "bench worker exited on the outage:\n" + log.read_text()
            redis_server.start()
            for i in range(3):
                book(f"after-{i}")
        tick(outage_site.name, outage_site.sites_path)  # the scheduler's tick pushes what waited
        deadline = time.monotonic() + 90
        while len(sink.sink.received) < 24 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # a mail sent twice would arrive now
        assert worker.poll() is None, "bench worker exited after the outage"
    finally:
        output = _stop(worker, log)
    subjects = sorted(str(r.message["Subject"]) for r in sink.sink.received)
    expected = sorted(f"{when}-{i} {who}" for when, count in (("before", 3), ("during", 6), ("after", 3))
                      for i in range(count) for who in ("learner", "evaluator"))
    assert subjects == expected, output  # none lost, none sent twice
    assert _waiting(outage_site) == 0


def test_a_scheduler_tick_survives_the_outage_and_a_worker_pushes_what_waited_once_redis_returns(
        outage_site: SiteHandle, redis_server: RedisServer, tmp_path: Path) -> None:
    redis_server.stop()
    assert MARKER in tick(outage_site.name, outage_site.sites_path, now=dt.datetime(2026, 11, 30, 9, 1))
    with outage_site.context():
        assert smooth.get_all("Scheduled Job Log", filters={"scheduled_job_type": MARKER}, pluck="status") == \
            ["Scheduled"]
    assert _waiting(outage_site) >= 1  # the marker and the other due events (the mail flush, ...)
    with outage_site.context():
        table = smooth.local.site.table("Job Outbox")
        smooth.db.execute(table.update().values(creation=smooth.now_datetime() - dt.timedelta(minutes=10)),
                          write=True)
        smooth.db.commit()
    doctor = bench(outage_site, "doctor").stdout
    assert re.search(r"WARN job outbox +\d+ job\(s\) waiting to be queued, the oldest for 6\d\d s", doctor), doctor
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = start_bench(outage_site, "worker", "--burst", output=output)  # started while Redis is down
    _wait_for(log, "is unreachable .* reconnecting in", worker)  # it waits with a log line instead of exiting
    redis_server.start()
    worker.wait(timeout=90)
    assert worker.returncode == 0, log.read_text()
    assert runs(outage_site) == ["scheduled"]
    with outage_site.context():
        assert smooth.get_all("Scheduled Job Log", filters={"scheduled_job_type": MARKER}, pluck="status") == \
            ["Complete"]
    assert _waiting(outage_site) == 0


def test_a_row_pushed_again_after_its_pusher_died_is_not_queued_twice(queued_site: SiteHandle) -> None:
    with queued_site.context():
        with smooth.unit_of_work():
            smooth.enqueue("smooth_tests.jobs.record", label="once")
        (row,) = smooth.get_all("Job Outbox", fields=["name", "status"])
        assert row["status"] == "Pushed" and queue().count == 1
        smooth.db.set_value("Job Outbox", row["name"], "status", "Pending")  # as if its pusher died before marking it
        smooth.db.commit()
        dispatch()
        assert smooth.db.get_value("Job Outbox", row["name"], "status") == "Pushed"
    assert queue().count == 1  # RQ already held the row's job: not queued again
    bench(queued_site, "worker", "--burst")
    assert runs(queued_site) == ["once"]
