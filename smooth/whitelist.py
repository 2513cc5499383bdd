"""`@smooth.whitelist()`: mark a function as callable at /api/method/<dotted.path>.

The mark lives on the function itself, so there is no process-wide registry filled as a
side effect of importing modules: the API resolves a dotted path (or a name the core app's
hooks.py maps) and asks the function whether it is whitelisted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
ALL_METHODS = ("GET", "POST", "PUT", "DELETE")
_MARK = "__smooth_whitelist__"


@dataclass(frozen=True)
class FileDownload:
    """What a whitelisted method returns to send a file from disk as a download (Frappe's response type
    "download"), read in chunks as it is sent: an export written to a temporary file (`remove_after`)
    never has to fit in memory, and the temporary file is removed once it is sent."""

    path: Path
    filename: str
    content_type: str = "application/octet-stream"
    remove_after: bool = False


@dataclass(frozen=True)
class Whitelisted:
    allow_guest: bool
    methods: tuple[str, ...]
    xss_safe: bool


def whitelist(allow_guest: bool = False, methods: Sequence[str] | None = None,
              xss_safe: bool = False) -> Callable[[F], F]:
    """Expose a function at /api/method/<dotted.path> (Frappe's @frappe.whitelist())."""

    def mark(fn: F) -> F:
        setattr(fn, _MARK, Whitelisted(allow_guest, tuple(m.upper() for m in methods or ALL_METHODS), xss_safe))
        return fn

    return mark


def is_whitelisted(fn: Callable[..., Any]) -> Whitelisted | None:
    mark = getattr(fn, _MARK, None)
    return mark if isinstance(mark, Whitelisted) else None
