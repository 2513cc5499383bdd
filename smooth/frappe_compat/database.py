"""Frappe's `frappe.db` over the unit's database: Frappe's signatures, and `sql` read-only by default.

Positional arguments Frappe code passes (`get_value(doctype, name, field, ignore, as_dict)`,
`set_value(doctype, name, field, value, modified, modified_by, update_modified)`) are taken here
and handed to Smooth's keyword-only API. `sql` refuses a statement that could write unless the
call passes `allow_writes=True` or site_config has `allow_frappe_sql_writes: 1`: a raw write
skips validation, permissions, versions and the document hooks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from smooth.context import local
from smooth.exceptions import ValidationError
from smooth.frappe_compat.missing import not_provided
from smooth.frappe_compat.state import _dict
from smooth.model.database_api import document_db
from smooth.model.listing import get_all, get_list

_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|--[^\n]*|#[^\n]*|/\*.*?\*/", re.DOTALL)
_FIRST_WORD = re.compile(r"[\s(]*(\w+)")
_READING = {"select", "with", "show", "explain", "describe", "desc"}
_LOCKING_READ = re.compile(r"\bfor\s+update\b|\block\s+in\s+share\s+mode\b", re.IGNORECASE)
_WRITING = re.compile(r"\b(insert|update|delete|replace|merge|upsert|create|drop|alter|truncate|rename|grant|revoke|"
                      r"into|set|call|load|lock|handler|attach|detach|pragma|vacuum)\b", re.IGNORECASE)
SQL_WRITES_CONFIG = "allow_frappe_sql_writes"


class SqlWriteRefusedError(ValidationError):
    """frappe.db.sql was given a statement that could write, without leave to write."""


def is_read_only(query: str) -> bool:
    """One statement that only reads: SELECT / WITH / SHOW / EXPLAIN, with no writing keyword outside quotes."""
    bare = _LOCKING_READ.sub(" ", _QUOTED.sub(" ", query))
    first = _FIRST_WORD.match(bare)
    if first is None or first.group(1).lower() not in _READING:
        return False
    return ";" not in bare.strip().rstrip(";") and not _WRITING.search(bare)


def _records(value: Any) -> Any:
    """Rows as Frappe returns them: dicts whose keys read as attributes (`row.name`)."""
    if isinstance(value, dict):
        return _dict(value)
    if isinstance(value, list):
        return [_dict(row) if isinstance(row, dict) else row for row in value]
    return value


def _list_args(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Frappe's get_list keywords in Smooth's spelling (start/page_length, as_dict, debug)."""
    if "start" in kwargs:
        kwargs["limit_start"] = kwargs.pop("start") or 0
    if "page_length" in kwargs:
        kwargs["limit_page_length"] = kwargs.pop("page_length")
    if not kwargs.pop("as_dict", True):
        kwargs["as_list"] = True
    if kwargs.get("limit_page_length") == 0:
        kwargs["limit_page_length"] = None  # Frappe's 0: no limit
    for ignored in ("debug", "ignore_ifnull", "update", "run", "cache", "strict"):
        kwargs.pop(ignored, None)
    return kwargs


def frappe_get_list(doctype: str, *args: Any, **kwargs: Any) -> list[Any]:
    return _records(get_list(doctype, *args, **_list_args(kwargs)))


def frappe_get_all(doctype: str, *args: Any, **kwargs: Any) -> list[Any]:
    return _records(get_all(doctype, *args, **_list_args(kwargs)))


class FrappeDatabase:
    """`frappe.db`: the methods Frappe code calls, each handed to the unit's database."""

    closed = True  # bench check: an attribute not defined here is not provided (see static_check)

    def get_value(self, doctype: str, filters: Any = None, fieldname: str | Sequence[str] = "name",
                  ignore: Any = None, as_dict: bool = False, debug: bool = False, order_by: str | None = None,
                  cache: bool = False, for_update: bool = False, **_ignored: Any) -> Any:
        return _records(document_db().get_value(doctype, filters, fieldname, as_dict=as_dict, order_by=order_by,
                                                for_update=for_update))

    def get_values(self, doctype: str, filters: Any = None, fieldname: str | Sequence[str] = "name",
                   ignore: Any = None, as_dict: bool = False, debug: bool = False, order_by: str | None = None,
                   update: Any = None, cache: bool = False, for_update: bool = False, **_ignored: Any) -> list[Any]:
        return _records(document_db().get_values(doctype, filters, fieldname, as_dict=as_dict, order_by=order_by,
                                                 for_update=for_update))

    def get_single_value(self, doctype: str, fieldname: str, cache: bool = True) -> Any:
        return document_db().get_single_value(doctype, fieldname)

    def set_value(self, dt: str, dn: Any, field: str | Mapping[str, Any], val: Any = None, modified: Any = None,
                  modified_by: str | None = None, update_modified: bool = True, debug: bool = False,
                  for_update: bool = True) -> int:
        return document_db().set_value(dt, dn, field, val, update_modified=update_modified, modified=modified,
                                       modified_by=modified_by)

    def exists(self, dt: str | Mapping[str, Any], dn: Any = None, cache: bool = False) -> str | None:
        return document_db().exists(dt, dn)

    def count(self, dt: str, filters: Any = None, debug: bool = False, cache: bool = False,
              distinct: bool = True) -> int:
        return document_db().count(dt, filters)

    def delete(self, doctype: str, filters: Any = None, debug: bool = False, **_ignored: Any) -> int:
        return document_db().delete(doctype, filters or {})

    def get_all(self, doctype: str, *args: Any, **kwargs: Any) -> list[Any]:
        return frappe_get_all(doctype, *args, **kwargs)

    def get_list(self, doctype: str, *args: Any, **kwargs: Any) -> list[Any]:
        return frappe_get_list(doctype, *args, **kwargs)

    def sql(self, query: str, values: Mapping[str, Any] | Sequence[Any] | None = None, as_dict: bool = False,
            as_list: bool = False, debug: bool = False, ignore_ddl: bool = False, auto_commit: bool = False,
            update: Any = None, explain: bool = False, run: bool = True, pluck: bool = False, *,
            allow_writes: bool = False) -> list[Any]:
        """Frappe's `db.sql`, values always bound (`%s`, `%(name)s`); read-only unless leave is given."""
        if auto_commit:
            not_provided("frappe.db.sql(auto_commit=True)")
        if not (allow_writes or local().site.config.get(SQL_WRITES_CONFIG) or is_read_only(query)):
            raise SqlWriteRefusedError(
                "frappe.db.sql runs read-only statements (SELECT, WITH, SHOW, EXPLAIN) and this one could write: "
                f"{' '.join(query.split())[:120]!r}. Change records with frappe.get_doc(...).save() or "
                f"frappe.db.set_value; to run it anyway pass allow_writes=True, or set {SQL_WRITES_CONFIG}: 1 "
                "in site_config.json")
        rows = document_db().sql(query, values or None, as_dict=as_dict and not pluck)
        if pluck:
            return [row[0] for row in rows]
        return [list(row) for row in rows] if as_list else _records(rows)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        not_provided(f"frappe.db.{attr}", sorted(n for n in vars(FrappeDatabase) if not n.startswith("_")
                                                  and n != "closed"))

    def __repr__(self) -> str:
        return "<frappe.db: Smooth's database of the current unit of work>"


db = FrappeDatabase()


def get_value(*args: Any, **kwargs: Any) -> Any:
    """Frappe's `frappe.get_value`: `frappe.db.get_value`."""
    return db.get_value(*args, **kwargs)


__all__ = ["FrappeDatabase", "SqlWriteRefusedError", "db", "frappe_get_all", "frappe_get_list",
           "get_value", "is_read_only"]
