"""Smooth: a Frappe-style, metadata-driven application framework.

The names below are the public API apps use (`smooth.get_doc`, `smooth.db.get_value`,
`smooth.throw`, ...), mirroring Frappe's so a Frappe developer feels at home. This module
only gathers them: each lives in the module of its concern, and no core module imports
this facade (apps and tests do).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import smooth.context as _context
import smooth.permissions as _permissions
from smooth.auth import rate_limit as _rate_limit
from smooth.charts import Series as ChartSeries
from smooth.charts import bar_chart
from smooth.context import (
    connect,
    destroy,
    init,
    now_datetime,
    savepoint,
    set_user,
    site_context,
    today,
    unit_of_work,
)
from smooth.csv_cells import escape_csv_formula
from smooth.dates import add_days, add_months, date_diff, getdate
from smooth.email.queue import sendmail
from smooth.exceptions import (
    AuthenticationError,
    CSRFTokenError,
    DataError,
    DocstatusTransitionError,
    DoesNotExistError,
    DuplicateEntryError,
    FilterError,
    LinkExistsError,
    LinkValidationError,
    MandatoryError,
    PermissionError,
    QueryLockError,
    SmoothError,
    TimestampMismatchError,
    TooManyRequestsError,
    UniqueValidationError,
    ValidationError,
)
from smooth.file_storage import allowed_extensions as allowed_file_extensions
from smooth.file_storage import extension_of as file_extension
from smooth.file_storage import local_path as get_file_path
from smooth.file_storage import max_file_size
from smooth.integrations import google_calendar
from smooth.jobs.enqueue import enqueue
from smooth.jobs.inline import deferred_jobs
from smooth.messages import _, get_link_to_form, msgprint, throw
from smooth.meta.coerce import DATE_RANGE as _DATE_RANGE
from smooth.meta.coerce import input_date, input_time
from smooth.model.database_api import DocumentDatabase
from smooth.model.listing import get_all, get_list
from smooth.model.records import delete_doc, get_doc, new_doc
from smooth.model.rename import rename_doc
from smooth.model.rich_text import sanitize as sanitize_html
from smooth.model.workflow import apply_workflow, get_transitions
from smooth.printing.documents import get_print
from smooth.urls import get_url
from smooth.version import VERSION
from smooth.whitelist import FileDownload, is_whitelisted, whitelist

__version__ = VERSION
MAX_DATE = _DATE_RANGE[1]  # the last day a Date field stores


class _LazyProxy:
    """Resolves attributes on the current context's object at call time (Frappe's `frappe.db`)."""

    def __init__(self, resolve: Callable[[], Any], name: str) -> None:
        object.__setattr__(self, "_resolve", resolve)
        object.__setattr__(self, "_name", name)

    def __getattr__(self, item: str) -> Any:
        return getattr(self._resolve(), item)

    def __setattr__(self, key: str, value: Any) -> None:
        setattr(self._resolve(), key, value)

    def __repr__(self) -> str:
        return f"<smooth.{self._name} proxy>"


if TYPE_CHECKING:
    _T = TypeVar("_T")

    def _Proxy(resolve: Callable[[], _T], name: str) -> _T:
        """Type checkers see the object a proxy resolves to, so app calls on `smooth.db` are checked."""
        ...
else:
    _Proxy = _LazyProxy


class _DictView:
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getattr__(self, item: str) -> Any:
        return self._data.get(item)

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)


class _SessionView:
    """Frappe's `frappe.session`: who the current unit of work acts as."""

    @property
    def user(self) -> str:
        return _context.session_user()


# the unit's one database object; importing DocumentDatabase installed its class on the context
db = _Proxy(cast("Callable[[], DocumentDatabase]", _context.db), "db")
local = _Proxy(_context.local, "local")
flags = _Proxy(lambda: _context.local().flags, "flags")
conf = _Proxy(lambda: _DictView(_context.local().site.config), "conf")
session = _SessionView()


def get_meta(doctype: str) -> Any:
    return _context.local().site.get_meta(doctype)


def get_hooks(key: str) -> list[Any]:
    return _context.local().site.hooks.get(key)


def has_permission(doctype: str, ptype: str = "read", doc: Any = None, user: str | None = None,
                   throw: bool = False) -> bool:
    return _permissions.has_permission(doctype, ptype, doc=doc, user=user, raise_exception=throw)


def get_roles(user: str | None = None) -> list[str]:
    return _permissions.get_roles(user)


def throttle_lookup(client_ip: str) -> None:
    """Count one lookup from `client_ip` on a page anyone may query; a 429 past site config `lookups_per_ip`."""
    _rate_limit.count_lookup(_context.local().site, client_ip)


__all__ = [
    "MAX_DATE", "ChartSeries", "allowed_file_extensions", "bar_chart", "escape_csv_formula", "file_extension",
    "get_file_path", "get_print", "google_calendar", "input_date", "input_time", "max_file_size", "sanitize_html",
    "throttle_lookup",
    "AuthenticationError", "CSRFTokenError", "DataError", "DocstatusTransitionError", "DoesNotExistError",
    "DuplicateEntryError", "FileDownload", "FilterError", "LinkExistsError", "LinkValidationError", "MandatoryError",
    "PermissionError", "QueryLockError", "SmoothError", "TimestampMismatchError", "TooManyRequestsError",
    "UniqueValidationError", "ValidationError", "_", "add_days", "add_months", "apply_workflow", "conf", "connect",
    "date_diff", "db", "deferred_jobs", "delete_doc", "destroy", "enqueue", "flags", "get_all", "get_doc", "get_hooks",
    "get_link_to_form", "get_list", "get_meta", "get_roles", "get_transitions", "get_url", "getdate", "has_permission",
    "init", "is_whitelisted", "local", "msgprint", "new_doc", "now_datetime", "rename_doc", "savepoint", "sendmail",
    "session", "set_user", "site_context", "throw", "today", "unit_of_work", "whitelist",
]
