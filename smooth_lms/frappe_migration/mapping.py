"""What a mapper is handed: the source, the mapping so far, the report; and how it says no."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import smooth
from smooth_lms.frappe_migration.report import Report
from smooth_lms.frappe_migration.state import State

Row = dict[str, Any]
Target = tuple[str, str]  # (doctype, name) here


class Skip(Exception):
    """This source record is not carried over; the reason goes in the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Migration:
    source: Any  # smooth.frappe_client.FrappeSite
    state: State
    report: Report

    def need(self, doctype: str, name: str | None, what: str) -> str:
        """The target of a Link the record cannot do without, or Skip naming what is missing."""
        target = self.state.target(doctype, name)
        if not target:
            raise Skip(f"its {what} {name or '(empty)'} was not migrated" if name else f"it has no {what}")
        return target

    def carry(self, doctype: str, name: str, mapper: Callable[[Migration, Row], Target], row: Row | None = None,
              then: Callable[[Migration, Row], None] | None = None) -> str | None:
        """Migrate one source record (once), in a savepoint of its own; its target, or None when skipped.

        `then` runs once the record is remembered, for the records that need it first (a course's chapters)."""
        found = self.state.target(doctype, name)
        if found:
            self.report.add_existing(doctype)
            return found
        try:
            with smooth.savepoint():
                whole = row if row is not None else self.source.get_doc(doctype, name)
                target = mapper(self, whole)
                self.state.remember(doctype, name, *target)
                if then:
                    then(self, whole)
        except Skip as skip:
            self.report.add_skipped(doctype, name, skip.reason)
            return None
        except smooth.frappe_client.RemoteNotFoundError:
            self.report.add_skipped(doctype, name, "deleted on the source while the migration ran")
            return None
        except (smooth.frappe_client.RemoteSiteError, smooth.frappe_client.RemoteAuthenticationError):
            raise  # the source failed: the run stops, to resume from this page
        except smooth.SmoothError as exc:
            self.report.add_skipped(doctype, name, f"refused here: {exc.message or exc}")
            return None
        self.report.add_created(doctype)
        return target[1]
