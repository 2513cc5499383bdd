"""Jobs for tests/lms/test_multi_host.py, run by `bench execute` and `bench worker` processes (the test's
PYTHONPATH makes `tests` importable there)."""

from __future__ import annotations

import time
from pathlib import Path

import smooth

MARKER_JOB = "multi-host-marker"


def enqueue_marker(runs_file: str, release_file: str) -> str:
    """Ask for the marker job by its id, deduplicated: what several hosts do when each notices the same work."""
    return smooth.enqueue("tests.lms.multi_host_jobs.marker", job_id=MARKER_JOB, deduplicate=True,
                          runs_file=runs_file, release_file=release_file)


def marker(runs_file: str, release_file: str) -> None:
    """Record a run and the sites folder it ran in, then stay running until the test releases it (so later
    requests find it running)."""
    with open(runs_file, "a", encoding="utf-8") as handle:
        handle.write(f"{time.time()} {smooth.local.site.sites_path.resolve()}\n")
    deadline = time.monotonic() + 60
    while not Path(release_file).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
