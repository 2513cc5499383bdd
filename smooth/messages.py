"""Messages for the user: `_` translates them, `msgprint` collects them in the unit of work, `throw` also raises.

The API returns collected messages as Frappe's `_server_messages`; the CLI prints them. `_` looks a
string up in the catalogs of the site's apps, then the core's (`smooth.i18n.catalogs`), for the unit's
language (`smooth.i18n.language`), and formats the translation with its arguments, so a catalog moves
`{0}` where the language wants it. Strings made at import time use `_lazy`, translated when shown; a low
layer's message (`smooth.i18n.deferred`) is translated by `translate_message` where it is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from smooth.context import is_initialized, local
from smooth.exceptions import SmoothError, ValidationError
from smooth.i18n import catalogs, language
from smooth.i18n.deferred import Message
from smooth.meta.desk_routes import form_path

_folders: dict[tuple[Path, ...], tuple[Path, ...]] = {}


def translate(text: str, lang: str | None = None) -> str:
    """`text` in `lang` (default: the unit's language); the English text when no catalog has it."""
    lang = lang or language.current()
    if lang == language.DEFAULT or not text:
        return text
    if lang == language.PSEUDO_RTL:
        return f"[{text}]"
    apps = local().site.apps if is_initialized() else []
    key = tuple(app.path for app in apps)
    folders = _folders.get(key)
    if folders is None:
        folders = _folders[key] = catalogs.locale_folders(apps)
    return catalogs.translations(folders, lang).get(text, text)


def _(text: str, *args: Any, **kwargs: Any) -> str:
    """`text` translated into the unit's language, then formatted with `args` (`_("Booked {0}", when)`)."""
    translated = translate(text)
    if args or kwargs:
        return translated.format(*(translate_message(a) for a in args), **kwargs)
    return translated


def translate_message(message: Any) -> Any:
    """A low layer's `Message` (and the Messages among its arguments) in the unit's language; any other value
    as it is. Called where a refusal is shown: the API's envelope, the desk's templates, the CLI. A refusal
    passed as an argument (`_("Row {0}: {1}", idx, exc)`) stands for its message."""
    if isinstance(message, SmoothError) and isinstance(message.message, Message):
        message = message.message
    if not isinstance(message, Message):
        return message
    translated = translate(message.msgid)
    return translated.format(*(translate_message(a) for a in message.args)) if message.args else translated


def translate_error(exc: BaseException) -> None:
    """Put a refusal's message into the language of the person it is shown to, while its unit of work (and so
    that person) is still known: `exc.message` is what they read; `str(exc)`, for logs, stays English."""
    if isinstance(exc, SmoothError) and isinstance(exc.message, Message):
        exc.message = translate_message(exc.message)


class LazyMessage:
    """A module-level string translated each time it is shown, in the language of that moment."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return translate(self.text)

    def __repr__(self) -> str:
        return f"_lazy({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.text)

    def format(self, *args: Any, **kwargs: Any) -> str:
        return str(self).format(*args, **kwargs)


def _lazy(text: str) -> LazyMessage:
    """Mark a string made at import time (a constant, a label) for translation when it is shown."""
    return LazyMessage(text)


def msgprint(message: str, title: str | None = None, indicator: str | None = None) -> None:
    if is_initialized():
        local().message_log.append({"message": translate_message(message), "title": translate_message(title),
                                    "indicator": indicator})


def throw(message: str, exc: type[Exception] = ValidationError, title: str | None = None) -> None:
    """Record `message` for the user and raise `exc` with it (a low layer's Message, passed on, is translated)."""
    message, title = translate_message(message), translate_message(title)
    msgprint(message, title=title, indicator="red")
    if issubclass(exc, SmoothError):
        raise exc(message, title=title)
    raise exc(message)


def get_link_to_form(doctype: str, name: str, label: str | None = None) -> Markup:
    """An HTML link to a record's desk form for a message (Frappe's name); the desk shows messages as
    sanitised HTML, so `msgprint(f"Certificate {get_link_to_form(...)} issued")` reads as a link."""
    return Markup('<a href="{}">{}</a>').format(form_path(doctype, name), escape(label or name))
