"""Stored names: the next candidate when a name is taken, the same rule for every storage."""

from __future__ import annotations

import secrets


def free_name(name: str) -> str:
    """`name` with a random suffix before its extension: the next try when `name` is taken."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    return f"{stem}-{secrets.token_hex(3)}" + (f".{ext}" if ext else "")
