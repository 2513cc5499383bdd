"""`bench schedule`: each due time of each event fires once, even with two schedulers."""

from __future__ import annotations

import datetime as dt

import pytest

import smooth
from smooth.jobs.scheduler import latest_due, tick
from tests.api.helpers import set_site_config
from tests.conftest import SiteHandle
from tests.jobs.conftest import bench, runs, start_bench

MARKER = "smooth_tests.jobs.scheduled_marker (cron:*/5 * * * *)"


def _logs(handle: SiteHandle) -> list[dict]:
    with handle.context():
        return smooth.get_all("Scheduled Job Log", filters={"scheduled_job_type": MARKER},
                              fields=["status", "due_at"], order_by="due_at asc")


def test_latest_due_names_the_last_time_at_or_before_now() -> None:
    at = dt.datetime(2026, 3, 29, 10, 7, 30)
    assert latest_due("*/5 * * * *", at) == dt.datetime(2026, 3, 29, 10, 5)
    assert latest_due("*/5 * * * *", dt.datetime(2026, 3, 29, 10, 5)) == dt.datetime(2026, 3, 29, 10, 5)
    assert latest_due("0 0 * * *", at) == dt.datetime(2026, 3, 29)


def test_an_event_fires_once_per_due_time_and_catches_up_once_after_downtime(inline_site: SiteHandle) -> None:
    start = dt.datetime(2026, 11, 30, 9, 1)
    assert MARKER in tick(inline_site.name, inline_site.sites_path, now=start)
    assert MARKER not in tick(inline_site.name, inline_site.sites_path, now=start + dt.timedelta(minutes=2))
    # down for an hour: twelve due times were missed, the event runs once, for the latest
    assert MARKER in tick(inline_site.name, inline_site.sites_path, now=start + dt.timedelta(minutes=63))
    logs = _logs(inline_site)
    assert [log["due_at"] for log in logs] == [dt.datetime(2026, 11, 30, 9, 0), dt.datetime(2026, 11, 30, 10, 0)]
    assert [log["status"] for log in logs] == ["Complete", "Complete"]
    assert runs(inline_site).count("scheduled") == 2


def test_a_failing_event_is_logged_failed_with_its_traceback(inline_site: SiteHandle, monkeypatch) -> None:
    import smooth_tests.jobs as jobs

    def broken() -> None:
        raise smooth.ValidationError("the nightly job broke")

    monkeypatch.setattr(jobs, "scheduled_marker", broken)
    tick(inline_site.name, inline_site.sites_path, now=dt.datetime(2026, 11, 30, 9, 1))
    (log,) = _logs(inline_site)
    assert log["status"] == "Failed"
    with inline_site.context():
        details = smooth.db.get_value("Scheduled Job Log", {"scheduled_job_type": MARKER}, "details")
    assert "the nightly job broke" in details


@pytest.mark.processes
def test_a_paused_site_fires_nothing(inline_site: SiteHandle) -> None:
    result = bench(inline_site, "scheduler", "disable")
    assert "disabled" in result.stdout
    assert tick(inline_site.name, inline_site.sites_path, now=dt.datetime(2026, 11, 30, 9, 1)) == []
    assert "disabled" in bench(inline_site, "scheduler", "status").stdout
    bench(inline_site, "scheduler", "enable")
    assert MARKER in tick(inline_site.name, inline_site.sites_path, now=dt.datetime(2026, 11, 30, 9, 1))


@pytest.mark.processes
def test_two_schedulers_ticking_together_fire_each_due_event_once(queued_site: SiteHandle) -> None:
    schedulers = [start_bench(queued_site, "schedule", "--once") for _ in range(2)]
    outputs = [s.communicate(timeout=120)[0] for s in schedulers]
    assert all(s.returncode == 0 for s in schedulers), outputs
    logs = _logs(queued_site)
    assert len(logs) == 1 and logs[0]["status"] == "Scheduled"  # claimed once, waiting for a worker
    bench(queued_site, "worker", "--burst")
    assert [log["status"] for log in _logs(queued_site)] == ["Complete"]
    assert runs(queued_site) == ["scheduled"]


@pytest.mark.processes
def test_doctor_reports_the_queue_workers_and_the_scheduler(queued_site: SiteHandle) -> None:
    bench(queued_site, "schedule", "--once")
    report = bench(queued_site, "doctor").stdout
    assert "jobs" in report and "queued: short 0" in report and "0 worker(s) live" in report
    assert "last tick" in report
    set_site_config(queued_site, redis_queue="redis://127.0.0.1:1/0")
    report = bench(queued_site, "doctor")
    assert report.returncode == 1 and "redis_queue does not answer" in report.stdout
