"""The migration loop: every step, page by page, each page one unit of work that also moves the cursor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import smooth
from smooth_lms.frappe_migration.mapping import Migration
from smooth_lms.frappe_migration.report import Report
from smooth_lms.frappe_migration.state import DONE, State
from smooth_lms.frappe_migration.steps import REPORTED, STEPS, Step

PAGE_LENGTH = 100
Page = tuple[int, list[dict[str, Any]]]


class Progress(Protocol):
    def begin(self, doctype: str, total: int | None, done: int) -> None: ...
    def advance(self, count: int) -> None: ...
    def end(self) -> None: ...


class Quiet:
    def begin(self, doctype: str, total: int | None, done: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def end(self) -> None:
        pass


def migrate(source: Any, *, page_length: int = PAGE_LENGTH, progress: Progress | None = None) -> Report:
    """Read `source` (a `smooth.frappe_client.FrappeSite`) into this site; the bound site's units commit each page."""
    progress = progress or Quiet()
    source.get_count("User")  # a wrong URL or key fails here, before a run is recorded
    with smooth.unit_of_work():
        state = State(source.url)
        report = Report(source.url, order=REPORTED)
        report.restore(state.saved_report())
    if state.resumed:
        report.note(f"Resumed run {state.run.name}, which had stopped before it finished.")
    smooth.flags.in_import = True  # booking mails, Meet links and automatic certificates stay off
    try:
        for step in STEPS:
            _run_step(Migration(source, state, report), step, page_length, progress)
    except BaseException:
        with smooth.unit_of_work():
            kept = Report(source.url, order=REPORTED)  # the page that failed was rolled back: its counts go too
            kept.restore(state.saved_report())
            state.finish("Failed", kept.as_dict(), kept.text())
        raise
    finally:
        smooth.flags.in_import = False
    with smooth.unit_of_work():
        state.finish("Completed", report.as_dict(), report.text())
    return report


def _run_step(m: Migration, step: Step, page_length: int, progress: Progress) -> None:
    start = m.state.start_of(step.doctype)
    if start == DONE:
        return
    try:
        total = None if step.parent else m.source.get_count(step.doctype)
    except smooth.frappe_client.RemoteSiteError:
        total = None  # Frappe's count fails (500) for a doctype it lacks; the list says so below
    progress.begin(step.doctype, total, start)
    try:
        fields = _fields_there(m, step) if step.fields else ["name"]
        pages = m.source.pages(step.doctype, fields=fields, start=start, page_length=page_length, parent=step.parent)
        for page_start, rows in _unless_missing(m, step.doctype, pages):
            with smooth.unit_of_work():
                for row in rows:
                    m.carry(step.doctype, row["name"], step.migrate, row if step.fields else None, step.then)
                m.state.move(step.doctype, page_start + len(rows), m.report.as_dict())
            progress.advance(len(rows))
        with smooth.unit_of_work():
            m.state.move(step.doctype, DONE, m.report.as_dict())
    finally:
        progress.end()


def _unless_missing(m: Migration, doctype: str, pages: Iterator[Page]) -> Iterator[Page]:
    """The pages, or none when the source has no such doctype (an older or newer Frappe LMS)."""
    try:
        yield from pages
    except smooth.frappe_client.RemoteNotFoundError:
        m.report.note(f"The source has no {doctype} (another version of Frappe LMS): nothing of it was read.")


def _fields_there(m: Migration, step: Step) -> list[str]:
    """The step's fields that the source's version of the doctype has (Frappe refuses a list naming others)."""
    wanted = list(step.fields or ())
    try:
        there = m.source.get_fieldnames(step.doctype) | {"name", "parent"}
    except smooth.frappe_client.RemoteSiteError:
        return wanted  # no meta to read: ask for them all, and the list says what is wrong
    missing = [f for f in wanted if f not in there]
    if missing:
        m.report.note(f"{step.doctype}: the source has no {', '.join(missing)} (another version of Frappe LMS).")
    return [f for f in wanted if f in there]
