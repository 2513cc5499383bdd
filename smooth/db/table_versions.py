"""A change number per table of a site, raised when a transaction that wrote to the table commits.

What is cached about a table's rows (a list's counts) is stored with the number it was computed at and
thrown away when the number has moved, so a committed write is seen at once by this process. Other
processes see it when their cached entry expires (the caches using this keep entries briefly).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

_versions: dict[tuple[str, str], int] = {}
_lock = threading.Lock()


def version(site: str, table: str) -> int:
    return _versions.get((site, table), 0)


def bump(site: str, tables: Iterable[str]) -> None:
    with _lock:
        for table in tables:
            key = (site, table)
            _versions[key] = _versions.get(key, 0) + 1
