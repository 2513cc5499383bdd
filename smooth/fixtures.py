"""Fixtures: records an app ships as JSON (`fixtures/<doctype>.json`), upserted by `bench migrate`.

Sync is idempotent: a record whose shipped fields already match is left untouched, so a
second migrate changes nothing (no new `modified`, no Version rows).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from smooth.apps import App
from smooth.exceptions import DoesNotExistError, ValidationError
from smooth.meta.doctype import scrub
from smooth.session import db, local

SKIPPED_KEYS = frozenset({"creation", "modified", "modified_by", "owner", "docstatus", "idx", "parent",
                          "parenttype", "parentfield"})


def fixture_files(apps: Sequence[App]) -> list[Path]:
    files = []
    for app in apps:
        if app.fixtures_path.is_dir():
            files.extend(sorted(app.fixtures_path.glob("*.json")))
    return files


def sync_fixtures(apps: Sequence[App], progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Upsert every shipped record. Returns counts of inserted / updated / unchanged records."""
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    for path in fixture_files(apps):
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValidationError(f"{path}: malformed JSON at line {exc.lineno}: {exc.msg}") from exc
        if progress:
            progress(str(path))
        for record in records if isinstance(records, list) else [records]:
            counts[upsert(record, path)] += 1
    return counts


def upsert(record: dict[str, Any], path: Path | None = None) -> str:
    from smooth import get_doc

    doctype = record.get("doctype")
    if not doctype:
        raise ValidationError(f"{path}: every fixture record needs a doctype")
    meta = local().site.get_meta(doctype)
    name = record.get("name") or (doctype if meta.issingle else None)
    values = {k: v for k, v in record.items() if k not in SKIPPED_KEYS}
    existing = None
    if name:
        try:
            existing = get_doc(doctype, name) if not meta.issingle else get_doc(doctype)
        except DoesNotExistError:
            existing = None
    if existing is None:
        doc = get_doc(values)
        doc.flags.ignore_permissions = True
        doc.insert(set_name=name)
        return "inserted"
    if _same(existing.as_dict(), values):
        return "unchanged"
    existing.update(values)
    existing.flags.ignore_permissions = True
    existing.save()
    return "updated"


def _same(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    for key, value in wanted.items():
        if key in ("doctype", "name"):
            continue
        have = current.get(key)
        if isinstance(value, list):
            rows = have or []
            if len(rows) != len(value):
                return False
            if not all(_same(r, {k: v for k, v in w.items() if k not in ("name", *SKIPPED_KEYS)})
                       for r, w in zip(rows, value, strict=True)):
                return False
        elif _plain(have) != _plain(value):
            return False
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return None if value == "" else value


def export_fixtures(progress: Callable[[str, int], None] | None = None) -> list[Path]:
    """Write every record named by the apps' `fixtures` hook to `<app>/fixtures/<doctype>.json`."""
    from smooth import get_doc

    written = []
    for app, spec in local().site.hooks.fixtures:
        doctype = spec if isinstance(spec, str) else spec.get("dt") or spec.get("doctype")
        filters = None if isinstance(spec, str) else spec.get("filters")
        or_filters = None if isinstance(spec, str) else spec.get("or_filters")
        names = db().get_all(doctype, filters=filters, or_filters=or_filters, pluck="name", order_by="name asc")
        if progress:
            progress(doctype, len(names))
        records = []
        for name in names:
            data = get_doc(doctype, name).as_dict(convert_dates_to_str=True)
            records.append(_strip(data))
        app.fixtures_path.mkdir(exist_ok=True)
        target = app.fixtures_path / f"{scrub(doctype)}.json"
        target.write_text(json.dumps(records, indent=1, sort_keys=True, default=str) + "\n")
        written.append(target)
    return written


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if key in SKIPPED_KEYS:
            continue
        if isinstance(value, list):
            value = [{k: v for k, v in _strip(row).items() if k not in ("name", "doctype")} for row in value]
        out[key] = value
    return out
