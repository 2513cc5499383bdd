"""`bench schedule`: fire hooks.py `scheduler_events` once per due time per site.

Events are Frappe's: `all` (every 4 minutes), `hourly`, `daily`, `weekly`, `monthly`, their
`*_long` variants (run on the long queue) and `cron: {"*/15 * * * *": [...]}`. Due times
follow the system time zone's wall clock.

Each due run is claimed by inserting its Scheduled Job Log row, which has a unique index on
(job type, due time): when two schedulers tick together, the database lets exactly one claim
through, with or without Redis, and the row is also the run's record (Scheduled -> Start ->
Complete / Failed). After downtime an event fires once, for its latest missed due time, not
once per missed time. `pause_scheduler` in site config stops a site's events. Each tick also
pushes the jobs waiting in the Job Outbox (Redis was unreachable when they were committed).

A tick binds its site without a unit of work: each claim is an entry-point unit of its own, so
one event's failure keeps the others' claims. The job of a due run opens its own units too
(`@opens_units`): the log row says Start before the method runs, and Failed when it rolled back.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import threading
import time
import traceback
from pathlib import Path

from croniter import croniter

from smooth.context import now_datetime, site_context, unit_of_work
from smooth.exceptions import DuplicateEntryError, UniqueValidationError
from smooth.hooks import ScheduledEvent, resolve
from smooth.jobs import execute, outbox
from smooth.jobs.enqueue import enqueue
from smooth.model.database_api import document_db
from smooth.model.records import get_doc
from smooth.site import read_config

log = logging.getLogger("smooth.scheduler")
TICK_FILE = "scheduler_tick.json"
LOG = "Scheduled Job Log"
_queue_down: set[str] = set()


def latest_due(cron: str, now: dt.datetime) -> dt.datetime:
    """The latest time at or before `now` that `cron` names."""
    return croniter(cron, now + dt.timedelta(seconds=1)).get_prev(dt.datetime)


def tick(site: str, sites_path: Path, now: dt.datetime | None = None) -> list[str]:
    """Claim and enqueue every event of `site` that is due; returns the job types fired."""
    fired: list[str] = []
    with site_context(site, sites_path) as bound:
        _dispatch_outbox(site)
        if read_config(sites_path, site).get("pause_scheduler"):  # read afresh: `bench scheduler` may have changed it
            return fired
        events = bound.site.hooks.scheduled
        moment = now or now_datetime()
        for event in events:
            due = latest_due(event.cron, moment)
            with unit_of_work(commit=False):
                runs = document_db().get_all(LOG, filters={"scheduled_job_type": event.job_type}, fields=["due_at"],
                                             order_by="due_at desc", limit_page_length=1, pluck="due_at")
            last = runs[0] if runs else None
            if last is not None and due <= last:
                continue
            if _claim(event, due):
                fired.append(event.job_type)
        _write_tick(bound.site.path, moment)
    return fired


def _claim(event: ScheduledEvent, due: dt.datetime) -> bool:
    """Claim the due run and enqueue its job in one transaction: the job is never lost between them."""
    try:
        with unit_of_work():
            row = get_doc({"doctype": LOG, "scheduled_job_type": event.job_type, "frequency": event.frequency,
                           "status": "Scheduled", "due_at": due}).insert(ignore_permissions=True)
            enqueue(execute_scheduled, queue=event.queue, log_name=row.name, scheduled_method=event.method)
            return True
    except (DuplicateEntryError, UniqueValidationError):
        return False  # another scheduler claimed this due time first


def _dispatch_outbox(site: str) -> None:
    """Push the jobs that wait in the outbox; while Redis is unreachable, say so once per outage."""
    try:
        pushed = outbox.dispatch()
    except outbox.QueueDown as exc:
        if site not in _queue_down:
            log.warning("site %s: the job queue's Redis is unreachable (%s); jobs wait in the Job Outbox and are "
                        "pushed on a later tick", site, exc)
        _queue_down.add(site)
        return
    except Exception:
        log.exception("site %s: pushing the Job Outbox failed", site)
        return
    if site in _queue_down:
        log.warning("site %s: the job queue's Redis answers again", site)
        _queue_down.discard(site)
    if pushed:
        log.info("site %s: pushed %s job(s) that waited in the outbox", site, pushed)


@execute.opens_units
def execute_scheduled(log_name: str, scheduled_method: str) -> None:
    """The job of one due run: the method in its own transaction, the log row around it."""
    database = document_db()
    with unit_of_work():
        database.set_value(LOG, log_name, {"status": "Start", "started_at": now_datetime()})
    try:
        execute.call(resolve(scheduled_method, f"scheduler_events {scheduled_method}"))
    except Exception as exc:
        with unit_of_work():
            database.set_value(LOG, log_name, {"status": "Failed", "ended_at": now_datetime(),
                                               "details": "".join(traceback.format_exception(exc))[-60_000:]})
        raise
    with unit_of_work():
        database.set_value(LOG, log_name, {"status": "Complete", "ended_at": now_datetime()})


def _write_tick(site_path: Path, moment: dt.datetime) -> None:
    (site_path / TICK_FILE).write_text(json.dumps({"last_tick": moment.isoformat(timespec="seconds")}))


def last_tick(site_path: Path) -> str | None:
    try:
        return str(json.loads((site_path / TICK_FILE).read_text())["last_tick"])
    except (OSError, ValueError, KeyError):
        return None


def run_scheduler(sites: list[str], sites_path: Path, *, interval: float = 60.0, once: bool = False) -> None:
    """Tick every site each `interval` seconds until SIGTERM/SIGINT (or once, with `once`)."""
    stop = threading.Event()
    if not once and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    while True:
        for site in sites:
            try:
                fired = tick(site, sites_path)
                if fired:
                    log.info("site %s: enqueued %s", site, ", ".join(fired))
            except Exception:
                log.exception("scheduler tick failed for site %s", site)
        if once or stop.wait(max(0.0, interval - time.time() % interval)):
            return
