"""Smooth: a Frappe-style, metadata-driven application framework.

The names below are the public API apps use (`smooth.get_doc`, `smooth.db.get_value`,
`smooth.throw`, ...), mirroring Frappe's so a Frappe developer feels at home. This module
only gathers them: each lives in the module of its concern, and no core module imports
this facade (apps and tests do).

A name is imported from its home on first use (PEP 562), so `import smooth` is cheap: a
command or a worker pays only for the parts it touches. The light foundation (errors,
`whitelist`, dates, the version) is bound at once; type checkers read the imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from smooth.dates import add_days, add_months, date_diff, getdate
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
    QueryDeadlockError,
    QueryLockError,
    SmoothError,
    TimestampMismatchError,
    TooManyRequestsError,
    UniqueValidationError,
    ValidationError,
)
from smooth.version import VERSION
from smooth.whitelist import FileDownload, is_whitelisted, whitelist

# the `smooth.db` package is imported now, so that importing one of its modules later cannot rebind `smooth.db`:
# that name is Frappe's database object (below), not the package
from smooth import db as _db_package  # noqa: F401  isort: skip

if TYPE_CHECKING:
    from smooth.access_log import make_access_log
    from smooth.charts import Series as ChartSeries
    from smooth.charts import bar_chart, line_chart
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
    from smooth.email.queue import sendmail, sendmail_many
    from smooth.facade import (
        MAX_DATE,
        clear_cache,
        conf,
        db,
        flags,
        get_hooks,
        get_meta,
        get_roles,
        has_permission,
        local,
        session,
        signing_key,
        throttle_lookup,
    )
    from smooth.file_storage import allowed_extensions as allowed_file_extensions
    from smooth.file_storage import extension_of as file_extension
    from smooth.file_storage import local_path as get_file_path
    from smooth.file_storage import max_file_size, read_file
    from smooth.file_storage import storage as get_file_storage
    from smooth.i18n.formatting import format_number, strftime
    from smooth.i18n.language import current as get_lang
    from smooth.i18n.language import group_by_language
    from smooth.i18n.language import override as in_language
    from smooth.i18n.language import user_language as get_user_lang
    from smooth.integrations import frappe_client, google_calendar, google_meet
    from smooth.jobs.enqueue import enqueue
    from smooth.jobs.inline import deferred_jobs
    from smooth.messages import _, _lazy, get_link_to_form, msgprint, throw
    from smooth.meta.coerce import input_date, input_time
    from smooth.model.listing import get_all, get_list
    from smooth.model.records import delete_doc, get_doc, new_doc
    from smooth.model.rename import rename_doc
    from smooth.model.rich_text import sanitize as sanitize_html
    from smooth.model.workflow import apply_workflow, get_transitions
    from smooth.printing.documents import get_print
    from smooth.urls import get_url
else:
    del db  # the package; `smooth.db` is the database object of the current unit of work, loaded on first use

__version__ = VERSION

# public name -> (the module it lives in, its name there; "": the module), imported on first use
_HOMES = {
    "ChartSeries": ("smooth.charts", "Series"),
    "bar_chart": ("smooth.charts", "bar_chart"),
    "line_chart": ("smooth.charts", "line_chart"),
    "connect": ("smooth.context", "connect"),
    "destroy": ("smooth.context", "destroy"),
    "init": ("smooth.context", "init"),
    "now_datetime": ("smooth.context", "now_datetime"),
    "savepoint": ("smooth.context", "savepoint"),
    "set_user": ("smooth.context", "set_user"),
    "site_context": ("smooth.context", "site_context"),
    "today": ("smooth.context", "today"),
    "unit_of_work": ("smooth.context", "unit_of_work"),
    "escape_csv_formula": ("smooth.csv_cells", "escape_csv_formula"),
    "sendmail": ("smooth.email.queue", "sendmail"),
    "sendmail_many": ("smooth.email.queue", "sendmail_many"),
    "allowed_file_extensions": ("smooth.file_storage", "allowed_extensions"),
    "file_extension": ("smooth.file_storage", "extension_of"),
    "get_file_path": ("smooth.file_storage", "local_path"),
    "max_file_size": ("smooth.file_storage", "max_file_size"),
    "read_file": ("smooth.file_storage", "read_file"),
    "get_file_storage": ("smooth.file_storage", "storage"),
    "google_calendar": ("smooth.integrations.google_calendar", ""),  # the module itself
    "google_meet": ("smooth.integrations.google_meet", ""),  # who attended a Meet meeting
    "frappe_client": ("smooth.integrations.frappe_client", ""),  # a remote Frappe site's REST API
    "enqueue": ("smooth.jobs.enqueue", "enqueue"),
    "deferred_jobs": ("smooth.jobs.inline", "deferred_jobs"),
    "_": ("smooth.messages", "_"),
    "_lazy": ("smooth.messages", "_lazy"),
    "get_user_lang": ("smooth.i18n.language", "user_language"),
    "group_by_language": ("smooth.i18n.language", "group_by_language"),
    "get_lang": ("smooth.i18n.language", "current"),
    "in_language": ("smooth.i18n.language", "override"),
    "format_number": ("smooth.i18n.formatting", "format_number"),
    "strftime": ("smooth.i18n.formatting", "strftime"),
    "get_link_to_form": ("smooth.messages", "get_link_to_form"),
    "msgprint": ("smooth.messages", "msgprint"),
    "throw": ("smooth.messages", "throw"),
    "input_date": ("smooth.meta.coerce", "input_date"),
    "input_time": ("smooth.meta.coerce", "input_time"),
    "get_all": ("smooth.model.listing", "get_all"),
    "get_list": ("smooth.model.listing", "get_list"),
    "delete_doc": ("smooth.model.records", "delete_doc"),
    "get_doc": ("smooth.model.records", "get_doc"),
    "new_doc": ("smooth.model.records", "new_doc"),
    "rename_doc": ("smooth.model.rename", "rename_doc"),
    "sanitize_html": ("smooth.model.rich_text", "sanitize"),
    "apply_workflow": ("smooth.model.workflow", "apply_workflow"),
    "get_transitions": ("smooth.model.workflow", "get_transitions"),
    "get_print": ("smooth.printing.documents", "get_print"),
    "make_access_log": ("smooth.access_log", "make_access_log"),
    "get_url": ("smooth.urls", "get_url"),
    "clear_cache": ("smooth.facade", "clear_cache"),
    "conf": ("smooth.facade", "conf"),
    "db": ("smooth.facade", "db"),
    "flags": ("smooth.facade", "flags"),
    "get_hooks": ("smooth.facade", "get_hooks"),
    "get_meta": ("smooth.facade", "get_meta"),
    "get_roles": ("smooth.facade", "get_roles"),
    "has_permission": ("smooth.facade", "has_permission"),
    "local": ("smooth.facade", "local"),
    "session": ("smooth.facade", "session"),
    "throttle_lookup": ("smooth.facade", "throttle_lookup"),
    "signing_key": ("smooth.facade", "signing_key"),
    "MAX_DATE": ("smooth.facade", "MAX_DATE"),
}

if not TYPE_CHECKING:
    def __getattr__(name: str) -> Any:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module 'smooth' has no attribute {name!r}")
        module = importlib.import_module(home[0])
        value = getattr(module, home[1]) if home[1] else module
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


__all__ = [
    "MAX_DATE", "ChartSeries", "allowed_file_extensions", "bar_chart", "escape_csv_formula", "file_extension",
    "frappe_client", "line_chart", "get_file_path", "get_print", "google_calendar", "google_meet", "input_date",
    "input_time",
    "get_file_storage", "signing_key",
    "make_access_log",
    "max_file_size", "read_file", "sanitize_html", "throttle_lookup",
    "AuthenticationError", "CSRFTokenError", "DataError", "DocstatusTransitionError", "DoesNotExistError",
    "DuplicateEntryError", "FileDownload", "FilterError", "LinkExistsError", "LinkValidationError", "MandatoryError",
    "PermissionError", "QueryDeadlockError", "QueryLockError", "SmoothError", "TimestampMismatchError",
    "TooManyRequestsError",
    "UniqueValidationError", "ValidationError", "_", "_lazy", "add_days", "add_months", "apply_workflow", "clear_cache",
    "format_number", "get_lang", "get_user_lang", "group_by_language", "in_language", "strftime",
    "conf", "connect", "date_diff", "db", "deferred_jobs", "delete_doc", "destroy", "enqueue", "flags", "get_all",
    "get_doc", "get_hooks",
    "get_link_to_form", "get_list", "get_meta", "get_roles", "get_transitions", "get_url", "getdate", "has_permission",
    "init", "is_whitelisted", "local", "msgprint", "new_doc", "now_datetime", "rename_doc", "savepoint", "sendmail",
    "sendmail_many",
    "session", "set_user", "site_context", "throw", "today", "unit_of_work", "whitelist",
]
