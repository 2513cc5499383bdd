"""What a list shows besides its rows: its total and its group-by counts, cheap on large tables.

A total is counted exactly up to a threshold (site config `list_count_exact_up_to`, 10,000 by default);
beyond it the database's estimate is shown instead (MariaDB's EXPLAIN), marked as estimated, as
Frappe's list does: counting a million rows exactly costs a scan for a figure nobody reads to the unit.
SQLite gives no estimate and counts on.

Totals and group-by counts are computed once per set of filters (the person's and the permission
filters alike, so two people see the same cached figure only when their queries are the same) and
kept briefly: an entry is dropped when its table's change number moves (a committed write, in any
process of the site when it has a `redis_url`, else in this one) and expires after `TTL` seconds.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from smooth.context import db, local
from smooth.db import table_versions

DEFAULT_EXACT_UP_TO = 10_000
TTL = 30.0
MAX_ENTRIES = 2048
T = TypeVar("T")

_entries: OrderedDict[tuple[Any, ...], tuple[float, tuple[int, int], Any]] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class ListCount:
    """A list's total; `estimated` when it is the database's estimate of a count beyond the threshold."""

    number: int
    estimated: bool = False


def _key_text(value: Any) -> str:
    return json.dumps(value, default=repr, sort_keys=True, separators=(",", ":"))


def cached(doctype: str, what: Sequence[Any], compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave for the same `what` on the same table since the table last changed."""
    site = local().site
    table = site.table(doctype).name
    version = table_versions.version(site.name, table, site.config.get("redis_url"))
    key = (site.name, table, _key_text(list(what)))
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
    if hit is not None and hit[0] > now and hit[1] == version:
        return hit[2]
    value = compute()
    with _lock:
        _entries[key] = (now + TTL, version, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def exact_up_to() -> int:
    value = local().site.config.get("list_count_exact_up_to")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else DEFAULT_EXACT_UP_TO


def total(doctype: str, filters: Any, or_filters: Any, extra: Sequence[Any], extra_or: Sequence[Any]) -> ListCount:
    """The matching rows' count, exact up to the threshold, estimated beyond it where the database can."""
    threshold = exact_up_to()

    def compute() -> ListCount:
        database = db()
        number = database.count(doctype, filters, or_filters=or_filters, extra_filters=extra,
                                extra_or_filters=extra_or, at_most=threshold + 1)
        if number <= threshold:
            return ListCount(number)
        estimate = database.estimate_count(doctype, filters, or_filters=or_filters, extra_filters=extra,
                                           extra_or_filters=extra_or)
        if estimate is None:
            return ListCount(database.count(doctype, filters, or_filters=or_filters, extra_filters=extra,
                                            extra_or_filters=extra_or))
        return ListCount(max(estimate, number), estimated=True)

    return cached(doctype, ("total", filters, or_filters, extra, extra_or, threshold), compute)
