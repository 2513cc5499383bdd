"""The migration's memory on this site: the run (cursor, status, report) and the source -> target mapping."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import smooth

RUN, RECORD = "LMS Migration Run", "LMS Migration Record"
DONE = -1  # a doctype's cursor once every page of it is migrated


def record_name(source_url: str, doctype: str, name: str) -> str:
    """The mapping row's name: one per source record, so a lookup is a primary-key read."""
    return hashlib.sha1(f"{source_url}|{doctype}|{name}".encode()).hexdigest()[:24]


class State:
    """One run of one source site: resumes the last unfinished run, else starts a new one."""

    def __init__(self, source_url: str) -> None:
        self.source_url = source_url
        unfinished = smooth.get_all(RUN, filters={"source_url": source_url, "status": ["!=", "Completed"]},
                                    order_by="creation desc", limit=1, pluck="name")
        if unfinished:
            self.run = smooth.get_doc(RUN, unfinished[0])
            self.resumed = True
        else:
            self.run = smooth.get_doc({"doctype": RUN, "source_url": source_url, "status": "Running",
                                       "started_on": smooth.now_datetime(), "cursor": "{}"}).insert()
            self.resumed = False
        self.cursor: dict[str, int] = json.loads(self.run.cursor or "{}")

    def start_of(self, doctype: str) -> int:
        return self.cursor.get(doctype, 0)

    def saved_report(self) -> dict[str, Any]:
        """The report as of the last committed page (not counting a page that was rolled back)."""
        return json.loads(smooth.db.get_value(RUN, self.run.name, "report_data") or "{}")

    def move(self, doctype: str, start: int, report: dict[str, Any]) -> None:
        """Record where `doctype` resumes and the report so far, in the unit that wrote the page before it."""
        self.cursor[doctype] = start
        smooth.db.set_value(RUN, self.run.name, {"cursor": json.dumps(self.cursor, sort_keys=True),
                                                 "report_data": json.dumps(report, sort_keys=True),
                                                 "status": "Running"})

    def target(self, doctype: str, name: str | None) -> str | None:
        """What source record `doctype` `name` became here, or None when it was not migrated (yet)."""
        if not name:
            return None
        return smooth.db.get_value(RECORD, record_name(self.source_url, doctype, name), "target_name")

    def remember(self, doctype: str, name: str, target_doctype: str, target_name: str) -> None:
        smooth.get_doc({"doctype": RECORD, "source_url": self.source_url, "source_doctype": doctype,
                        "source_name": name, "target_doctype": target_doctype, "target_name": target_name,
                        }).insert(set_name=record_name(self.source_url, doctype, name))

    def finish(self, status: str, report: dict[str, Any], text: str) -> None:
        smooth.db.set_value(RUN, self.run.name, {"status": status, "finished_on": smooth.now_datetime(),
                                                 "report": text, "report_data": json.dumps(report, sort_keys=True)})
