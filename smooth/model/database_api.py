"""The Frappe-shaped `smooth.db`: the unit's one database object, with what only the model knows.

The db layer takes rows of already-coerced values; Frappe code calls
`frappe.db.set_value("LMS Settings", None, "booking_notice_hours", "24")` and expects the
value coerced, `modified` stamped with now and the session user, and Password fields kept in
`__Auth`. `DocumentDatabase` is the Database with exactly that added; importing this module
installs it as the class every unit of work connects with, so there is one object per unit
(no wrapper, no forwarding).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from smooth.context import NotInitializedError, db, install_database_class, now_datetime, session_user
from smooth.db.database import Database
from smooth.exceptions import DuplicateEntryError, ValidationError
from smooth.messages import _
from smooth.model.naming import make_hash
from smooth.model.passwords import set_password
from smooth.model.values import PASSWORD_MASK, coerce_for_db, coerce_from_single, default_value, single_text

_NAMED = re.compile(r"%\((\w+)\)s")
_POSITIONAL = re.compile(r"%s")
_READS = re.compile(r"\s*(select|with|show|explain)\b", re.IGNORECASE)


class DocumentDatabase(Database):
    def get_value(self, doctype: str, filters: Any = None, fieldname: str | Sequence[str] = "name", *,
                  as_dict: bool = False, order_by: str | None = None, for_update: bool = False,
                  skip_locked: bool = False) -> Any:
        """First matching row's field(s); a Single's stored values when the doctype is a Single."""
        meta = self.site.get_meta(doctype)
        if meta.issingle:
            names = [fieldname] if isinstance(fieldname, str) else list(fieldname)
            stored = super().get_singles_dict(doctype)  # coerced here, only the fields asked for
            values = {n: coerce_from_single(meta, n, stored.get(n)) for n in names}
            if as_dict:
                return values
            return values[names[0]] if isinstance(fieldname, str) else tuple(values.values())
        return super().get_value(doctype, filters, fieldname, as_dict=as_dict, order_by=order_by,
                                  for_update=for_update, skip_locked=skip_locked)

    def get_values(self, doctype: str, filters: Any = None, fieldname: str | Sequence[str] = "name", *,
                   as_dict: bool = False, order_by: str | None = None, for_update: bool = False,
                   skip_locked: bool = False) -> list[Any]:
        """Every matching row's field(s): tuples, or dicts with `as_dict` (Frappe's `db.get_values`)."""
        if self.site.get_meta(doctype).issingle:
            return [self.get_value(doctype, None, fieldname, as_dict=as_dict)]
        filters = {"name": filters} if isinstance(filters, str) else filters or {}
        fields = [fieldname] if isinstance(fieldname, str) else list(fieldname)
        return self.get_all(doctype, fields=fields, filters=filters, order_by=order_by, as_list=not as_dict,
                            for_update=for_update, skip_locked=skip_locked)

    def sql(self, query: str, values: Mapping[str, Any] | Sequence[Any] | None = None, *,
            as_dict: bool = False) -> list[Any]:
        """Frappe's `db.sql`: one statement, its values always bound (`%(name)s`, `%s` or `:name`).

        Rows as tuples, or dicts with `as_dict`; a statement that returns no rows gives []."""
        params: dict[str, Any] = {}
        if isinstance(values, Mapping):
            params = dict(values)
            query = _NAMED.sub(r":\1", query)
        elif values is not None:
            positional = itertools.count()
            query = _POSITIONAL.sub(lambda _m: f":p{next(positional)}", query)
            params = {f"p{i}": value for i, value in enumerate(values)}
        statement = text(query)
        result: Any = self.execute(statement, params, write=not _READS.match(query))
        if not result.returns_rows:
            return []
        if as_dict:
            return [dict(row) for row in result.mappings()]
        return [tuple(row) for row in result]

    def bulk_insert(self, doctype: str, fields: Sequence[str], values: Iterable[Sequence[Any]],
                    ignore_duplicates: bool = False, *, chunk_size: int = 10_000) -> int:
        """Frappe's `db.bulk_insert`: rows straight into the table, one multi-row INSERT per chunk; no
        validation, hooks, versions or naming. For rows code builds in bulk (logs, queued mails). Returns
        the rows handed in.

        Values are coerced like `set_value`'s. Unlike Frappe, what a row does not give is filled as a new
        document would have it: `name` (a random hash, for doctypes named by hash), the creation and
        modification stamps with the session user, and each field's default. A duplicate key raises
        DuplicateEntryError, or with `ignore_duplicates` leaves that row out.
        """
        meta = self.site.get_meta(doctype)
        names = list(fields)
        unknown = [f for f in names if f not in meta.columns]
        if unknown:
            raise ValidationError(_("{0} has no column {1}", _(doctype), ', '.join(map(repr, unknown))))
        secret = [f.fieldname for f in meta.password_fields if f.fieldname in names]
        if secret:
            raise ValidationError(_("bulk_insert cannot write the Password field {0!r} of {1}: insert such "
                                    "documents one by one", secret[0], _(doctype)))
        if "name" not in names and meta.autoname not in ("", "hash"):
            raise ValidationError(_("bulk_insert into {0} needs each row's name: it is named by {1!r}, not by hash",
                                    _(doctype), meta.autoname))
        stamp, user = now_datetime(), session_user()
        filled = {"creation": stamp, "modified": stamp, "owner": user, "modified_by": user, "docstatus": 0}
        filled.update({f.fieldname: default_value(f) for f in meta.value_fields})
        base = {k: v for k, v in filled.items() if k in meta.columns and k not in names}
        table, count = self.table(doctype), 0
        chunk: list[dict[str, Any]] = []

        def flush() -> None:
            try:
                self.insert_rows(table, chunk, ignore_duplicates=ignore_duplicates)
            except IntegrityError as exc:
                raise DuplicateEntryError(_("bulk_insert into {0}: a row repeats a unique value ({1})",
                                            _(doctype), exc.orig)) from exc
            chunk.clear()

        for row in values:
            record = {**base, **{f: coerce_for_db(meta, f, v) for f, v in zip(names, row, strict=True)}}
            record.setdefault("name", make_hash())
            chunk.append(record)
            count += 1
            if len(chunk) >= chunk_size:
                flush()
        if chunk:
            flush()
        return count

    def get_single_value(self, doctype: str, fieldname: str) -> Any:
        return self.get_value(doctype, None, fieldname)

    def get_singles_dict(self, doctype: str) -> dict[str, Any]:
        meta = self.site.get_meta(doctype)
        return {k: coerce_from_single(meta, k, v) for k, v in super().get_singles_dict(doctype).items()}

    def set_value(self, doctype: str, name: str | Mapping[str, Any] | Sequence[Sequence[Any]] | None,
                  fieldname: str | Mapping[str, Any],
                  value: Any = None, *, update_modified: bool = True, modified: Any = None,
                  modified_by: str | None = None) -> int:
        """Write columns directly: no validation, hooks or versions (the escape hatch). Returns the rows matched."""
        meta = self.site.get_meta(doctype)
        values = dict(fieldname) if isinstance(fieldname, Mapping) else {fieldname: value}
        values = {k: coerce_for_db(meta, k, v) for k, v in values.items()}
        stamp = (modified or now_datetime()) if update_modified else None
        if meta.issingle:
            for key, val in values.items():
                self.set_single_value(doctype, key, val)
            if stamp is not None:
                super().set_single_value(doctype, "modified", single_text(stamp))
            return 1
        return super().set_value(doctype, name or {}, values, modified=stamp,
                                 modified_by=(modified_by or session_user()) if stamp is not None else None)

    def set_single_value(self, doctype: str, fieldname: str, value: Any) -> None:
        field = self.site.get_meta(doctype).get_field(fieldname)
        if field is not None and field.fieldtype == "Password" and value not in (None, "", PASSWORD_MASK):
            set_password(doctype, doctype, fieldname, str(value))
            value = PASSWORD_MASK
        super().set_single_value(doctype, fieldname, None if value is None else single_text(value))


def document_db() -> DocumentDatabase:
    """The current unit's database (what `smooth.db` resolves to), typed as the Frappe-shaped class."""
    database = db()
    if not isinstance(database, DocumentDatabase):
        raise NotInitializedError("This context connected before smooth.model was imported: import smooth first")
    return database


install_database_class(DocumentDatabase)
