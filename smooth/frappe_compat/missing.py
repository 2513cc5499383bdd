"""A Frappe name the layer does not provide fails where it is used, with a message naming it.

Not an AttributeError: Python turns one raised during `from frappe import x` into a bare
"cannot import name", and code catching AttributeError would hide the gap until a request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from smooth.exceptions import SmoothError

# what to use instead, for the Frappe names apps reach for most
HINTS = {
    "frappe.get_cached_doc": "use frappe.get_doc (Smooth keeps no document cache)",
    "frappe.get_cached_value": "use frappe.db.get_value",
    "frappe.cache": "Smooth offers apps no Redis cache; keep per-request values on frappe.local",
    "frappe.call": "call the function itself",
    "frappe.publish_realtime": "Smooth has no realtime (socket.io) channel",
    "frappe.qb": "Smooth has no query builder; use frappe.get_all with filters, or read-only frappe.db.sql",
    "frappe.db.commit": "Smooth commits when the request, job or command ends; isolate a step with "
                        "smooth.savepoint()",
    "frappe.db.rollback": "raise an error (frappe.throw) to roll the unit of work back, or use smooth.savepoint()",
}


class NotProvidedError(SmoothError):
    """Frappe code used a name Smooth's Frappe compatibility layer does not provide."""


def not_provided(name: str, provided: list[str] | None = None) -> NoReturn:
    hint = HINTS.get(name) or (f"it provides {', '.join(provided)}" if provided else
                               "see README, Coming from Frappe")
    raise NotProvidedError(f"{name} is not provided by Smooth's Frappe compatibility layer; {hint}")


def module_getattr(frappe_name: str, namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module `__getattr__` (PEP 562) for a module of the layer that Frappe code knows as `frappe_name`."""

    def __getattr__(attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(f"module {frappe_name!r} has no attribute {attr!r}")
        not_provided(f"{frappe_name}.{attr}", sorted(k for k in namespace if not k.startswith("_") or k == "_"))

    return __getattr__
