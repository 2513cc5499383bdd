"""Whitelisted functions the API tests call over HTTP (imported by conftest, so the server can resolve them)."""

from __future__ import annotations

from typing import Any

import smooth


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
