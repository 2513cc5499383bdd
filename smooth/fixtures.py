"""Fixtures: records an app ships as JSON (`fixtures/<doctype>.json`), synced by `bench migrate`.

Sync is idempotent: a record whose shipped fields already match is left untouched, so a
second migrate changes nothing (no new `modified`, no Version rows). An admin's edits win: each
synced record's shipped version is kept in a Fixture Sync Log, and a record that no longer
matches it was edited on the site, so migrate leaves it as it is (`kept`) and says so when the
app ships a new version; `bench reset-fixture` takes the shipped one on purpose.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smooth.apps import App
from smooth.context import db, local
from smooth.exceptions import DoesNotExistError, ValidationError
from smooth.messages import _
from smooth.meta.doctype import scrub
from smooth.model.database_api import document_db
from smooth.model.records import get_doc

if TYPE_CHECKING:
    from smooth.model.document import Document

SKIPPED_KEYS = frozenset({"creation", "modified", "modified_by", "owner", "docstatus", "idx", "parent",
                          "parenttype", "parentfield"})


MODULE_RECORDS = ("print_format",)  # folders of records beside a module's doctypes, as Frappe apps ship them


def fixture_files(apps: Sequence[App]) -> list[Path]:
    files = []
    for app in apps:
        if app.fixtures_path.is_dir():
            files.extend(sorted(app.fixtures_path.glob("*.json")))
        for folder in MODULE_RECORDS:
            files.extend(app.module_record_files(folder))
    return files


LOG = "Fixture Sync Log"


CUSTOMIZATIONS = frozenset({"Custom Field", "Property Setter"})


def sync_fixtures(apps: Sequence[App], progress: Callable[[str], None] | None = None,
                  notice: Callable[[str], None] | None = None, *,
                  customizations: bool | None = None) -> dict[str, int]:
    """Sync every shipped record. Returns counts of inserted / updated / unchanged / kept (edited on the
    site) records; `notice` hears about each edited record whose shipped version changed.

    `customizations` True syncs only Custom Fields and Property Setters, False everything else: migrate
    commits the first (which adds their columns) before the records that fill those columns."""
    counts = {"inserted": 0, "updated": 0, "unchanged": 0, "kept": 0}
    for path, records in _in_link_order(shipped_records(apps)):
        if customizations is not None:
            records = [r for r in records if (r.get("doctype") in CUSTOMIZATIONS) == customizations]
            if not records:
                continue
        if progress:
            progress(str(path))
        for record in records:
            outcome = upsert(record, path)
            counts["kept" if outcome == "conflict" else outcome] += 1
            if outcome == "conflict" and notice:
                notice(f"kept the site's edits to {record['doctype']} {record.get('name')}: the app ships a "
                       f"new version (bench reset-fixture \"{record['doctype']}\" \"{record.get('name')}\" "
                       "takes it)")
    return counts


def shipped_records(apps: Sequence[App]) -> list[tuple[Path, list[dict[str, Any]]]]:
    """Every record the apps ship, by file: fixtures, module record folders, Frappe's customization files."""
    return [(path, _read(path)) for path in fixture_files(apps)] + _module_customizations(apps)


def _module_customizations(apps: Sequence[App]) -> list[tuple[Path, list[dict[str, Any]]]]:
    """Frappe's "Export Customizations" files, `<module>/custom/<doctype>.json` with `sync_on_migrate`: their
    `custom_fields` and `property_setters` as records (custom_perms and links are not implemented)."""
    found = []
    for app in apps:
        for path in app.module_files("custom"):
            read = _read(path)
            data = read[0] if len(read) == 1 else None
            if not isinstance(data, dict) or not data.get("sync_on_migrate"):
                continue
            records = [{**row, "doctype": doctype} for key, doctype in (("custom_fields", "Custom Field"),
                                                                        ("property_setters", "Property Setter"))
                       for row in data.get(key) or []]
            found.append((path, records))
    return found


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationError(_("{0}: malformed JSON at line {1}: {2}", path, exc.lineno, exc.msg)) from exc
    return records if isinstance(records, list) else [records]


def _in_link_order(files: list[tuple[Path, list[dict[str, Any]]]]) -> list[tuple[Path, list[dict[str, Any]]]]:
    """Files holding the records others link to go first, so link validation finds them; else file order."""
    registry = local().site.registry
    held = [{str(r.get("doctype")) for r in records} for _path, records in files]
    needs = []
    for doctypes in held:
        metas = [registry.get(d) for d in doctypes if d in registry]
        metas += [registry.get(f.options) for m in metas for f in m.table_fields if f.options and f.options in registry]
        needs.append({str(f.options) for m in metas for f in m.link_fields} - doctypes)
    ordered, pending = [], list(range(len(files)))
    while pending:
        free = (i for i in pending if not any(needs[i] & held[j] for j in pending if j != i))
        ready = next(free, pending[0])  # a cycle: fall back to file order
        ordered.append(files[ready])
        pending.remove(ready)
    return ordered


def upsert(record: dict[str, Any], path: Path | None = None, *, force: bool = False) -> str:
    """inserted, updated, unchanged, kept (edited on the site) or conflict (edited, and shipped anew)."""
    doctype = record.get("doctype")
    if not doctype:
        raise ValidationError(_("{0}: every fixture record needs a doctype", path))
    meta = local().site.get_meta(doctype)
    name = record.get("name") or (doctype if meta.issingle else None)
    values = {k: v for k, v in record.items() if k not in SKIPPED_KEYS}
    shipped = json.dumps(values, sort_keys=True, default=str)
    key = f"{doctype}::{name}" if name else None
    if key and not force and not meta.issingle and _untouched_since_synced(key, str(doctype), str(name), shipped):
        return "unchanged"
    existing = None
    if name:
        try:
            existing = get_doc(doctype, name) if not meta.issingle else get_doc(doctype)
        except DoesNotExistError:
            existing = None
    synced = db().get_value(LOG, key, "shipped") if key else None
    if existing is None:
        doc = get_doc(values)
        doc.flags.ignore_permissions = True
        doc.insert(set_name=name)
        outcome = "inserted"
    elif _same(existing.as_dict(), values):
        outcome = "unchanged"
    elif synced is not None and not force and (synced == shipped or not _same(existing.as_dict(),
                                                                               json.loads(synced))):
        return "kept" if synced == shipped else "conflict"
    else:
        existing.update(values)
        existing.flags.ignore_permissions = True
        existing.save()
        outcome = "updated"
    if key and synced != shipped:
        _remember(key, str(doctype), str(name), shipped, exists=synced is not None)
    return outcome


def _untouched_since_synced(key: str, doctype: str, name: str, shipped: str) -> bool:
    """The record was synced to this very shipped version and nobody saved it since (two small reads instead
    of loading the document: what makes a migrate with nothing to do cheap)."""
    log = db().get_value(LOG, key, ["shipped", "modified"], as_dict=True)
    if not log or log["shipped"] != shipped:
        return False
    modified = db().get_value(doctype, name, "modified")
    return modified is not None and log["modified"] is not None and modified <= log["modified"]


def _remember(key: str, doctype: str, name: str, shipped: str, *, exists: bool) -> None:
    if exists:
        document_db().set_value(LOG, key, {"shipped": shipped}, update_modified=False)
        return
    log = get_doc({"doctype": LOG, "reference_doctype": doctype, "reference_name": name, "shipped": shipped})
    log.flags.ignore_permissions = True
    log.insert(set_name=key)


def reset_fixture(apps: Sequence[App], doctype: str, name: str) -> str:
    """Overwrite a record with the version its app ships (the admin chose to drop the site's edits)."""
    for path in fixture_files(apps):
        for record in _read(path):
            if record.get("doctype") == doctype and (record.get("name") or doctype) == name:
                return upsert(record, path, force=True)
    raise DoesNotExistError(_("No app ships {0} {1} as a fixture", _(doctype), name))


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
    written = []
    site = local().site
    for app, spec in site.hooks.fixtures:
        doctype = spec if isinstance(spec, str) else spec.get("dt") or spec.get("doctype")
        filters = None if isinstance(spec, str) else spec.get("filters")
        or_filters = None if isinstance(spec, str) else spec.get("or_filters")
        if site.get_meta(doctype).issingle:
            docs = [get_doc(doctype)]
        else:
            names = db().get_all(doctype, filters=filters, or_filters=or_filters, pluck="name",
                                 order_by="name asc")
            docs = [get_doc(doctype, name) for name in names]
        if progress:
            progress(doctype, len(docs))
        records = [_strip(doc) for doc in docs]
        app.fixtures_path.mkdir(exist_ok=True)
        target = app.fixtures_path / f"{scrub(doctype)}.json"
        target.write_text(json.dumps(records, indent=1, sort_keys=True, default=str) + "\n")
        written.append(target)
    return written


def _strip(doc: Document, child: bool = False) -> dict[str, Any]:
    """The shipped part of a record: no bookkeeping columns, no (masked) passwords, no child row names."""
    data = doc.as_dict(convert_dates_to_str=True)
    dropped = SKIPPED_KEYS | {f.fieldname for f in doc.meta.password_fields}
    if child:
        dropped |= {"name", "doctype"}
    out = {}
    for key, value in data.items():
        if key in dropped:
            continue
        if isinstance(value, list):
            value = [_strip(row, child=True) for row in doc.get(key) or []]
        out[key] = value
    return out
