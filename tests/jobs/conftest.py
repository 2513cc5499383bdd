"""Background work against real services: RQ on the test Redis, `bench worker` processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
import redis
from rq import Queue
from rq.registry import ScheduledJobRegistry

import smooth
from smooth.jobs import queues
from tests.api.auth_fixtures import redis_test_url
from tests.api.helpers import set_site_config
from tests.conftest import SiteHandle

RUNS_FILE = "job_runs.txt"


def runs(handle: SiteHandle) -> list[str]:
    """The labels of every job run so far on the site (failed runs too), in order."""
    path = handle.sites_path / handle.name / RUNS_FILE
    return [line.split()[0] for line in path.read_text().splitlines()] if path.exists() else []


def categories(handle: SiteHandle) -> list[str]:
    with handle.context():
        return sorted(smooth.get_all("Test Category", pluck="name"))


def error_logs(handle: SiteHandle) -> list[dict]:
    with handle.context():
        return smooth.get_all("Error Log", fields=["method", "error", "job_id"], order_by="creation asc")


def _command(handle: SiteHandle, args: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-c", "from smooth.cli import main; main()", "--sites-path", str(handle.sites_path),
            "--site", handle.name, *args]


ENV = {**os.environ, "PYTHONPATH": str(Path.cwd())}


def bench(handle: SiteHandle, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a `bench` command for the site in a new process (as an operator would)."""
    return subprocess.run(_command(handle, args), capture_output=True, text=True, timeout=timeout, env=ENV)


def start_bench(handle: SiteHandle, *args: str, output: IO[str] | None = None) -> subprocess.Popen[str]:
    """Start a `bench` command; give `output` (a file) for a long run, whose log would fill a pipe and block it."""
    return subprocess.Popen(_command(handle, args), stdout=output or subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=ENV)


def empty_logs(handle: SiteHandle) -> None:
    (handle.sites_path / handle.name / RUNS_FILE).unlink(missing_ok=True)
    with handle.context():
        for doctype in ("Error Log", "Scheduled Job Log", "Email Queue", "Job Outbox"):
            for name in smooth.get_all(doctype, pluck="name"):
                smooth.delete_doc(doctype, name, force=True, ignore_permissions=True)
        smooth.db.commit()


@pytest.fixture
def inline_site(site: SiteHandle) -> Iterator[SiteHandle]:
    """The clean test site with no redis_queue: jobs run in-process after commit."""
    set_site_config(site, redis_queue=None)
    empty_logs(site)
    yield site
    empty_logs(site)


@pytest.fixture
def queued_site(site: SiteHandle) -> Iterator[SiteHandle]:
    """The clean test site with `redis_queue` on the test Redis (its queues emptied)."""
    url = redis_test_url()
    redis.Redis.from_url(url).flushdb()
    set_site_config(site, redis_queue=url)
    empty_logs(site)
    yield site
    set_site_config(site, redis_queue=None)
    redis.Redis.from_url(url).flushdb()
    empty_logs(site)


def queue(name: str = "default") -> Queue:
    return Queue(queues.queue_name(name), connection=redis.Redis.from_url(redis_test_url()))


def retries_due_now(seconds: float = 10) -> None:
    """Make the scheduled retries due now, after checking none is due later than `seconds` from now.

    The first retry waits RETRY_INTERVALS[0] = 10 s; instead of sleeping through it (what the tests did,
    11 s each), the test moves the registry's due time as the clock would, and the next worker's scheduler
    moves the job back to its queue."""
    registry = ScheduledJobRegistry(queue=queue())
    connection = registry.connection
    scheduled = connection.zrange(registry.key, 0, -1, withscores=True)
    assert scheduled, "no retry was scheduled"
    now = time.time()
    for job_id, due in scheduled:
        assert due <= now + seconds + 1, f"retry due in {due - now:.1f} s, not within {seconds} s"
        connection.zadd(registry.key, {job_id: now - 1})
