"""What the `smooth` facade defines itself rather than re-exports: Frappe's `frappe.db`, `frappe.local`,
`frappe.flags`, `frappe.conf` and `frappe.session` objects and the meta, hooks, permission and throttle helpers.

`smooth/__init__.py` loads this module, like every other home of a public name, on first use.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import smooth.context as _context
import smooth.permissions as _permissions
from smooth.auth import rate_limit as _rate_limit
from smooth.meta.coerce import DATE_RANGE as _DATE_RANGE
from smooth.model.database_api import DocumentDatabase
from smooth.model.passwords import encryption_key as _encryption_key

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


def clear_cache(user: str | None = None, doctype: str | None = None) -> None:
    """Frappe's `frappe.clear_cache()`: every process of the site reads its cached roles, Singles, workflows
    and user rows again from its next transaction on (after restoring a database behind Smooth's back, say).
    The arguments are Frappe's; the whole site cache is dropped whichever is given."""
    _context.local().site.cache.bump()
    _permissions.clear_role_cache(user)


def throttle_lookup(client_ip: str) -> None:
    """Count one lookup from `client_ip` on a page anyone may query; a 429 past site config `lookups_per_ip`."""
    _rate_limit.count_lookup(_context.local().site, client_ip)


def signing_key(purpose: str) -> bytes:
    """A key for `purpose` derived from the site's `encryption_key`, for an app that signs its own short-lived
    links: each purpose has its own key, so a token signed for one is worthless for any other."""
    return hmac.new(_encryption_key(), f"smooth app signing {purpose}".encode(), hashlib.sha256).digest()
