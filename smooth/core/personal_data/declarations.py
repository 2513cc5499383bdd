"""The `user_data_fields` of the site's apps, read against the site's meta, and the records each one finds.

Frappe's entry `{"doctype", "filter_by", "redact_fields", "partial", "strict"}`: `filter_by` (default `owner`)
is the field that names the person; `partial` keeps the record and blanks `redact_fields`, without it the
record is deleted; `strict: False` matches the person's email anywhere in the field's text. Smooth adds:

- `filter_by` a Link to another declared doctype (Employee Document's `employee`): the person's records of that
  doctype (their Employee, found by its own entry's `user_id`) are what the link must name;
- `filter_by` `"<table field>.<child field>"`: the records whose child rows name the person (an Email Queue
  whose recipients include them);
- `reason`: why a kept record is kept (the deletion request's record says it);
- `pdf`: the download carries each record printed as a PDF (a certificate);
- `rewrite_fields`: fields holding a key built from the person's name (a certificate's `member|course`), in
  which a kept record gets the anonymous id instead (a unique key stays unique).

The core declares its own doctypes (smooth/core/hooks.py); the apps declare theirs: the core knows none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, select

from smooth.context import db, local
from smooth.exceptions import HookError
from smooth.messages import _
from smooth.meta.doctype import Meta
from smooth.meta.fieldtypes import STANDARD_FIELDS

HOOK = "user_data_fields"
PERSON_COLUMNS = ("owner", "modified_by", "name", "parent")


@dataclass(frozen=True)
class Declaration:
    doctype: str
    filter_by: str = "owner"
    redact_fields: tuple[str, ...] = ()
    partial: bool = False
    strict: bool = True
    reason: str = ""
    pdf: bool = False
    rewrite_fields: tuple[str, ...] = ()
    meta: Meta = field(repr=False, compare=False, default=None)  # type: ignore[assignment]


def declarations() -> list[Declaration]:
    """Every entry of every app, checked against the meta (a doctype or field that does not exist is a HookError
    naming it: a typo must not quietly leave a person's records out of their download or their erasure;
    `bench check` reports the same as hooks.E006)."""
    site = local().site
    found: list[Declaration] = []
    for spec in site.hooks.get(HOOK):
        problem = spec_problem(spec, site.registry)
        if problem:
            raise HookError(_("{0}: {1}", HOOK, problem))
        found.append(Declaration(spec["doctype"], str(spec.get("filter_by") or "owner"),
                                 tuple(spec.get("redact_fields") or ()), bool(spec.get("partial")),
                                 bool(spec.get("strict", True)), str(spec.get("reason") or ""), bool(spec.get("pdf")),
                                 tuple(spec.get("rewrite_fields") or ()), site.get_meta(spec["doctype"])))
    return found


def spec_problem(spec: dict[str, Any], registry: Any) -> str:
    """What in one (well-shaped) entry the meta does not have ("" when nothing): its doctype, the field it
    finds the person by, a field to redact or rewrite. `registry`: the site's or `bench check`'s MetaRegistry."""
    doctype = spec["doctype"]
    if doctype not in registry:
        return f"doctype {doctype!r} does not exist"
    meta = registry.get(doctype)
    filter_by = str(spec.get("filter_by") or "owner")
    table_field, dot, child_field = filter_by.partition(".")
    if dot:
        table = meta.get_field(table_field)
        if table is None or table.options not in registry or registry.get(table.options).get_field(child_field) is None:
            return f"{doctype} has no child table field {filter_by!r}"
    elif filter_by not in PERSON_COLUMNS and meta.get_field(filter_by) is None:
        return f"{doctype} has no field {filter_by!r} to find a person by"
    for fieldname in [*(spec.get("redact_fields") or ()), *(spec.get("rewrite_fields") or ())]:
        if meta.get_field(fieldname) is None:
            return f"{doctype} has no field {fieldname!r} to redact or rewrite"
    return ""


def contains(column: Any, text: str) -> Any:
    """`column LIKE '%text%'` with the text's own `%` and `_` taken literally (an email's underscore)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


class Finder:
    """The names of the records each declaration finds for one person (a user's name, which is their email)."""

    def __init__(self, user: str, entries: list[Declaration]) -> None:
        self.user = user
        self.entries = entries
        self._linked: dict[str, list[str]] = {}

    def names(self, entry: Declaration) -> list[str]:
        meta = entry.meta
        table_field, dot, child_field = entry.filter_by.partition(".")
        if dot:
            child = str(meta.get_field(table_field).options)  # type: ignore[union-attr]
            rows = db().table(child)
            query = select(rows.c.parent).where(and_(rows.c.parenttype == meta.name,
                                                     self._condition(rows.c[child_field], entry.strict)))
            return sorted({str(r[0]) for r in db().execute(query).fetchall()})
        table = db().table(meta.name)
        column = table.c[entry.filter_by]
        if self._links_elsewhere(entry):
            linked = self.linked(str(meta.get_field(entry.filter_by).options))  # type: ignore[union-attr]
            if not linked:
                return []
            condition = column.in_(linked)
        else:
            condition = self._condition(column, entry.strict)
        return [str(r[0]) for r in db().execute(select(table.c.name).where(condition).order_by(table.c.name))]

    def _condition(self, column: Any, strict: bool) -> Any:
        return column == self.user if strict else contains(column, self.user)

    def linked(self, doctype: str) -> list[str]:
        """The person's records of `doctype` by its own declaration (their Employee): what a Link to it names."""
        if doctype not in self._linked:
            self._linked[doctype] = []  # a declaration linking back to itself finds nothing more
            own = [e for e in self.entries if e.doctype == doctype and "." not in e.filter_by
                   and not self._links_elsewhere(e)]
            self._linked[doctype] = sorted({n for e in own for n in self.names(e)})
        return self._linked[doctype]

    @staticmethod
    def _links_elsewhere(entry: Declaration) -> bool:
        """Whether the entry finds the person through their records of another doctype (a Link to Employee)."""
        target = entry.meta.get_field(entry.filter_by)
        return target is not None and target.fieldtype == "Link" and target.options not in (None, "", "User") \
            and entry.filter_by not in STANDARD_FIELDS

    def found(self) -> list[tuple[Declaration, list[str]]]:
        """Each declaration with the names it finds, in declaration order."""
        return [(entry, self.names(entry)) for entry in self.entries]
