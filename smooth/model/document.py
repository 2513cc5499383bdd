"""Document: one record of a doctype, and its lifecycle.

insert():
    check create permission -> defaults, owner, timestamps -> Links (+ fetch_from) -> before_insert -> naming
    -> before_validate -> Links (+ fetch_from) -> validate
    -> before_save (before_submit when inserted submitted)
    -> standard validation (types, mandatory, select, length, links + fetch_from, unique)
    -> INSERT parent, then children -> after_insert -> on_update (+ on_submit)
    -> Version (track_changes) -> on_change
save():
    check write/submit/cancel permission -> reload the stored row FOR UPDATE and refuse a
    stale `modified` (TimestampMismatchError) -> docstatus transition check -> Links (+ fetch_from)
    -> before_validate -> Links (+ fetch_from) -> validate -> before_save | before_submit | before_cancel |
    before_update_after_submit -> standard validation -> UPDATE parent, upsert/delete
    children -> on_update | on_submit | on_cancel | on_update_after_submit -> Version -> on_change
delete(): delete permission -> on_trash -> links check -> DELETE -> after_delete.

Each event runs the controller method first, then every `doc_events` handler from the
apps' hooks.py (`handler(doc, method)`), for the doctype and then for "*". Nothing here
commits: the unit of work around the call does, or rolls everything back. The standard
checks live in `validation`, the row writes in `persistence`, stored rows are read by `rows`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import smooth.permissions as permissions
from smooth.context import db, local, now_datetime, session_user
from smooth.exceptions import (
    DocstatusTransitionError,
    DoesNotExistError,
    DuplicateEntryError,
    MetaError,
    TimestampMismatchError,
    ValidationError,
)
from smooth.messages import _
from smooth.meta import fieldtypes
from smooth.meta.coerce import to_datetime
from smooth.meta.doctype import Meta
from smooth.model import delete, docstatus, naming, persistence, preparation, rows, validation
from smooth.model.controller import find_controller
from smooth.model.database_api import document_db
from smooth.model.passwords import get_decrypted_password
from smooth.model.save_plan import live_handlers, plan_of
from smooth.model.values import (
    PASSWORD_MASK,
    coerce_from_single,
    default_value,
    single_text,
)
from smooth.model.versioning import version_record
from smooth.site import Site


class DocFlags(dict):
    """`doc.flags.ignore_permissions` style access; missing flags read as None.

    The dict is its own attribute namespace, so reading or setting a flag is a plain attribute access
    (a save touches flags a few dozen times). The flags a save reads default to None on the class
    (`_READ_BY_SAVES`), so an unset one is found without the missing-attribute path; any other
    reaches `__getattr__`."""

    if TYPE_CHECKING:
        def __setattr__(self, key: str, value: Any) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__ = self

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):  # copy and pickle probe for protocol methods
            raise AttributeError(key)
        return None

    def __reduce__(self) -> tuple[type[DocFlags], tuple[dict[str, Any]]]:
        return DocFlags, (dict(self),)


_READ_BY_SAVES = ("ignore_permissions", "ignore_links", "ignore_validate", "ignore_mandatory", "ignore_version",
                  "ignore_workflow", "is_new", "name_set", "workflow_transition", "workflow_fields",
                  "workflow_action_taken", "workflow_states", "workflow_state_field", "in_delete")
for _flag in _READ_BY_SAVES:
    setattr(DocFlags, _flag, None)


class Document:
    """A record; controllers subclass it (`class LMSCourse(Document)`)."""

    # standard columns every record has; its fields are attributes named by the doctype JSON
    name: Any
    owner: Any
    creation: Any
    modified: Any
    modified_by: Any
    docstatus: Any
    idx: Any
    parent: Any
    parenttype: Any
    parentfield: Any

    if TYPE_CHECKING:
        def __getattr__(self, fieldname: str) -> Any: ...

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        values = dict(data or {}, **kwargs)
        doctype = values.pop("doctype", None) or getattr(type(self), "doctype", None)
        if not doctype:
            raise ValidationError(_("A document needs a doctype"))
        site = local().site
        self.doctype: str = doctype
        self.meta: Meta = site.get_meta(doctype)
        self.flags = DocFlags()
        self.parent_doc: Document | None = None
        self._doc_before_save: Document | None = None
        self._original_modified: Any = None
        plan = plan_of(self)
        self.__dict__.update(plan.blank)
        for table_field in self.meta.table_fields:
            self.__dict__[table_field.fieldname] = []
        if plan.direct.issuperset(values):
            self.__dict__.update(values)
        else:
            self.update(values)

    # -- dict-like access -----------------------------------------------------------------

    def get(self, key: str, default: Any = None) -> Any:
        value = self.__dict__.get(key, default)
        return default if value is None else value

    def set(self, key: str, value: Any) -> None:
        field = self.meta.get_field(key)
        if key in self.__dict__ and isinstance(self.__dict__.get(key), list) and \
                field is not None and field.fieldtype in fieldtypes.TABLE:
            self.__dict__[key] = []
            for row in value or []:
                self.append(key, row)
            return
        setattr(self, key, value)

    def update(self, values: Mapping[str, Any]) -> Document:
        for key, value in values.items():
            if key == "name" and value is not None:
                self.name = value
            elif (field := self.meta.get_field(key)) is not None and field.fieldtype in fieldtypes.TABLE:
                self.set(key, value)
            elif key in self.meta.column_set or not hasattr(type(self), key) and key not in (
                    "doctype", "meta", "flags", "parent_doc"):
                setattr(self, key, value)  # never shadows a method or class attribute (e.g. "validate")
        return self

    def append(self, table_field: str, row: Mapping[str, Any] | Document | None = None) -> Document:
        field = self.meta.get_field(table_field)
        if field is None or field.fieldtype not in fieldtypes.TABLE:
            raise ValidationError(_("{0} has no table field {1!r}", _(self.doctype), table_field))
        if isinstance(row, Document):
            child = row
        else:
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
        masked = self.meta.password_fieldnames
        for column in self.meta.columns:
            value = self.__dict__.get(column)
            if no_nulls and value is None:
                continue
            if column in masked and value:
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

    def get_password(self, fieldname: str = "password", raise_exception: bool = True) -> str | None:
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
        defined, handlers, watched = plan_of(self).event(method)
        if defined or method in self.__dict__:  # most controllers lack most events
            fn = getattr(self, method, None)
            if callable(fn):
                result = fn(*args, **kwargs)
        if watched is not None:
            handlers = live_handlers(watched)
        for handler in handlers:
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
        flags = self.flags
        if ignore_permissions is not None:
            flags.ignore_permissions = ignore_permissions
        if ignore_links is not None:
            flags.ignore_links = ignore_links
        if ignore_mandatory is not None:
            flags.ignore_mandatory = ignore_mandatory
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
        preparation.set_defaults(self)
        preparation.stamp(self)
        preparation.coerce_all(self)
        if self.docstatus not in (0, 1):
            raise DocstatusTransitionError(_("A new {0} can only be saved as Draft or Submitted", _(self.doctype)))
        if self.docstatus == 1 and not self.meta.is_submittable:
            raise DocstatusTransitionError(_("{0} is not submittable", _(self.doctype)))
        validation.fetch_linked_values(self)
        self.run_method("before_insert")
        naming.set_new_name(self)
        preparation.link_children(self)
        self._run_before_save_methods(docstatus.ACTIONS[self.docstatus])
        self._validate()
        try:
            persistence.insert_document(self)
        except DuplicateEntryError:
            if ignore_if_duplicate:
                return self
            raise
        self.__dict__["_loaded"] = True
        self.run_method("after_insert")
        self._run_post_save_methods()
        self.flags.is_new = False
        return self

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
        action = docstatus.transition(before, self)
        if not self.flags.ignore_permissions:
            ptype = {"save": "write", "update_after_submit": "submit"}.get(action, action)
            before.check_permission(ptype)  # the stored record: new values must not smuggle it into the rules
            self.check_permission(ptype)
        self._doc_before_save = before
        preparation.stamp(self)
        preparation.link_children(self)
        preparation.coerce_all(self)
        if action in ("save", "submit"):
            validation.fetch_linked_values(self)
        self._run_before_save_methods(action)
        if action != "cancel":
            self._validate()
        if action == "update_after_submit":
            docstatus.check_update_after_submit(self, before)
        docstatus.check_set_only_once(self, before)
        persistence.update_document(self, before)
        self._run_post_save_methods(action)
        return self

    def submit(self) -> Document:
        self.docstatus = 1
        return self.save()

    def cancel(self) -> Document:
        self.docstatus = 2
        return self.save()

    def _load_before_save(self) -> Document:
        try:
            before = load_document(self.doctype, self.name, for_update=True)
        except DoesNotExistError:
            raise DoesNotExistError(_("{0} {1} no longer exists; it may have been deleted",
                                      _(self.doctype), self.name)) from None
        if self._original_modified is not None and _ts(before.modified) != _ts(self._original_modified):
            raise TimestampMismatchError(
                _("{0} {1} has been modified after you opened it ({2} by {3}); refresh to get the latest version, "
                  "then retry", _(self.doctype), self.name, before.modified, before.modified_by))
        return before

    def _run_before_save_methods(self, action: str = "save") -> None:
        if action in ("save", "submit"):
            self.run_method("before_validate")
            if self.flags.ignore_validate:
                return
            validation.validate_links_before_validate(self)
            self.run_method("validate")
        elif self.flags.ignore_validate:
            return
        self.run_method(_BEFORE[action])

    def _run_post_save_methods(self, action: str | None = None) -> None:
        action = action or docstatus.ACTIONS.get(int(self.docstatus or 0), "save")
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
        preparation.coerce_all(self)
        validation.validate_document(self, ignore_mandatory=bool(self.flags.ignore_mandatory),
                                     ignore_links=bool(self.flags.ignore_links))

    def _save_single(self) -> Document:
        if not self.flags.ignore_permissions:
            self.check_permission("write")
        if str(self.docstatus or 0) != "0":
            raise DocstatusTransitionError(_("{0} holds settings and cannot be submitted or cancelled",
                                             _(self.doctype)))
        self._doc_before_save = load_single(self.doctype)
        self.name = self.doctype
        preparation.stamp(self)
        preparation.coerce_all(self)
        self._run_before_save_methods()
        self._validate()
        database = db()
        for field in self.meta.value_fields:
            value = self.__dict__.get(field.fieldname)
            if field.fieldtype != "Password":
                database.set_single_value(self.doctype, field.fieldname,
                                          None if value in (None, "") else single_text(value))
        database.set_single_value(self.doctype, "modified", single_text(self.modified))
        persistence.save_passwords(self)
        self._run_post_save_methods("save")
        return self

    # -- versions -------------------------------------------------------------------------

    def _save_version(self) -> None:
        """A Version of what this save changed. Creating a record writes none (as in Frappe): its owner and
        creation already say who made it when, and the form's timeline shows that."""
        if not self.meta.track_changes or self.flags.ignore_version or self.meta.istable \
                or self._doc_before_save is None:
            return
        record = version_record(self, self._doc_before_save)
        if record is not None:
            version = get_controller(local().site, "Version")(record)
            version.flags.ignore_permissions = True
            version.flags.ignore_links = True
            version.insert()

    # -- other operations -----------------------------------------------------------------

    def reload(self) -> Document:
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
        document_db().set_value(self.doctype, self.name, values, update_modified=update_modified,
                                modified=self.modified, modified_by=self.modified_by)
        self._original_modified = self.modified
        self.run_method("on_change")

    def delete(self, ignore_permissions: bool = False, force: bool = False) -> None:
        """Delete this record (the stored version is locked and checked, this object's hooks run)."""
        stored = load_document(self.doctype, self.name, for_update=True)
        delete.delete_document(stored, self, ignore_permissions=ignore_permissions, force=force)


_BEFORE = {"save": "before_save", "submit": "before_submit", "cancel": "before_cancel",
           "update_after_submit": "before_update_after_submit"}


def _ts(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value or "")


def get_controller(site: Site, doctype: str) -> type[Document]:
    """The doctype's controller class (cached on the site); a plain Document when it has none."""
    cached = site.controllers.get(doctype)
    if cached is not None:
        return cached
    cls = find_controller(site, doctype) or Document
    if not issubclass(cls, Document):
        raise MetaError(_("The controller of {0} must subclass smooth.model.document.Document", _(doctype)))
    site.controllers[doctype] = cls
    return cls


def load_document(doctype: str, name: str, *, for_update: bool = False) -> Document:
    naming.check_name_type(doctype, name)
    site = local().site
    meta = site.get_meta(doctype)
    if meta.issingle:
        return load_single(doctype)
    row = rows.read_row(doctype, name, for_update=for_update)
    if row is None:
        raise DoesNotExistError(_("{0} {1} not found", _(doctype), name))
    doc = _loaded(get_controller(site, doctype), meta, row)
    children_by_field = rows.read_children(meta, name)
    for table_field in meta.table_fields:
        fieldname, child_rows = table_field.fieldname, children_by_field[table_field.fieldname]
        child_meta = site.get_meta(table_field.options or "")
        child_cls = get_controller(site, child_meta.name)
        children = []
        for child_row in child_rows:
            child = _loaded(child_cls, child_meta, child_row)
            child.parent_doc = doc
            children.append(child)
        doc.__dict__[fieldname] = children
    return doc


def _loaded(cls: type[Document], meta: Meta, row: dict[str, Any]) -> Document:
    doc = cls.__new__(cls)
    doc.__dict__.update(row)
    doc.doctype = meta.name
    doc.meta = meta
    doc.flags = DocFlags()
    doc.parent_doc = None
    doc._doc_before_save = None
    doc._original_modified = row.get("modified")
    doc.__dict__["_loaded"] = True
    for table_field in meta.table_fields:
        doc.__dict__.setdefault(table_field.fieldname, [])
    return doc


def load_single(doctype: str) -> Document:
    site = local().site
    meta = site.get_meta(doctype)
    stored = rows.read_single(doctype)
    doc = get_controller(site, doctype)({"doctype": doctype})
    doc.name = doctype
    for field in meta.value_fields:
        if field.fieldname in stored:
            doc.__dict__[field.fieldname] = coerce_from_single(meta, field.fieldname, stored[field.fieldname])
        else:
            doc.__dict__[field.fieldname] = default_value(field)
    doc.modified = to_datetime(stored.get("modified"))
    doc.__dict__["_loaded"] = True
    return doc
