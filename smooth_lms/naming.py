"""Readable record names from titles (`Python Basics` -> `python-basics`, then `python-basics-2`)."""

from __future__ import annotations

import re

import smooth


def slug_name(doctype: str, title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", (title or "").lower()).strip("-")[:100] or "untitled"
    name, counter = base, 1
    while smooth.db.exists(doctype, name):
        counter += 1
        name = f"{base}-{counter}"
    return name
