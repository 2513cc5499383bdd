"""Job functions the background-work tests enqueue (a worker process imports them by path).

Each run appends a line to `<site>/job_runs.txt` (so a test can count runs, failed ones too)
and, when it succeeds, commits a Test Category named after its label.
"""

from __future__ import annotations

import time
from pathlib import Path

import smooth

RUNS_FILE = "job_runs.txt"


def _runs_file() -> Path:
    return Path(smooth.local.site.path) / RUNS_FILE


def _mark(label: str) -> None:
    with _runs_file().open("a") as handle:
        handle.write(f"{label} {smooth.session.user}\n")


def record(label: str) -> None:
    _mark(label)
    smooth.get_doc({"doctype": "Test Category", "category_name": label}).insert()


def fail(label: str) -> None:
    _mark(label)
    smooth.get_doc({"doctype": "Test Category", "category_name": label}).insert()
    raise smooth.ValidationError(f"job {label} failed on purpose")


def fail_once(label: str) -> None:
    """Fails on its first run, succeeds on the next (a retried job)."""
    first = label not in _runs_file().read_text().split() if _runs_file().exists() else True
    _mark(label)
    if first:
        raise smooth.ValidationError(f"job {label} fails on its first run")
    smooth.get_doc({"doctype": "Test Category", "category_name": label}).insert()


def sleep_then_record(label: str, seconds: float) -> None:
    """Sleeps on its first run only (the one a test kills); a retry records at once."""
    first = f"{label}-started" not in _runs_file().read_text().split() if _runs_file().exists() else True
    _mark(f"{label}-started")
    if first:
        time.sleep(seconds)
    record(label)


def scheduled_marker() -> None:
    """A scheduled event: counts its runs."""
    _mark("scheduled")


@smooth.whitelist(methods=["POST"])
def book(label: str) -> str:
    """A booking as the outage test makes it: one committed record and two mails queued with it."""
    smooth.get_doc({"doctype": "Test Category", "category_name": label}).insert()
    for who in ("learner", "evaluator"):
        smooth.sendmail(f"{who}@smooth.test", subject=f"{label} {who}", message=f"<p>{label} booked</p>")
    return label


@smooth.whitelist(methods=["POST"], allow_guest=True)
def enqueue_record(label: str) -> str:
    """A Guest's request that commits a job (which only counts its run): inline, it runs after the response."""
    smooth.enqueue(_mark, label=label)
    return label
