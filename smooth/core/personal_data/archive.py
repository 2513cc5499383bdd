"""A person's data as one zip: `data.json` (every record the declarations find, grouped by doctype) and
`files/` (the stored files they own or that their records attach) and `pdf/` (records declared `pdf`,
printed with their default format: a certificate).

Only what names the person is read: a record another person owns is in the zip only when a declaration finds
it by a field naming this person (their certificate issued by an evaluator), never by its owner alone.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from smooth.context import db, now_datetime
from smooth.file_storage import read_file
from smooth.meta.doctype import Meta
from smooth.model.document import load_document
from smooth.printing.documents import get_print

from .declarations import Declaration, Finder, declarations

ATTACH = ("Attach", "Attach Image")
DOWNLOADS = "Personal Data Download Request"  # an earlier zip is not packed into the next one
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _record(meta: Meta, name: str) -> dict[str, Any]:
    if meta.istable:
        rows = db().get_all(meta.name, filters={"name": name}, fields=["*"], order_by="")
        return dict(rows[0]) if rows else {}
    return load_document(meta.name, name).as_dict()


def _attached_urls(record: dict[str, Any], meta: Meta) -> list[str]:
    return [str(record[f.fieldname]) for f in meta.value_fields
            if f.fieldtype in ATTACH and str(record.get(f.fieldname) or "").startswith(("/files/", "/private/"))]


def collect(user: str, entries: list[Declaration] | None = None) -> dict[str, list[dict[str, Any]]]:
    """{doctype: [record, ...]} of everything that names `user` (a record found twice is listed once)."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for entry, names in Finder(user, entries if entries is not None else declarations()).found():
        bucket = found.setdefault(entry.doctype, {})
        for name in names:
            if name not in bucket:
                bucket[name] = _record(entry.meta, name)
    return {doctype: list(rows.values()) for doctype, rows in found.items() if rows}


def _unique(taken: set[str], path: str) -> str:
    stem, dot, ext = path.rpartition(".")
    candidate, n = path, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}.{ext}" if dot else f"{path}-{n}"
    taken.add(candidate)
    return candidate


def build_zip(user: str) -> bytes:
    """The zip of `user`'s data (see the module's docstring)."""
    entries = declarations()
    records = collect(user, entries)
    buffer = io.BytesIO()
    taken: set[str] = set()
    urls: dict[str, str] = {}
    metas = {e.doctype: e.meta for e in entries}
    for doctype, rows in records.items():
        for row in rows:
            for url in _attached_urls(row, metas[doctype]):
                urls.setdefault(url, url.rsplit("/", 1)[-1])
    for row in records.get("File", []):
        if row.get("file_url") and row.get("owner") == user and row.get("attached_to_doctype") != DOWNLOADS:
            urls[str(row["file_url"])] = str(row.get("file_name") or row["file_url"]).rsplit("/", 1)[-1]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps({"user": user, "generated_on": now_datetime().isoformat(),
                                                  "records": records}, indent=1, default=str, sort_keys=True))
        for url, file_name in sorted(urls.items()):
            content = read_file(url) if url.startswith(("/files/", "/private/files/")) else None
            if content is not None:
                archive.writestr(_unique(taken, "files/" + (_UNSAFE.sub("_", file_name) or "file")), content)
        for entry in entries:
            if not entry.pdf:
                continue
            for row in records.get(entry.doctype, []):
                pdf = get_print(doc=load_document(entry.doctype, str(row["name"])), as_pdf=True)
                path = f"pdf/{_UNSAFE.sub('_', entry.doctype)}-{_UNSAFE.sub('_', str(row['name']))}.pdf"
                archive.writestr(_unique(taken, path), pdf)
    return buffer.getvalue()
