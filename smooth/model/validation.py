"""The standard checks every document passes before it is written.

Types and lengths, Select options, mandatory values, Links (one query per target doctype,
which also brings the `fetch_from` values) and unique fields. They run after the
controller's `validate`, as in Frappe, so a controller may fill a mandatory value the checks then
see. Links are also checked before `validate` (after `before_validate`): an unknown Link is a 417
naming the field, and the fetched values are there for the controller. A mandatory value may still
be missing in `validate`: controller code reading one skips its check when it is empty, and the
mandatory check after it answers "value missing" (417), never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import smooth.expressions as expressions
from smooth.context import db, local
from smooth.exceptions import LinkValidationError, MandatoryError, ValidationError
from smooth.messages import _
from smooth.meta import fieldtypes
from smooth.meta.doctype import DocField
from smooth.model.save_plan import plan_of
from smooth.safe_urls import ALLOWED, is_safe_url

if TYPE_CHECKING:
    from smooth.model.document import Document


def validate_document(doc: Document, *, ignore_mandatory: bool = False, ignore_links: bool = False) -> None:
    family = (doc, *doc.get_all_children()) if doc.meta.table_fields else (doc,)
    for member in family:
        validate_values(member)
    if not ignore_mandatory:
        validate_mandatory(doc)
    if not ignore_links and _may_link(doc):
        for member in family:
            validate_links(member)
    for member in family:
        member.__dict__.pop(_CHECKED, None)


def _may_link(doc: Document) -> bool:
    """Whether the document or its rows can hold a Link at all (most bulk-loaded doctypes cannot)."""
    return bool(doc.meta.linking_fields or doc.meta.table_fields)


def fetch_linked_values(doc: Document) -> None:
    """Frappe's first step of a save: Links checked and their `fetch_from` values filled before
    `before_insert`, naming and `before_validate`, so a fetched value counts for the name and the
    mandatory check (a document Frappe accepts without the fetched value is accepted here)."""
    if doc.flags.ignore_links or doc.flags.ignore_validate or not _may_link(doc):
        return
    for member in (doc, *doc.get_all_children()):
        member.__dict__[_CHECKED] = {}
        validate_links(member)


def validate_links_before_validate(doc: Document) -> None:
    """Links set by `before_validate` exist and bring their fetch_from values before `validate` reads them."""
    if doc.flags.ignore_links or not _may_link(doc):
        return
    for member in (doc, *doc.get_all_children()):
        member.__dict__.setdefault(_CHECKED, {})
        validate_links(member)


def row_label(doc: Document) -> str:
    """"Row #2 in Schedule: " for a child row, "" for a parent: the prefix of every message about it."""
    if doc.parent_doc is not None:
        table_field = doc.parent_doc.meta.get_field(doc.parentfield or "")
        label = table_field.label if table_field else doc.doctype
        return _("Row #{0} in {1}: ", doc.idx, _(label))
    return ""


def validate_values(doc: Document) -> None:
    values = doc.__dict__
    for field, url, kind, options, quick_limit in plan_of(doc).checks:
        value = values.get(field.fieldname)
        if value is None or value == "":
            continue
        if url and not is_safe_url(value):
            raise ValidationError(_("{0}{1} must be {2}, not {3!r}",
                                    row_label(doc), _(field.label), ALLOWED, str(value)[:80]))
        if kind == "text":
            if type(value) is not str or len(value) > quick_limit:
                fieldtypes.check_length(field, value, row_label(doc))
        elif kind == "select":
            if options and value not in options and not (
                    field.fieldname == doc.flags.workflow_state_field and value in (doc.flags.workflow_states or ())):
                # an admin's workflow may add states the Select does not list (Frappe allows it too)
                raise ValidationError(
                    _("{0}{1} cannot be {2!r}; it should be one of {3}",
                      row_label(doc), _(field.label), value, ", ".join(repr(o) for o in field.select_options)))
        elif kind == "rating":
            fieldtypes.check_rating(field, field.options, value, row_label(doc))
        elif kind == "sign" and value < 0:
            raise ValidationError(_("{0}{1} cannot be negative", row_label(doc), _(field.label)))


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list) and not value)


def validate_mandatory(doc: Document) -> None:
    """`reqd` fields, and fields whose `mandatory_depends_on` condition holds for the document (or row)."""
    missing: list[str] = []
    for member in (doc, *doc.get_all_children()):
        values = member.__dict__
        for field in member.meta.mandatory_fields:
            if _empty(values.get(field.fieldname)):
                missing.append(row_label(member) + _(field.label))
        for field in member.meta.conditionally_mandatory:
            if _empty(values.get(field.fieldname)) and expressions.holds(
                    field.mandatory_depends_on, _condition_values(member), False):
                missing.append(row_label(member) + _(field.label))
    for table_field in doc.meta.table_fields:
        if table_field.reqd and not doc.__dict__.get(table_field.fieldname):
            missing.append(_(table_field.label))
    if missing:
        raise MandatoryError(_("{0} {1}: value missing for {2}", _(doc.doctype), doc.name or '', ", ".join(missing)))


def _condition_values(doc: Document) -> dict[str, Any]:
    """The values a field condition sees: every field (tables as their rows) plus the standard columns."""
    values = {name: doc.__dict__.get(name) for name in doc.meta.columns}
    for table_field in doc.meta.table_fields:
        values[table_field.fieldname] = list(doc.__dict__.get(table_field.fieldname) or [])
    return expressions.values_of(values, doc.is_new())


_CHECKED = "_links_checked"  # links found by the pass before `validate`, reused by the pass after it


def validate_links(doc: Document) -> None:
    """Every Link value must exist; one query per target doctype also brings the fetch_from values.

    Within one save the second pass (after `validate`) only reads the values the first did not."""
    site = local().site
    wanted: dict[str, dict[str, list[DocField]]] = {}
    for field in doc.meta.linking_fields:
        value = doc.__dict__.get(field.fieldname)
        if value in (None, ""):
            continue
        target = field.options if field.fieldtype == "Link" else doc.get(field.options or "")
        if not target:
            raise LinkValidationError(_("{0}{1}: choose a DocType first", row_label(doc), _(field.label)))
        if target == "DocType" or target not in site.registry:
            if (value if target == "DocType" else target) not in site.registry:
                raise LinkValidationError(_("{0}Could not find {1}: {2}", row_label(doc), _(field.label), value))
            continue
        target_meta = site.get_meta(target)
        if target_meta.issingle:
            continue
        wanted.setdefault(target, {}).setdefault(str(value), []).append(field)
    checked: dict[tuple[str, str], Mapping[str, Any]] | None = doc.__dict__.get(_CHECKED)
    for target, by_value in wanted.items():
        found = {value.lower(): checked[(target, value.lower())] for value in by_value
                 if checked is not None and (target, value.lower()) in checked}
        database = db()
        for value, fields in by_value.items():
            if value.lower() not in found and (remembered := database.remembered_row(target, value)) is not None \
                    and all(source in remembered for field in fields
                            for _fieldname, source, _if_empty in doc.meta.fetches.get(field.fieldname, ())):
                found[value.lower()] = remembered  # a site-cached row lacks its volatile columns: fetch those anew
        unseen = [value for value in by_value if value.lower() not in found]
        if unseen:
            # whole rows: the controller's own reads of these records in this transaction are answered from them
            rows = database.get_all(target, fields=["*"], filters=[["name", "in", unseen]], order_by="")
            database.remember_rows(target, rows)
            for row in rows:
                found[str(row["name"]).lower()] = row
                if checked is not None:
                    checked[(target, str(row["name"]).lower())] = row
        for value, fields in by_value.items():
            row = found.get(value.lower())
            if row is None:
                raise LinkValidationError(_("{0}Could not find {1}: {2}", row_label(doc), _(fields[0].label), value),
                                          doctype=target, value=value)
            for field in fields:
                _apply_fetches(doc, field, row)


def _apply_fetches(doc: Document, link: DocField, row: Mapping[str, Any]) -> None:
    """A fetched value replaces the field's when the Link changed or the field is empty; a
    `fetch_if_empty` field keeps any value it has (typed by the user, as in Frappe)."""
    for fieldname, source, if_empty in doc.meta.fetches.get(link.fieldname, ()):
        empty = doc.get(fieldname) in (None, "")
        if source in row and (empty or (not if_empty and doc.has_value_changed(link.fieldname))):
            doc.__dict__[fieldname] = row[source]

