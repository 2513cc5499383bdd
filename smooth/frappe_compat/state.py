"""Frappe's per-request objects: `frappe.local`, `frappe.flags`, `frappe.form_dict`, `frappe.session`, `_dict`.

Each is a view on the current unit of work (`smooth.context`), shaped as Frappe code reads it:
a flag or a form argument never set reads as None, `frappe.local.site` is the site's name, and
what an app stores on `frappe.local` lives for the unit of work, apart from Smooth's own state.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

from smooth import context
from smooth.facade import conf
from smooth.frappe_compat.missing import not_provided


class _dict(dict[str, Any]):  # Frappe's name
    """Frappe's `frappe._dict`: a dict whose keys read as attributes (a missing one as None)."""

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        return self.get(key)

    def __setattr__(self, key: str, value: Any) -> None:
        self[key] = value

    def __delattr__(self, key: str) -> None:
        self.pop(key, None)

    def copy(self) -> _dict:
        return _dict(self)


class _Flags:
    """`frappe.flags`: the unit's flags; one never set reads as None, as in Frappe."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if not context.is_initialized():
            return None
        return getattr(context.local().flags, name, None)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(context.local().flags, name, value)


class _FormDict(MutableMapping[str, Any]):
    """`frappe.form_dict`: the current request's arguments (empty outside a request); keys read as attributes."""

    def _data(self) -> dict[str, Any]:
        return context.local().form_dict if context.is_initialized() else {}

    def __getitem__(self, key: str) -> Any:
        return self._data()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._data()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        return self._data().get(key)

    def __setattr__(self, key: str, value: Any) -> None:
        self._data()[key] = value


class _Session:
    """`frappe.session`: who the unit of work acts as."""

    closed = True  # bench check: only what is defined here is provided

    @property
    def user(self) -> str:
        return context.session_user()

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        not_provided(f"frappe.session.{attr}", ["user"])


flags = _Flags()
form_dict = _FormDict()
session = _Session()
_SHARED = {"flags": flags, "form_dict": form_dict, "session": session, "conf": conf, "lang": "en"}


class _Local:
    """`frappe.local`: the site's name, the shared objects above, the message log, and what the app sets."""

    def _own(self) -> dict[str, Any]:
        bound = context.local()
        own: dict[str, Any] = vars(bound).setdefault("frappe_local", {})
        return own

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name in _SHARED:
            return _SHARED[name]
        if name == "site":
            return context.local().site.name
        if name == "message_log":
            return context.local().message_log
        own = self._own()
        if name in own:
            return own[name]
        raise AttributeError(f"frappe.local.{name} is not set (Smooth's frappe.local offers site, "
                             f"{', '.join(_SHARED)}, message_log and what the app sets on it)")

    def __setattr__(self, name: str, value: Any) -> None:
        self._own()[name] = value

    def __delattr__(self, name: str) -> None:
        self._own().pop(name, None)


local = _Local()
