"""Lint rules for doctype JSON, each condition with a stable id of its own and a hint.

meta.E001 malformed JSON (registry) · E002 no name · E003 unknown fieldtype · E004 duplicate
fieldname · E005 field needs options · E006 Table of a missing doctype · E007 no fieldname ·
E008 fieldname not letters, digits and underscores · E009 autoname not understood · E010 default not an option ·
E012 permission row without role · E013 index of unknown fields · E014 unique long text ·
E015 title/sort/search field missing · E016 name differs from the file name · E017 autoname
field missing · E018 autoname field holds no value · E019 bad sort_order · E021 field not an
object · E022 fieldname is a standard column · E023 Link to a missing doctype · E024 Dynamic
Link to a missing field · E025 Table of a non-child doctype · E026 `fields` not a list.
Warnings: W005 a depends_on / mandatory_depends_on / read_only_depends_on condition outside
the grammar of smooth.expressions (the field is then shown, not mandatory, and read only);
keys Smooth does not implement are smooth.meta.frappe_keys' W001-W004.

`check_doctype` looks at one file on its own; `check_links` needs every doctype of the site.
The registry raises MetaError on any error-level issue, `bench check` prints them all.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import smooth.expressions as expressions
from smooth.i18n.deferred import _
from smooth.meta import fieldtypes
from smooth.meta.doctype import Meta

FIELDNAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # Frappe allows "ID": a quoted column
RESERVED = frozenset(fieldtypes.STANDARD_FIELDS + fieldtypes.CHILD_FIELDS + ("doctype",))
AUTONAME_RE = re.compile(
    r"^(|hash|prompt|Prompt|naming_series:|field:[A-Za-z_][A-Za-z0-9_]*|format:.+|autoincrement|.*#.*)$")


@dataclass(frozen=True)
class Issue:
    id: str
    level: str  # "error" or "warning"
    message: str
    hint: str = ""
    path: str = ""
    field: str = ""

    def __str__(self) -> str:
        where = self.path + (f" (field {self.field!r})" if self.field else "")
        hint = f"\n    hint: {self.hint}" if self.hint else ""
        return f"{where + ': ' if where else ''}{self.id} {self.message}{hint}"


def _issue(id: str, message: str, path: Path | str | None, field: str = "", hint: str = "",
           level: str = "error") -> Issue:
    return Issue(id=id, level=level, message=message, hint=hint, path=str(path or ""), field=field)


def check_doctype(data: Mapping[str, Any], path: Path | None) -> list[Issue]:
    issues: list[Issue] = []
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        return [_issue("meta.E002", _("the doctype has no `name`"), path, hint='add "name": "My DocType"')]
    if path is not None and path.stem != name.replace(" ", "_").replace("-", "_").lower():
        issues.append(_issue("meta.E016", _("doctype {0} does not match its file name {1}", repr(name),
                                            repr(path.name)), path,
                             hint="the folder and file stem must be the scrubbed doctype name"))
    autoname = (data.get("autoname") or "").strip()
    if not AUTONAME_RE.match(autoname):
        issues.append(_issue("meta.E009", _("autoname {0} is not understood", repr(autoname)), path,
                             hint="use hash, prompt, field:<fieldname>, naming_series:, format:... or PRE-.#####"))
    fields = data.get("fields") or []
    if not isinstance(fields, list):
        return issues + [_issue("meta.E026", _("`fields` must be a list"), path, hint='"fields": [{...}, ...]')]
    seen: set[str] = set()
    for position, field in enumerate(fields, start=1):
        issues.extend(_check_field(field, position, seen, path))
    if autoname.startswith("field:"):
        target = autoname[6:]
        fieldtype = next((f.get("fieldtype") for f in fields if isinstance(f, dict) and f.get("fieldname") == target),
                         None)
        if target not in seen:
            issues.append(_issue("meta.E017", _("autoname names the field {0}, which does not exist", repr(target)),
                                 path,
                                 hint="add the field or fix the autoname"))
        elif fieldtype not in fieldtypes.VALUE:
            issues.append(_issue("meta.E018", _("autoname names the field {0}, a {1} that holds no value",
                                                repr(target), fieldtype), path, target,
                                 hint="name documents after a value field"))
    for key in ("title_field", "sort_field"):
        value = data.get(key)
        if value and value not in seen and value not in RESERVED:
            issues.append(_issue("meta.E015", _("{0} names the field {1}, which does not exist", key, repr(value)),
                                 path,
                                 hint="name one of the doctype's fields"))
    if (data.get("sort_order") or "DESC").upper() not in ("ASC", "DESC"):
        issues.append(_issue("meta.E019", _("sort_order {0} is not ASC or DESC", repr(data["sort_order"])), path,
                             hint='use "ASC" or "DESC"'))
    for position, perm in enumerate(data.get("permissions") or [], start=1):
        if not isinstance(perm, dict) or not perm.get("role"):
            issues.append(_issue("meta.E012", _("permission row {0} has no role", position), path,
                                 hint='add "role": "<Role name>"'))
            continue
    for spec in data.get("indexes") or []:
        cols = spec if isinstance(spec, list) else (spec or {}).get("fields", [])
        missing = [c for c in cols if c not in seen and c not in RESERVED]
        if missing or not cols:
            issues.append(_issue("meta.E013", _("index {0} names unknown fields {1}", repr(cols), missing), path,
                                 hint="an index lists existing fieldnames"))
    return issues


def _check_field(field: Any, position: int, seen: set[str], path: Path | None) -> Iterable[Issue]:
    if not isinstance(field, dict):
        yield _issue("meta.E021", _("field {0} is not an object", position), path,
                     hint='each field is {"fieldname": ..., "fieldtype": ...}')
        return
    fieldname = field.get("fieldname")
    fieldtype = field.get("fieldtype")
    if not fieldname:
        yield _issue("meta.E007", _("field {0} has no fieldname", position), path, hint='add "fieldname": "snake_case"')
        return
    if fieldtype not in fieldtypes.ALL:
        yield _issue("meta.E003", _("unknown fieldtype {0}", repr(fieldtype)), path, fieldname,
                     hint="known types: " + ", ".join(sorted(fieldtypes.VALUE | fieldtypes.TABLE)))
    if not FIELDNAME_RE.match(fieldname):
        yield _issue("meta.E008", _("fieldname {0} is not letters, digits and underscores", repr(fieldname)), path,
                     fieldname, hint="snake_case, as Frappe names fields")
    elif fieldname.lower() in RESERVED:  # column names are case-insensitive on MariaDB and SQLite
        yield _issue("meta.E022", _("fieldname {0} is a standard column", repr(fieldname)), path, fieldname,
                     hint="rename the field")
    if fieldname.lower() in {name.lower() for name in seen}:  # "ID" and "id" are one column
        yield _issue("meta.E004", _("duplicate fieldname {0}", repr(fieldname)), path, fieldname,
                     hint="rename or remove one of the fields")
    seen.add(fieldname)
    if fieldtype in ("Link", "Table", "Table MultiSelect", "Dynamic Link") and not field.get("options"):
        yield _issue("meta.E005", _("{0} field needs `options`", fieldtype), path, fieldname,
                     hint="name the target doctype" if fieldtype != "Dynamic Link"
                     else "name the field that holds the doctype")
    if fieldtype == "Select" and field.get("default") not in (None, ""):
        options = [o.strip() for o in (field.get("options") or "").split("\n")]
        if str(field["default"]) not in options:
            yield _issue("meta.E010", _("default {0} is not one of the options", repr(field["default"])), path,
                         fieldname,
                         hint="options are one per line")
    if field.get("unique") and fieldtype in fieldtypes.LONG_TEXT:
        yield _issue("meta.E014", _("a long text field cannot be unique"), path, fieldname,
                     hint="use Data for unique values")
    for key in ("depends_on", "mandatory_depends_on", "read_only_depends_on"):
        if field.get(key):
            try:
                expressions.check(field[key])
            except expressions.ExpressionError as exc:
                yield _issue("meta.W005", _("{0}: {1} (the condition is ignored)", key, exc.message), path, fieldname,
                             hint="a fieldname, or eval: with doc.<field>, literals, comparisons, && || !, "
                                  "in_list(), cint(), .includes() and .length", level="warning")


def check_links(metas: Mapping[str, Meta], broken: Collection[str] = ()) -> list[Issue]:
    """Link and Table targets must exist; Table targets must be child doctypes.

    Targets named in `broken` exist but failed their own checks: they are already reported.
    """
    issues: list[Issue] = []
    for meta in metas.values():
        for field in meta.fields:
            target = field.options
            if target in broken and field.fieldtype != "Dynamic Link":
                continue
            if field.fieldtype == "Link" and target and target != "DocType" and target not in metas:
                issues.append(_issue("meta.E023", _("Link to missing doctype {0}", repr(target)), meta.path,
                                     field.fieldname,
                                     hint="fix the options or add the doctype"))
            elif field.fieldtype in fieldtypes.TABLE and target:
                child = metas.get(target)
                if child is None:
                    issues.append(_issue("meta.E006", _("Table of missing doctype {0}", repr(target)), meta.path,
                                         field.fieldname, hint="fix the options or add the child doctype"))
                elif not child.istable:
                    issues.append(_issue("meta.E025", _("Table target {0} is not a child doctype", repr(target)),
                                         meta.path,
                                         field.fieldname, hint=f'set "istable": 1 in {target}'))
            elif field.fieldtype == "Dynamic Link" and target and not meta.has_field(target):
                issues.append(_issue("meta.E024", _("Dynamic Link options names missing field {0}", repr(target)),
                                     meta.path, field.fieldname, hint="name the Link field that holds the doctype"))
    return issues
