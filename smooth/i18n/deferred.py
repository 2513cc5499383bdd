"""Messages of the low layers (0-2), translated where they are shown rather than where they are raised.

A coercion, a filter check or a condition parser sits below the layer that knows the reader's language
(`smooth.messages`, layer 3), so it cannot translate. It writes `_("Field {0} does not exist on {1}", name,
doctype)` with this module's `_`: the same keyword the extractor reads, returning a `Message`, a `str` that
holds the English text (logs, `str(exc)` and tests read it unchanged) and keeps the msgid and arguments.
The places that show a refusal to a person translate it then, in that person's language
(`smooth.messages.translate_message`: the API's error envelope and `_server_messages`, the desk's pages,
the `bench` CLI).
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """English text now (`str` of the formatted msgid); `msgid` and `args` for the translation later.

    An argument may itself be a Message (a field label, a reason); it is translated with the sentence."""

    __slots__ = ("msgid", "args")
    msgid: str
    args: tuple[Any, ...]

    def __new__(cls, msgid: str, *args: Any) -> Message:
        message = super().__new__(cls, msgid.format(*args) if args else msgid)
        message.msgid, message.args = msgid, args
        return message

    def __getnewargs__(self) -> tuple[Any, ...]:
        return (self.msgid, *self.args)

    def __repr__(self) -> str:
        return f"_({', '.join(repr(part) for part in (self.msgid, *self.args))})"


def _(text: str, *args: Any) -> Message:
    """`text` formatted with `args` in English, marked for translation where it is shown."""
    return Message(text, *args)
