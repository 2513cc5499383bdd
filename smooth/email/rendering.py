"""Email Template rendering: Jinja in a sandbox, the HTML part autoescaped.

Templates are edited by admins in the desk, so they run in Jinja's SandboxedEnvironment (no
attribute tricks reach Python internals). The subject and the plain-text part are plain text
and are not HTML-escaped; the HTML part is.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from smooth.exceptions import ValidationError
from smooth.model.database_api import document_db

_html = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
_text = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|tr|table|ul|ol)>|<br\s*/?>", re.IGNORECASE)


@dataclass
class RenderedMail:
    subject: str
    html: str
    text: str


def html_to_text(markup: str) -> str:
    """A readable plain-text part from HTML (for clients that do not show HTML)."""
    text = _BLOCK_END.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    return "\n".join(line.strip() for line in text.splitlines()).strip() + "\n"


@lru_cache(maxsize=256)
def _compiled(env: SandboxedEnvironment, source: str) -> Template:
    """Compiled once per distinct source text: compiling costs ~20x rendering, and a daily job mails thousands."""
    return env.from_string(source)


def _render(env: SandboxedEnvironment, source: str, args: dict[str, Any], where: str) -> str:
    try:
        return _compiled(env, source).render(args)
    except TemplateError as exc:
        raise ValidationError(f"{where} could not be rendered: {exc}") from exc


def render_template(name: str, args: dict[str, Any]) -> RenderedMail:
    """Render the Email Template `name` with `args`."""
    row = document_db().get_value("Email Template", name, ["subject", "response_html", "response"], as_dict=True)
    if not row:
        raise ValidationError(f"Email Template {name!r} does not exist: create it in the desk (Email Template list) "
                              "or run `bench migrate` to sync the shipped templates")
    markup = _render(_html, row["response_html"] or "", args, f"Email Template {name!r}")
    text = _render(_text, row["response"], args, f"Email Template {name!r}") if row.get("response") \
        else html_to_text(markup)
    subject = " ".join(_render(_text, row["subject"] or "", args, f"The subject of Email Template {name!r}").split())
    return RenderedMail(subject=subject, html=markup, text=text)
