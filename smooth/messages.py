"""Messages for the user: `msgprint` collects them in the unit of work, `throw` also raises.

The API returns collected messages as Frappe's `_server_messages`; the CLI prints them.
"""

from __future__ import annotations

from typing import Any

from smooth.context import is_initialized, local
from smooth.exceptions import SmoothError, ValidationError


def _(text: str, *args: Any, **kwargs: Any) -> str:
    """Mark `text` for translation (Smooth ships English only) and format it."""
    if args or kwargs:
        return text.format(*args, **kwargs)
    return text


def msgprint(message: str, title: str | None = None, indicator: str | None = None) -> None:
    if is_initialized():
        local().message_log.append({"message": message, "title": title, "indicator": indicator})


def throw(message: str, exc: type[Exception] = ValidationError, title: str | None = None) -> None:
    """Record `message` for the user and raise `exc` with it."""
    msgprint(message, title=title, indicator="red")
    if issubclass(exc, SmoothError):
        raise exc(message, title=title)
    raise exc(message)
