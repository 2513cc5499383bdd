"""Document: one record of a doctype, and its lifecycle.

insert():
    check create permission -> defaults, owner, timestamps -> before_insert -> naming
    -> before_validate -> validate -> before_save (before_submit when inserted submitted)
    -> standard validation (types, mandatory, select, length, links + fetch_from, unique)
    -> INSERT parent, then children -> after_insert -> on_update (+ on_submit)
    -> Version (track_changes) -> on_change
save():
    check write/submit/cancel permission -> reload the stored row FOR UPDATE and refuse a
    stale `modified` (TimestampMismatchError) -> docstatus transition check
    -> before_validate -> validate -> before_save | before_submit | before_cancel |
    before_update_after_submit -> standard validation -> UPDATE parent, upsert/delete
    children -> on_update | on_submit | on_cancel | on_update_after_submit -> Version -> on_change
delete (smooth.delete_doc): delete permission -> on_trash -> links check -> DELETE
    -> after_delete.

Each event runs the controller method first, then every `doc_events` handler from the
apps' hooks.py (`handler(doc, method)`), for the doctype and then for "*". Nothing here
commits: the unit of work around the call does, or rolls everything back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from smooth import permissions
from smooth.exceptions import (
    DataError,
    DocstatusTransitionError,
    DoesNotExistError,
    DuplicateEntryError,
    LinkValidationError,
    MandatoryError,
    TimestampMismatchError,
    UniqueValidationError,
    UpdateAfterSubmitError,
    ValidationError,
)
from smooth.meta import fieldtypes
from smooth.meta.doctype import DocField, Meta
from smooth.model import naming
from smooth.model.coerce import CoercionError, coercer_for, to_text
from smooth.session import db, local, now_datetime, session_user, today

PASSWORD_MASK = "*****"
ACTIONS = {0: "save", 1: "submit", 2: "cancel"}


class DocFlags(dict):  # type: ignore[type-arg]
    """`doc.flags.ignore_permissions` style access; missing flags read as None."""

    def __getattr__(self, key: str) -> Any:
        return self.get(key)

    def __setattr__(self, key: str, value: Any) -> None:
        self[key] = value


def coerce_value(meta: Meta, field: DocField, value: Any) -> Any:
    try:
        return coercer_for(field.fieldtype)(value)
    except CoercionError as exc:
        raise DataError(f"{meta.name}: value {value!r} for {field.label} ({field.fieldname}) {exc}") from None


def coerce_for_db(meta: Meta, fieldname: str, value: Any) -> Any:
    field = meta.get_field(fieldname)
    if field is None:
        return value
    value = coerce_value(meta, field, value)
    return None if value == "" and field.fieldtype not in fieldtypes.SHORT_TEXT | fieldtypes.LONG_TEXT else value


def single_text(value: Any) -> str:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return to_text(value) or ""


def coerce_from_single(meta: Meta, fieldname: str, value: Any) -> Any:
    field = meta.get_field(fieldname)
    if field is None or value is None:
        return value
    return coerce_value(meta, field, value)


class Document:
    """A record; controllers subclass it (`class LMSCourse(Document)`)."""

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        values = dict(data or {}, **kwargs)
        doctype = values.pop("doctype", None) or getattr(type(self), "doctype", None)
        if not doctype:
            raise ValidationError("A document needs a doctype")
        site = local().site
        self.doctype: str = doctype
        self.meta: Meta = site.get_meta(doctype)
        self.flags = DocFlags()
        self.parent_doc: Document | None = None
        self._doc_before_save: Document | None = None
        self._original_modified: Any = None
        for column in self.meta.columns:
            self.__dict__[column] = None
        self.docstatus = 0
        self.idx = 0
        for table_field in self.meta.table_fields:
            self.__dict__[table_field.fieldname] = []
        self.update(values)

    # -- dict-like access -----------------------------------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        value = self.__dict__.get(key, default)
        return default if value is None else value

    def set(self, key: str, value: Any) -> None:
        if key in self.__dict__ and isinstance(self.__dict__.get(key), list) and \
                self.meta.get_field(key) is not None and self.meta.get_field(key).fieldtype in fieldtypes.TABLE:
            self.__dict__[key] = []
            for row in value or []:
                self.append(key, row)
            return
        setattr(self, key, value)

    def update(self, values: Mapping[str, Any]) -> Document:
        for key, value in values.items():
            if key == "name" and value is not None:
                self.name = value
            elif self.meta.get_field(key) is not None and self.meta.get_field(key).fieldtype in fieldtypes.TABLE:
                self.set(key, value)
            elif key in self.meta.column_set or not hasattr(type(self), key) and key not in (
                    "doctype", "meta", "flags", "parent_doc"):
                setattr(self, key, value)  # never shadows a method or class attribute (e.g. "validate")
        return self

    def append(self, table_field: str, row: Mapping[str, Any] | Document | None = None) -> Document:
        field = self.meta.get_field(table_field)
        if field is None or field.fieldtype not in fieldtypes.TABLE:
            raise ValidationError(f"{self.doctype} has no table field {table_field!r}")
        if isinstance(row, Document):
            child = row
        else:
            from smooth.model.controller import get_controller

            child_cls = get_controller(local().site, field.options or "")
            child = child_cls({**(row or {}), "doctype": field.options})
        rows = self.__dict__.setdefault(table_field, [])
        child.parent_doc = self
        child.parentfield = table_field
        child.parenttype = self.doctype
        child.parent = self.name
        child.idx = len(rows) + 1
        rows.append(child)
        return child

    def is_new(self) -> bool:
        return bool(self.flags.is_new) or self.__dict__.get("_loaded") is not True

    def as_dict(self, *, no_nulls: bool = False, convert_dates_to_str: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"doctype": self.doctype}
        for column in self.meta.columns:
            value = self.__dict__.get(column)
            if no_nulls and value is None:
                continue
            if column in self._password_fieldnames() and value:
                value = PASSWORD_MASK
            if convert_dates_to_str and isinstance(value, dt.date | dt.time):
                value = single_text(value)
            out[column] = value
        for table_field in self.meta.table_fields:
            out[table_field.fieldname] = [
                row.as_dict(no_nulls=no_nulls, convert_dates_to_str=convert_dates_to_str)
                for row in self.__dict__.get(table_field.fieldname) or []
            ]
        return out

    def _password_fieldnames(self) -> set[str]:
        return {f.fieldname for f in self.meta.password_fields}

    def get_password(self, fieldname: str = "password", raise_exception: bool = True) -> str | None:
        from smooth.passwords import get_decrypted_password

        return get_decrypted_password(self.doctype, self.name, fieldname, raise_exception=raise_exception)

    def get_password_mode(self, fieldname: str) -> str:
        """'encrypt' (reversible, the default) or 'hash' (one-way; login passwords, API secrets)."""
        return "encrypt"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.doctype}: {self.name}>"

    # -- children -------------------------------------------------------------------------

    def get_all_children(self) -> list[Document]:
        rows: list[Document] = []
        for table_field in self.meta.table_fields:
            rows.extend(self.__dict__.get(table_field.fieldname) or [])
        return rows

    # -- hooks ----------------------------------------------------------------------------

    def run_method(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Controller method, then every doc_events handler for this doctype and for '*'."""
        result = None
        fn = getattr(self, method, None)
        if callable(fn):
            result = fn(*args, **kwargs)
        for handler in local().site.hooks.events_for(self.doctype, method):
            handler(self, method, *args, **kwargs)
        return result

    def has_value_changed(self, fieldname: str) -> bool:
        before = self.get_doc_before_save()
        if before is None:
            return not self.is_new() or self.get(fieldname) not in (None, "", 0)
        return before.get(fieldname) != self.get(fieldname)

    def get_doc_before_save(self) -> Document | None:
        return self._doc_before_save

    def check_permission(self, ptype: str = "read") -> None:
        permissions.has_permission(self.doctype, ptype, doc=self, raise_exception=True)

    # -- insert ---------------------------------------------------------------------------

    def insert(
        self,
        ignore_permissions: bool | None = None,
        ignore_links: bool | None = None,
        ignore_if_duplicate: bool = False,
        ignore_mandatory: bool | None = None,
        set_name: str | None = None,
    ) -> Document:
        for flag, value in (("ignore_permissions", ignore_permissions), ("ignore_links", ignore_links),
                            ("ignore_mandatory", ignore_mandatory)):
            if value is not None:
                self.flags[flag] = value
        if self.meta.issingle:
            return self.save()
        self.flags.is_new = True
        if set_name:
            self.name = set_name
            self.flags.name_set = True
        if not self.flags.ignore_permissions:
            self.check_permission("create")
            if int(self.docstatus or 0) == 1:
                self.check_permission("submit")
        self._set_defaults()
        self._set_user_and_timestamp()
        self._coerce_all()
        if self.docstatus not in (0, 1):
            raise DocstatusTransitionError(f"A new {self.doctype} can only be saved as Draft or Submitted")
        if self.docstatus == 1 and not self.meta.is_submittable:
            raise DocstatusTransitionError(f"{self.doctype} is not submittable")
        self.run_method("before_insert")
        naming.set_new_name(self)
        self._set_child_parents()
        self._run_before_save_methods(ACTIONS[self.docstatus])
        self._validate()
        try:
            self._db_insert()
        except DuplicateEntryError:
            if ignore_if_duplicate:
                return self
            raise
        self.__dict__["_loaded"] = True
        self.run_method("after_insert")
        self._run_post_save_methods()
        self.flags.is_new = False
        return self

    def _set_defaults(self) -> None:
        for field in self.meta.value_fields:
            if self.__dict__.get(field.fieldname) is not None:
                continue
            default = default_value(field)
            if default is not None:
                self.__dict__[field.fieldname] = default
        for child in self.get_all_children():
            child._set_defaults()

    def _set_user_and_timestamp(self) -> None:
        now = now_datetime()
        user = session_user()
        self.modified = now
        self.modified_by = user
        if self.is_new():
            self.creation = self.creation or now
            self.owner = self.owner or user
        for child in self.get_all_children():
            child.modified, child.modified_by = now, user
            if child.creation is None:
                child.creation, child.owner = now, self.owner or user
            child.docstatus = self.docstatus

    def _set_child_parents(self) -> None:
        for table_field in self.meta.table_fields:
            for position, child in enumerate(self.__dict__.get(table_field.fieldname) or [], start=1):
                child.parent, child.parenttype, child.parentfield = self.name, self.doctype, table_field.fieldname
                child.idx = position
                child.parent_doc = self
                if not child.name:
                    child.name = naming.make_hash()

    def _coerce_all(self) -> None:
        values = self.__dict__
        meta = self.meta
        for field in meta.value_fields:
            value = values.get(field.fieldname)
            if value is not None:
                values[field.fieldname] = coerce_value(meta, field, value)
        if not isinstance(self.docstatus, int):
            self.docstatus = int(self.docstatus or 0)
        for child in self.get_all_children():
            child._coerce_all()

    # -- save -----------------------------------------------------------------------------

    def save(self, ignore_permissions: bool | None = None, ignore_version: bool | None = None) -> Document:
        if ignore_permissions is not None:
            self.flags.ignore_permissions = ignore_permissions
        if ignore_version is not None:
            self.flags.ignore_version = ignore_version
        if self.meta.issingle:
            return self._save_single()
        if self.is_new():
            return self.insert()
        before = self._load_before_save()
        action = self._check_transition(before)
        if not self.flags.ignore_permissions:
            self.check_permission({"save": "write", "update_after_submit": "submit"}.get(action, action))
        self._doc_before_save = before
        self._set_user_and_timestamp()
        self._set_child_parents()
        self._coerce_all()
        self._run_before_save_methods(action)
        if action != "cancel":
            self._validate()
        if action == "update_after_submit":
            self._validate_update_after_submit(before)
        self._db_update()
        self._run_post_save_methods(action)
        return self

    def submit(self) -> Document:
        self.docstatus = 1
        return self.save()

    def cancel(self) -> Document:
        self.docstatus = 2
        return self.save()

    def _load_before_save(self) -> Document:
        from smooth.model.loader import load_document

        try:
            before = load_document(self.doctype, self.name, for_update=True)
        except DoesNotExistError:
            raise DoesNotExistError(f"{self.doctype} {self.name} no longer exists; it may have been deleted") from None
        if self._original_modified is not None and _ts(before.modified) != _ts(self._original_modified):
            raise TimestampMismatchError(
                f"{self.doctype} {self.name} has been modified after you opened it "
                f"({before.modified} by {before.modified_by}); refresh to get the latest version, then retry")
        return before

    def _check_transition(self, before: Document) -> str:
        old, new = int(before.docstatus or 0), int(self.docstatus or 0)
        if old == 0 and new in (0, 1):
            if new == 1 and not self.meta.is_submittable:
                raise DocstatusTransitionError(f"{self.doctype} is not submittable")
            return ACTIONS[new]
        if old == 1 and new == 1:
            return "update_after_submit"
        if old == 1 and new == 2:
            return "cancel"
        if old == 2:
            raise DocstatusTransitionError(f"Cannot edit cancelled {self.doctype} {self.name}")
        raise DocstatusTransitionError(
            f"Cannot change the status of {self.doctype} {self.name} from {_DOCSTATUS[old]} to {_DOCSTATUS[new]}")

    def _validate_update_after_submit(self, before: Document) -> None:
        """Only allow_on_submit fields may change; a table not marked so keeps its rows as they were."""
        for field in self.meta.value_fields:
            if field.allow_on_submit:
                continue
            if _comparable(before.get(field.fieldname)) != _comparable(self.get(field.fieldname)):
                raise UpdateAfterSubmitError(
                    f"{self._where()}Not allowed to change {field.label} after submission of "
                    f"{(self.parent_doc or self).doctype} {(self.parent_doc or self).name}")
        for table_field in self.meta.table_fields:
            old_rows = {row.name: row for row in before.get(table_field.fieldname) or []}
            for row in self.get(table_field.fieldname) or []:
                previous = old_rows.pop(row.name, None)
                if previous is not None:
                    row._validate_update_after_submit(previous)
                elif not table_field.allow_on_submit:
                    raise UpdateAfterSubmitError(
                        f"Not allowed to add rows to {table_field.label} after submission of "
                        f"{self.doctype} {self.name}")
            if old_rows and not table_field.allow_on_submit:
                raise UpdateAfterSubmitError(
                    f"Not allowed to remove rows from {table_field.label} after submission of "
                    f"{self.doctype} {self.name}")

    def _run_before_save_methods(self, action: str = "save") -> None:
        if action in ("save", "submit"):
            self.run_method("before_validate")
            if self.flags.ignore_validate:
                return
            self.run_method("validate")
        elif self.flags.ignore_validate:
            return
        self.run_method({"save": "before_save", "submit": "before_submit", "cancel": "before_cancel",
                         "update_after_submit": "before_update_after_submit"}[action])

    def _run_post_save_methods(self, action: str | None = None) -> None:
        action = action or ACTIONS.get(int(self.docstatus or 0), "save")
        if action == "cancel":
            self.run_method("on_cancel")
        elif action == "update_after_submit":
            self.run_method("on_update_after_submit")
        else:
            self.run_method("on_update")
            if action == "submit":
                self.run_method("on_submit")
        self._save_version()
        self.run_method("on_change")
        self._doc_before_save = None
        self._original_modified = self.modified

    # -- standard validation ----------------------------------------------------------------

    def _validate(self) -> None:
        self._coerce_all()
        for doc in (self, *self.get_all_children()):
            doc._validate_values()
        if not self.flags.ignore_mandatory:
            self._validate_mandatory()
        if not self.flags.ignore_links:
            for doc in (self, *self.get_all_children()):
                doc._validate_links()
        self._validate_unique()

    def _validate_values(self) -> None:
        for field in self.meta.value_fields:
            value = self.__dict__.get(field.fieldname)
            if value is None or value == "":
                continue
            if field.fieldtype == "Select":
                options = field.select_options
                if options and value not in options:
                    raise ValidationError(
                        f"{self._where()}{field.label} cannot be {value!r}; it should be one of "
                        + ", ".join(repr(o) for o in options))
            elif field.fieldtype in fieldtypes.SHORT_TEXT and field.fieldtype != "Password":
                limit = field.length or fieldtypes.DEFAULT_LENGTH
                if len(value) > limit:
                    raise ValidationError(
                        f"{self._where()}{field.label} is too long: {len(value)} characters, at most {limit}")
            elif field.non_negative and field.fieldtype in fieldtypes.NUMERIC and value < 0:
                raise ValidationError(f"{self._where()}{field.label} cannot be negative")

    def _where(self) -> str:
        if self.parent_doc is not None:
            table_field = self.parent_doc.meta.get_field(self.parentfield or "")
            label = table_field.label if table_field else self.doctype
            return f"Row #{self.idx} in {label}: "
        return ""

    def _validate_mandatory(self) -> None:
        missing: list[str] = []
        for doc in (self, *self.get_all_children()):
            for field in doc.meta.mandatory_fields:
                value = doc.__dict__.get(field.fieldname)
                if value is None or (isinstance(value, str) and not value.strip()):
                    missing.append(doc._where() + field.label)
        for table_field in self.meta.table_fields:
            if table_field.reqd and not self.__dict__.get(table_field.fieldname):
                missing.append(table_field.label)
        if missing:
            raise MandatoryError(f"{self.doctype} {self.name or ''}: value missing for " + ", ".join(missing))

    def _validate_links(self) -> None:
        """Every Link value must exist; one query per target doctype also brings the fetch_from values."""
        site = local().site
        wanted: dict[str, dict[str, list[DocField]]] = {}
        columns: dict[str, set[str]] = {}
        for field in self.meta.value_fields:
            if field.fieldtype not in ("Link", "Dynamic Link"):
                continue
            value = self.__dict__.get(field.fieldname)
            if value in (None, ""):
                continue
            target = field.options if field.fieldtype == "Link" else self.get(field.options or "")
            if not target:
                raise LinkValidationError(f"{self._where()}{field.label}: choose a DocType first")
            if target == "DocType" or target not in site.registry:
                if (value if target == "DocType" else target) not in site.registry:
                    raise LinkValidationError(f"{self._where()}Could not find {field.label}: {value}")
                continue
            target_meta = site.get_meta(target)
            if target_meta.issingle:
                continue
            wanted.setdefault(target, {}).setdefault(str(value), []).append(field)
            columns.setdefault(target, {"name"}).update(
                source for _, source in self._fetches_for(field.fieldname) if source in target_meta.column_set)
        for target, by_value in wanted.items():
            found = {str(row["name"]).lower(): row for row in db().get_all(
                target, fields=sorted(columns[target]), filters=[["name", "in", list(by_value)]], order_by="")}
            for value, fields in by_value.items():
                row = found.get(value.lower())
                if row is None:
                    raise LinkValidationError(f"{self._where()}Could not find {fields[0].label}: {value}")
                for field in fields:
                    self._apply_fetches(field, row)

    def _apply_fetches(self, link: DocField, row: Mapping[str, Any]) -> None:
        for fieldname, source in self._fetches_for(link.fieldname):
            if source in row and (self.has_value_changed(link.fieldname) or self.get(fieldname) in (None, "")):
                self.__dict__[fieldname] = row[source]

    def _fetches_for(self, link_fieldname: str) -> list[tuple[str, str]]:
        pairs = []
        for field in self.meta.value_fields:
            if field.fetch_from and field.fetch_from.split(".", 1)[0] == link_fieldname:
                pairs.append((field.fieldname, field.fetch_from.split(".", 1)[1]))
        return pairs

    def _validate_unique(self) -> None:
        for field in self.meta.unique_fields:
            value = self.__dict__.get(field.fieldname)
            if value in (None, ""):
                continue
            other = db().get_value(self.doctype, {field.fieldname: value, "name": ["!=", self.name or ""]},
                                   "name", order_by="")
            if other:
                raise UniqueValidationError(
                    f"{field.label} {value!r} is already used by {self.doctype} {other}; it must be unique")

    # -- database writes ------------------------------------------------------------------

    def _row(self) -> dict[str, Any]:
        values = self.__dict__
        row = {column: values.get(column) for column in self.meta.columns}
        for field in self.meta.value_fields:
            value = row[field.fieldname]
            if value == "" and field.fieldtype not in fieldtypes.SHORT_TEXT | fieldtypes.LONG_TEXT:
                row[field.fieldname] = None
        for field in self.meta.password_fields:
            if row[field.fieldname]:
                row[field.fieldname] = PASSWORD_MASK
        return row

    def _db_insert(self) -> None:
        database = db()
        self._save_passwords()
        try:
            database.insert_row(database.table(self.doctype), self._row())
            self._insert_children(self.get_all_children())
        except IntegrityError as exc:
            raise _duplicate_error(self, exc) from exc

    def _insert_children(self, children: Iterable[Document]) -> None:
        database = db()
        by_doctype: dict[str, list[dict[str, Any]]] = {}
        for child in children:
            child._save_passwords()
            by_doctype.setdefault(child.doctype, []).append(child._row())
            child.__dict__["_loaded"] = True
        for doctype, rows in by_doctype.items():
            database.insert_rows(database.table(doctype), rows)

    def _db_update(self) -> None:
        database = db()
        self._save_passwords()
        table = database.table(self.doctype)
        row = self._row()
        row.pop("name")
        for field in self.meta.password_fields:
            if self.__dict__.get(field.fieldname) in (None, "") and self._doc_before_save is not None:
                row.pop(field.fieldname)
        try:
            database.execute(update(table).where(table.c.name == self.name).values(**row), write=True)
            self._update_children()
        except IntegrityError as exc:
            raise _duplicate_error(self, exc) from exc

    def _update_children(self) -> None:
        """Rows still present are rewritten, rows removed from a table are deleted."""
        database = db()
        for table_field in self.meta.table_fields:
            child_table = database.table(table_field.options or "")
            rows = self.__dict__.get(table_field.fieldname) or []
            keep = [r.name for r in rows]
            stmt = delete(child_table).where(and_(
                child_table.c.parent == self.name, child_table.c.parenttype == self.doctype,
                child_table.c.parentfield == table_field.fieldname))
            if keep:
                stmt = stmt.where(child_table.c.name.not_in(keep))
            database.execute(stmt, write=True)
            stored = database.execute(select(
                child_table.c.name, child_table.c.parent, child_table.c.parenttype, child_table.c.parentfield,
            ).where(child_table.c.name.in_(keep))).all() if keep else []
            ours = (self.name, self.doctype, table_field.fieldname)
            existing = {name for name, *owner in stored if tuple(owner) == ours}
            foreign = {name for name, *owner in stored if tuple(owner) != ours}
            new_rows = [r for r in rows if r.name not in existing]
            for row in new_rows:
                if row.name in foreign:
                    row.name = naming.make_hash()  # a row of another document: insert a copy, never move it
            for row in rows:
                if row.name in existing:
                    values = row._row()
                    values.pop("name")
                    database.execute(update(child_table).where(child_table.c.name == row.name).values(**values),
                                     write=True)
            self._insert_children(new_rows)

    def _save_passwords(self) -> None:
        from smooth.passwords import set_password

        for field in self.meta.password_fields:
            value = self.__dict__.get(field.fieldname)
            if value and value != PASSWORD_MASK and not (isinstance(value, str) and set(value) == {"*"}):
                set_password(self.doctype, self.name, field.fieldname, value,
                             mode=self.get_password_mode(field.fieldname))

    def _save_single(self) -> Document:
        from smooth.model.loader import load_single

        if not self.flags.ignore_permissions:
            self.check_permission("write")
        if str(self.docstatus or 0) != "0":
            raise DocstatusTransitionError(f"{self.doctype} holds settings and cannot be submitted or cancelled")
        self._doc_before_save = load_single(self.doctype)
        self.name = self.doctype
        self._set_user_and_timestamp()
        self._coerce_all()
        self._run_before_save_methods()
        self._validate()
        database = db()
        for field in self.meta.value_fields:
            value = self.__dict__.get(field.fieldname)
            if field.fieldtype == "Password":
                continue
            database.set_single_value(self.doctype, field.fieldname, None if value == "" else value)
        database.set_single_value(self.doctype, "modified", self.modified)
        self._save_passwords()
        self._run_post_save_methods("save")
        return self

    # -- versions -------------------------------------------------------------------------

    def _save_version(self) -> None:
        if not self.meta.track_changes or self.flags.ignore_version or self.meta.istable:
            return
        from smooth.versioning import record_version

        record_version(self, self._doc_before_save)

    # -- other operations -----------------------------------------------------------------

    def reload(self) -> Document:
        from smooth.model.loader import load_document

        fresh = load_document(self.doctype, self.name)
        self.__dict__.update({k: v for k, v in fresh.__dict__.items() if k not in ("flags", "meta")})
        for child in self.get_all_children():
            child.parent_doc = self
        return self

    def db_set(self, fieldname: str | Mapping[str, Any], value: Any = None, update_modified: bool = True,
               notify: bool = False) -> None:
        """Write fields straight to the database: no validation, no version; runs on_change."""
        values = dict(fieldname) if isinstance(fieldname, Mapping) else {fieldname: value}
        for key, val in values.items():
            self.__dict__[key] = val
        if update_modified:
            self.modified = now_datetime()
            self.modified_by = session_user()
        db().set_value(self.doctype, self.name, values, update_modified=update_modified, modified=self.modified,
                       modified_by=self.modified_by)
        self._original_modified = self.modified
        self.run_method("on_change")

    def delete(self, ignore_permissions: bool = False, force: bool = False) -> None:
        from smooth.model.delete import delete_doc

        delete_doc(self.doctype, self.name, ignore_permissions=ignore_permissions, force=force, doc=self)


_DOCSTATUS = {0: "Draft", 1: "Submitted", 2: "Cancelled"}


def default_value(field: DocField) -> Any:
    default = field.default
    if default in (None, ""):
        if field.fieldtype == "Check":
            return 0
        if field.fieldtype == "Select" and field.options:
            first = field.options.split("\n")[0].strip()
            return first or None
        return None
    if isinstance(default, str):
        lowered = default.lower()
        if field.fieldtype in ("Date", "Datetime") and lowered == "today":
            return today() if field.fieldtype == "Date" else now_datetime()
        if lowered == "now" and field.fieldtype in ("Datetime", "Time"):
            now = now_datetime()
            return now if field.fieldtype == "Datetime" else now.time().replace(microsecond=0)
        if default == "__user":
            return session_user()
    try:
        return coercer_for(field.fieldtype)(default)
    except CoercionError:
        return default  # a bad default in the JSON: validation reports it on insert, naming the field


def _ts(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value or "")


def _comparable(value: Any) -> Any:
    return None if value == "" else value


def is_duplicate_key(exc: IntegrityError) -> bool:
    orig = exc.orig
    code = orig.args[0] if getattr(orig, "args", None) else None
    return code == 1062 or "unique constraint failed" in str(orig).lower()


def _duplicate_error(doc: Document, exc: IntegrityError) -> Exception:
    if not is_duplicate_key(exc):
        return exc
    text = str(exc.orig).lower()
    for field in doc.meta.unique_fields:
        if field.fieldname.lower() in text and "name" != field.fieldname:
            return UniqueValidationError(
                f"{field.label} {doc.get(field.fieldname)!r} is already used by another {doc.doctype}")
    for spec in doc.meta.indexes:
        if spec["unique"] and all(col.lower() in text for col in spec["fields"]):
            return DuplicateEntryError(
                f"Another {doc.doctype} already has the same "
                + ", ".join(doc.meta.get_label(c) for c in spec["fields"]))
    return DuplicateEntryError(f"{doc.doctype} {doc.name} already exists")
