"""What a run did, per source doctype: created here, found already migrated, skipped and why."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

EXAMPLES = 5  # source names kept per skip reason: enough to look one up, short enough to read


class Report:
    def __init__(self, source_url: str, order: list[str] | None = None) -> None:
        self.source_url = source_url
        self.known = list(order or [])  # the steps' order, whatever order records were met in
        self.order: list[str] = []
        self.created: Counter[str] = Counter()
        self.existing: Counter[str] = Counter()
        self.skipped: dict[str, Counter[str]] = defaultdict(Counter)
        self.examples: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.notes: list[str] = []

    def _see(self, doctype: str) -> None:
        if doctype not in self.order:
            self.order.append(doctype)
            rank = {name: i for i, name in enumerate(self.known)}
            self.order.sort(key=lambda name: rank.get(name, len(rank)))

    def add_created(self, doctype: str) -> None:
        self._see(doctype)
        self.created[doctype] += 1

    def add_existing(self, doctype: str) -> None:
        self._see(doctype)
        self.existing[doctype] += 1

    def add_skipped(self, doctype: str, name: str, reason: str) -> None:
        self._see(doctype)
        self.skipped[doctype][reason] += 1
        if len(self.examples[(doctype, reason)]) < EXAMPLES:
            self.examples[(doctype, reason)].append(name)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def restore(self, data: dict[str, Any]) -> None:
        """Take up the counts a stopped run had saved (as_dict's shape)."""
        self.notes = list(data.get("notes") or [])
        for doctype, seen in (data.get("doctypes") or {}).items():
            self._see(doctype)
            self.created[doctype] += seen.get("created", 0)
            self.existing[doctype] += seen.get("already_migrated", 0)
            for skip in seen.get("skipped") or []:
                self.skipped[doctype][skip["reason"]] += skip["count"]
                self.examples[(doctype, skip["reason"])] = list(skip.get("examples") or [])

    def as_dict(self) -> dict[str, Any]:
        return {"source_url": self.source_url, "notes": self.notes, "doctypes": {
            doctype: {"created": self.created[doctype], "already_migrated": self.existing[doctype],
                      "skipped": [{"reason": reason, "count": count, "examples": self.examples[(doctype, reason)]}
                                  for reason, count in self.skipped[doctype].most_common()]}
            for doctype in self.order}}

    def text(self) -> str:
        lines = [f"Migration from {self.source_url}", "",
                 f"{'Source doctype':<28} {'created':>8} {'already':>8} {'skipped':>8}"]
        for doctype in self.order:
            lines.append(f"{doctype:<28} {self.created[doctype]:>8} {self.existing[doctype]:>8} "
                         f"{sum(self.skipped[doctype].values()):>8}")
        skips = [(doctype, reason, count) for doctype in self.order
                 for reason, count in self.skipped[doctype].most_common()]
        if skips:
            lines += ["", "Skipped:"]
            for doctype, reason, count in skips:
                examples = ", ".join(self.examples[(doctype, reason)])
                lines.append(f"  {doctype}: {count} x {reason}\n      e.g. {examples}")
        if self.notes:
            lines += ["", "Notes:"] + [f"  {note}" for note in self.notes]
        return "\n".join(lines)
