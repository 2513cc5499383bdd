"""Titles of filed Employee Documents, built from names and titles that may each fill their own field.

"<activity>: <new hire>" or "<course> certificate <number>" can exceed the 140 characters of the
title, which refused the filing; the start (what the document is) is kept and the end shortened.
"""

from __future__ import annotations

TITLE_LENGTH = 140  # Employee Document.title is a Data field


def fitted_title(title: str, limit: int = TITLE_LENGTH) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[:limit - 1].rstrip() + "…"
