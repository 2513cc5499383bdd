"""Text escaped for HTML, as markupsafe escapes it, without its cost where nothing needs escaping.

The desk draws its forms and list rows in Python (`form_html`, `list_rows`): a form page escapes some two
hundred labels, ids and values, most of them plain words. markupsafe's `escape` wraps each in a `Markup` and
looks for `__html__` first; here a `str` with none of the five special characters comes back as it is, and
everything else goes through markupsafe, so the output is the same character for character.
"""

from __future__ import annotations

from typing import Any

from markupsafe import escape


def escape_text(value: Any) -> str:
    """`str(markupsafe.escape(value))`: a `Markup` (or anything with `__html__`) stays markup, the rest is escaped."""
    if type(value) is str and "&" not in value and "<" not in value and ">" not in value and '"' not in value \
            and "'" not in value:
        return value
    return str(escape(value))
