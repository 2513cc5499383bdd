"""Whitelisted functions the API tests call over HTTP (imported by conftest, so the server can resolve them)."""

from __future__ import annotations

import collections
import threading
from typing import Any

import smooth
from smooth.api.request import current_request

CROSSING = threading.Barrier(2, timeout=20)
cross_lock_attempts: collections.Counter[str] = collections.Counter()


@smooth.whitelist()
def echo(a: Any, b: Any = None) -> dict[str, Any]:
    return {"a": a, "b": b}


@smooth.whitelist(methods=["POST"])
def post_only(value: Any = None) -> str:
    return f"posted {value}"


@smooth.whitelist(allow_guest=True, methods=["GET"])
def hello_guest() -> str:
    return f"hello {smooth.session.user}"


@smooth.whitelist()
def takes_kwargs(**kwargs: Any) -> dict[str, Any]:
    return dict(sorted(kwargs.items()))


@smooth.whitelist()
def returns_nothing() -> None:
    return None


@smooth.whitelist()
def add_category(category_name: str) -> str:
    """Writes a record: committed for POST, rolled back for GET."""
    return smooth.get_doc({"doctype": "Test Category", "category_name": category_name}).insert().name


@smooth.whitelist()
def add_category_then_fail(category_name: str) -> None:
    smooth.get_doc({"doctype": "Test Category", "category_name": category_name}).insert()
    smooth.throw(f"Refusing {category_name} after writing it", title="Nope")


@smooth.whitelist()
def says_hello_and_returns() -> int:
    smooth.msgprint("Saved three things", title="Done", indicator="green")
    return 3


@smooth.whitelist()
def crashes() -> None:
    raise RuntimeError("secret internal detail")


def not_whitelisted() -> str:
    return "should never run"


@smooth.whitelist()
def takes_days(days: int = 60) -> dict[str, Any]:
    return {"days": days, "type": type(days).__name__}


@smooth.whitelist(methods=["POST"])
def cross_lock(first: str, second: str) -> str:
    """Lock Test Category `first`, meet the other caller (on the first attempt), then lock `second`: two calls
    crossing one pair deadlock, and the database stops one of them. Each attempt leaves a message, a cookie and
    a note in the description, so a test sees what a run again keeps."""
    cross_lock_attempts[first] += 1
    smooth.msgprint(f"locking {first}")
    request = current_request()
    if request is not None:
        request.set_cookie("crossed", first)
    smooth.db.get_value("Test Category", first, "name", for_update=True)
    if cross_lock_attempts[first] == 1:
        CROSSING.wait()
    smooth.db.get_value("Test Category", second, "name", for_update=True)
    note = smooth.db.get_value("Test Category", first, "description") or ""
    smooth.db.set_value("Test Category", first, "description", note + f"locked {second};")
    return first
