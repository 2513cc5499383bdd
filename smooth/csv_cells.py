"""Text bound for a spreadsheet cell (a CSV export): a value a spreadsheet would run as a formula
(`=`, `+`, `-`, `@`, a tab or a carriage return first) is kept as text by a leading quote."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_csv_formula(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text
