"""Per-doctype view settings, kept in the doctype's folder beside its JSON.

`<snake_name>_list.json` (list and report views) and `<snake_name>_calendar.json` (calendar
view) hold what metadata alone cannot say, Frappe's `<doctype>_list.js` and
`<doctype>_calendar.js` as data, for example:

    lms_certificate_request_list.json
    {"indicator": {"field": "status", "colors": {"Pending": "orange", "Completed": "green"}},
     "assigned_to_field": "evaluator", "group_by": ["status", "evaluator", "course"]}

    lms_certificate_request_calendar.json
    {"start": "start_utc", "end": "end_utc", "title": "member_name", "color_by": "status"}

List settings keys: `indicator` (a field shown as a coloured pill; colours red, orange, green,
blue, gray), `assigned_to_field` (the field the "Assigned to me" quick filter compares with the
user), `group_by` (the sidebar's count fields), `default_filters` (`[[field, operator, value]]`
applied when a list URL has no query string; the date value `today` is today) and
`default_order` (an `order_by` such as `"date asc, start_time asc"`).

A doctype without such a file gets the defaults each view derives from its metadata.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from smooth.exceptions import MetaError
from smooth.messages import _
from smooth.meta.doctype import Meta, scrub
from smooth.pages.assets import reloading


@functools.cache
def _read(path: Path, mtime: float) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except ValueError as exc:
        raise MetaError(_("{0}: not valid JSON ({1})", path, exc)) from exc
    if not isinstance(data, dict):
        raise MetaError(_("{0}: view settings must be a JSON object", path))
    return data


_found: dict[tuple[Path, str, str], dict[str, Any]] = {}


def view_settings(meta: Meta, kind: str) -> dict[str, Any]:
    """The `<doctype>_<kind>.json` settings of `meta` ({} when the doctype has none). Looked for once per
    process, like templates and assets: $SMOOTH_RELOAD looks again on every page (`assets.reloading`)."""
    if meta.path is None:
        return {}
    key = (meta.path, meta.name, kind)
    found = None if reloading() else _found.get(key)
    if found is None:
        path = meta.path.parent / f"{scrub(meta.name)}_{kind}.json"
        found = _found[key] = _read(path, path.stat().st_mtime) if path.is_file() else {}
    return found
