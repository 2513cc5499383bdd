"""Smooth: a Frappe-style, metadata-driven application framework.

The names below are the public API apps use (`smooth.get_doc`, `smooth.db.get_value`,
`smooth.throw`, ...), mirroring Frappe's so a Frappe developer feels at home.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from smooth import session as _session
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
from smooth.session import (
    connect,
    destroy,
    init,
    now_datetime,
    set_user,
    site_context,
    today,
    unit_of_work,
)

__version__ = "0.1.0"

F = TypeVar("F", bound=Callable[..., Any])


class _Proxy:
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


class _SessionView:
    @property
    def user(self) -> str:
        return _session.session_user()


db = _Proxy(_session.db, "db")
local = _Proxy(_session.local, "local")
flags = _Proxy(lambda: _session.local().flags, "flags")
conf = _Proxy(lambda: _DictView(_session.local().site.config), "conf")
session = _SessionView()


class _DictView:
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getattr__(self, item: str) -> Any:
        return self._data.get(item)

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)


def _(text: str, *args: Any, **kwargs: Any) -> str:
    """Mark `text` for translation (Smooth ships English only) and format it."""
    if args or kwargs:
        return text.format(*args, **kwargs)
    return text


def get_meta(doctype: str) -> Any:
    return _session.local().site.get_meta(doctype)


def get_hooks(key: str) -> list[Any]:
    return _session.local().site.hooks.get(key)


def get_doc(arg: Any, name: str | None = None, *, for_update: bool = False, check_permission: bool | str = False,
            **kwargs: Any) -> Any:
    """`get_doc(dict)` builds a new document; `get_doc(doctype, name)` loads one."""
    from smooth.model.controller import get_controller
    from smooth.model.loader import load_document, load_single

    site = _session.local().site
    if isinstance(arg, dict) or (arg is None and kwargs):
        data = dict(arg or {}, **kwargs)
        if not data.get("doctype"):
            raise ValidationError("get_doc(dict) needs a 'doctype' key")
        return get_controller(site, data["doctype"])(data)
    if not isinstance(arg, str):
        raise ValidationError("get_doc takes a dict or a doctype name")
    meta = site.get_meta(arg)
    if name is None and meta.issingle:
        doc = load_single(arg)
    elif name is None:
        raise ValidationError(f"get_doc({arg!r}) needs the name of the {arg} to load")
    else:
        doc = load_document(arg, name, for_update=for_update)
    if check_permission:
        doc.check_permission(check_permission if isinstance(check_permission, str) else "read")
    return doc


def new_doc(doctype: str, **values: Any) -> Any:
    """A new, unsaved document with its defaults filled in."""
    doc = get_doc({"doctype": doctype, **values})
    doc._set_defaults()
    return doc


def get_list(doctype: str, fields: Sequence[str] | str | None = None, filters: Any = None, *,
             or_filters: Any = None, order_by: str | None = None, group_by: str | None = None,
             limit_start: int = 0, limit_page_length: int | None = None, limit: int | None = None,
             distinct: bool = False, pluck: str | None = None, as_list: bool = False,
             ignore_permissions: bool = False, user: str | None = None, **kwargs: Any) -> list[Any]:
    """Records the session user may read (DocPerms and the apps' record rules applied)."""
    from smooth import permissions

    if kwargs.pop("start", None) is not None or kwargs.pop("page_length", None) is not None:
        raise ValidationError("use limit_start and limit_page_length")
    if kwargs:
        raise ValidationError(f"get_list got unknown arguments: {', '.join(sorted(kwargs))}")
    extra: tuple[list[Any], list[Any]] = ([], [])
    if not ignore_permissions:
        extra = permissions.list_filters(doctype, user=user)
    return _session.db().get_all(
        doctype, fields=fields, filters=filters, or_filters=or_filters, extra_filters=extra[0],
        extra_or_filters=extra[1], order_by=order_by, group_by=group_by, limit_start=limit_start,
        limit_page_length=limit if limit is not None else limit_page_length, distinct=distinct, pluck=pluck,
        as_list=as_list)


def get_all(doctype: str, fields: Sequence[str] | str | None = None, filters: Any = None, **kwargs: Any) -> list[Any]:
    """Like get_list, without permission checks (Frappe's get_all)."""
    kwargs.setdefault("ignore_permissions", True)
    return get_list(doctype, fields, filters, **kwargs)


def delete_doc(doctype: str, name: str, *, ignore_permissions: bool = False, force: bool = False,
               ignore_missing: bool = True) -> None:
    from smooth.model.delete import delete_doc as _delete

    _delete(doctype, name, ignore_permissions=ignore_permissions, force=force, ignore_missing=ignore_missing)


def rename_doc(doctype: str, old: str, new: str, merge: bool = False, *, ignore_permissions: bool = False) -> str:
    """Rename a record and repoint every Link, Dynamic Link and child row to it (needs allow_rename)."""
    from smooth.model.rename import rename_doc as _rename

    return _rename(doctype, old, new, merge, ignore_permissions=ignore_permissions)


def has_permission(doctype: str, ptype: str = "read", doc: Any = None, user: str | None = None,
                   throw: bool = False) -> bool:
    from smooth.permissions import has_permission as _has

    return _has(doctype, ptype, doc=doc, user=user, raise_exception=throw)


def get_roles(user: str | None = None) -> list[str]:
    from smooth.permissions import get_roles as _roles

    return _roles(user)


def msgprint(message: str, title: str | None = None, indicator: str | None = None) -> None:
    if not _session.is_initialized():
        return
    loc = _session.local()
    if not loc.flags.mute_messages:
        loc.message_log.append({"message": message, "title": title, "indicator": indicator})


def throw(message: str, exc: type[Exception] = ValidationError, title: str | None = None) -> None:
    """Record `message` for the user and raise `exc` with it."""
    msgprint(message, title=title, indicator="red")
    if issubclass(exc, SmoothError):
        raise exc(message, title=title)
    raise exc(message)


_whitelisted: dict[Callable[..., Any], dict[str, Any]] = {}


def whitelist(allow_guest: bool = False, methods: Sequence[str] | None = None,
              xss_safe: bool = False) -> Callable[[F], F]:
    """Expose a function at /api/method/<dotted.path> (Frappe's @frappe.whitelist())."""

    def register(fn: F) -> F:
        _whitelisted[fn] = {"allow_guest": allow_guest, "methods": [m.upper() for m in methods or
                                                                     ("GET", "POST", "PUT", "DELETE")],
                            "xss_safe": xss_safe}
        return fn

    return register


def is_whitelisted(fn: Callable[..., Any]) -> dict[str, Any] | None:
    return _whitelisted.get(fn)


__all__ = [
    "AuthenticationError", "CSRFTokenError", "DataError", "DocstatusTransitionError", "DoesNotExistError",
    "DuplicateEntryError", "FilterError", "LinkExistsError", "LinkValidationError", "MandatoryError",
    "PermissionError", "QueryLockError", "SmoothError", "TimestampMismatchError", "TooManyRequestsError",
    "UniqueValidationError", "ValidationError", "_", "conf", "connect", "db", "delete_doc", "destroy", "flags",
    "get_all", "get_doc", "get_hooks", "get_list", "get_meta", "get_roles", "has_permission", "init",
    "is_whitelisted", "local", "msgprint", "new_doc", "now_datetime", "rename_doc", "session", "set_user",
    "site_context",
    "throw", "today", "unit_of_work", "whitelist",
]
