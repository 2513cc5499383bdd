"""Bulk actions of the list view: delete the selected records, or set one Select / Check field on them.

Each record goes through the full document lifecycle as the user (permissions, record
rules, controller validation, version history) and is its own transaction: it is committed
when it succeeds and rolled back when it fails, so no record is ever half-done, and one
refusal does not undo the others. Every failure is reported with the server's message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from smooth.api.client import apply_update
from smooth.context import savepoint
from smooth.exceptions import SmoothError, ValidationError
from smooth.messages import _
from smooth.model import records
from smooth.model.user_writes import user_may_write
from smooth.pages.desk.list_query import ListContext

MAX_RECORDS = 500
ACTIONS = ("delete", "set")
CHECK_VALUES = {"1": 1, "0": 0, "true": 1, "false": 0}


@dataclass
class BulkResult:
    action: str
    label: str
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def set_choices(ctx: ListContext) -> list[tuple[str, list[tuple[str, str]]]]:
    """(field label, [(form value, option label)]) for the bulk "set" select: `fieldname:value` per option."""
    out = []
    for df in settable_fields(ctx):
        options = [("1", "Yes"), ("0", "No")] if df.fieldtype == "Check" else [(o, o) for o in df.select_options]
        out.append((df.label, [(f"{df.fieldname}:{value}", f"{df.label}: {label}") for value, label in options]))
    return out


def settable_fields(ctx: ListContext) -> list[Any]:
    """Fields a bulk edit may set: Select and Check fields the user can see and that are not read-only."""
    return [df for df in ctx.meta.value_fields
            if df.fieldtype in ("Select", "Check") and df.fieldname in ctx.columns and user_may_write(df, {})]


def _value(ctx: ListContext, fieldname: str, raw: str) -> tuple[str, Any, str]:
    df = next((f for f in settable_fields(ctx) if f.fieldname == fieldname), None)
    if df is None:
        raise ValidationError(_("{0!r} cannot be set in bulk on {1}: choose a Select or Check field that is not "
                                "read-only", fieldname, _(ctx.meta.name)))
    if df.fieldtype == "Check":
        if raw.strip().lower() not in CHECK_VALUES:
            raise ValidationError(_("{0} takes Yes (1) or No (0), not {1!r}", _(df.label), raw[:40]))
        value = CHECK_VALUES[raw.strip().lower()]
        return df.label, value, "Yes" if value else "No"
    if raw and raw not in df.select_options:
        raise ValidationError(_("{0!r} is not an option of {1}; use one of {2}",
                                raw[:40], _(df.label), ', '.join(df.select_options)))
    return df.label, raw, raw or "nothing"


def run(ctx: ListContext, action: str, names: Sequence[str], form: dict[str, Any]) -> BulkResult:
    if action not in ACTIONS:
        raise ValidationError(_("Unknown bulk action {0!r}; use delete or set", action[:40]))
    if not names:
        raise ValidationError(_("Select at least one record first"))
    if len(names) > MAX_RECORDS:
        raise ValidationError(_("At most {0} records can be changed at once", MAX_RECORDS))
    doctype = ctx.meta.name
    if action == "delete":
        result = BulkResult(action, "Deleted")
        change: Any = None
    else:
        fieldname, _colon, raw = str(form.get("set_to") or "").partition(":")
        label, value, shown = _value(ctx, fieldname, raw)
        result = BulkResult(action, f"{label} set to {shown} on")
        change = {fieldname: value}
    for name in dict.fromkeys(names):
        try:
            with savepoint():  # a refused record is undone alone; the request commits the others
                if change is None:
                    records.delete_doc(doctype, name, ignore_missing=False)
                else:
                    apply_update(records.get_doc(doctype, name, for_update=True), change).save()
        except SmoothError as exc:
            result.failed.append((name, exc.message))
            continue
        result.done.append(name)
    return result
