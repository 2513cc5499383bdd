"""doc_events handlers that record the order in which lifecycle events fire."""

from __future__ import annotations

from typing import Any

CALLS: list[str] = []


def record(doc: Any, method: str) -> None:
    CALLS.append(f"hook:{method}")
