"""Messages for the user: `msgprint` collects them in the unit of work, `throw` also raises.

The API returns collected messages as Frappe's `_server_messages`; the CLI prints them.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from smooth.context import is_initialized, local
from smooth.exceptions import SmoothError, ValidationError
from smooth.meta.desk_routes import form_path


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


def get_link_to_form(doctype: str, name: str, label: str | None = None) -> Markup:
    """An HTML link to a record's desk form for a message (Frappe's name); the desk shows messages as
    sanitised HTML, so `msgprint(f"Certificate {get_link_to_form(...)} issued")` reads as a link."""
    return Markup('<a href="{}">{}</a>').format(form_path(doctype, name), escape(label or name))
