"""Version records: what changed in a tracked document, field by field and row by row."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from smooth.context import session_user
from smooth.meta import fieldtypes

if TYPE_CHECKING:
    from smooth.model.document import Document

IGNORED = frozenset({"modified", "modified_by", "creation", "owner", "idx"})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return value


def diff(old: Document, new: Document) -> dict[str, Any] | None:
    """Frappe's Version `data` shape: changed / added / removed / row_changed; None when nothing changed."""
    changed = []
    for field in new.meta.value_fields:
        if field.fieldtype == "Password" or field.fieldname in IGNORED:
            continue
        before, after = _plain(old.get(field.fieldname)), _plain(new.get(field.fieldname))
        if (before or None) != (after or None):
            changed.append([field.fieldname, before, after])
    if old.docstatus != new.docstatus:
        changed.append(["docstatus", old.docstatus, new.docstatus])
    added, removed, row_changed = [], [], []
    for table_field in new.meta.table_fields:
        old_rows = {r.name: r for r in old.get(table_field.fieldname) or []}
        for row in new.get(table_field.fieldname) or []:
            previous = old_rows.pop(row.name, None)
            if previous is None:
                added.append([table_field.fieldname, _row_values(row)])
                continue
            row_diff = [[f.fieldname, _plain(previous.get(f.fieldname)), _plain(row.get(f.fieldname))]
                        for f in row.meta.value_fields
                        if f.fieldtype not in fieldtypes.NO_VALUE
                        and (_plain(previous.get(f.fieldname)) or None) != (_plain(row.get(f.fieldname)) or None)]
            if row_diff:
                row_changed.append([table_field.fieldname, row.idx, row.name, row_diff])
        removed += [[table_field.fieldname, _row_values(r)] for r in old_rows.values()]
    if not (changed or added or removed or row_changed):
        return None
    return {"changed": changed, "added": added, "removed": removed, "row_changed": row_changed}


def _row_values(row: Document) -> dict[str, Any]:
    return {k: _plain(v) for k, v in row.as_dict(no_nulls=True).items() if k not in IGNORED}


def version_record(doc: Document, before: Document) -> dict[str, Any] | None:
    """The Version record describing this save of `doc`, or None when nothing changed."""
    data = diff(before, doc)
    if data is None:
        return None
    transition = doc.flags.workflow_transition
    if transition is not None:
        data["workflow"] = {"action": transition.action, "from": transition.state, "to": transition.next_state,
                            "user": session_user()}
    return {"doctype": "Version", "ref_doctype": doc.doctype, "docname": doc.name,
            "data": json.dumps(data, default=str, sort_keys=True)}
