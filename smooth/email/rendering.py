"""Email Template rendering: Jinja in a bounded sandbox, the HTML part autoescaped.

Templates are edited by admins in the desk, so they run in `smooth.template_sandbox` (no
attribute tricks reach Python internals; time, size and depth are bounded; any failure is a
ValidationError naming the template, the field and the line). The subject and the plain-text
part are plain text and are not HTML-escaped; the HTML part is.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined

from smooth.exceptions import ValidationError
from smooth.i18n import formatting
from smooth.messages import _
from smooth.model.database_api import document_db
from smooth.template_sandbox import BoundedSandbox, Placeholder, check_template, render


def _strftime(value: Any, pattern: str) -> Any:
    """A date in the reader's language (a preview's `[due_date]` placeholder or a text passes as it is)."""
    return formatting.strftime(value, pattern) if isinstance(value, (dt.date, dt.time)) else value


_html = BoundedSandbox(autoescape=True, undefined=StrictUndefined)
_text = BoundedSandbox(autoescape=False, undefined=StrictUndefined)
_PREVIEW = {True: BoundedSandbox(autoescape=True, undefined=Placeholder),
            False: BoundedSandbox(autoescape=False, undefined=Placeholder)}
for _sandbox in (_html, _text, *_PREVIEW.values()):
    _sandbox.globals["_"] = _  # Email Templates translate their text: `{{ _("Your evaluation is booked") }}`
    _sandbox.globals["format_number"] = formatting.format_number
    _sandbox.globals["strftime"] = _strftime
FIELDS = (("subject", "Subject", _text), ("response_html", "Response (HTML)", _html), ("response", "Response", _html))
TEMPLATE_FIELDS = ["subject", "use_html", "response_html", "response"]
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


def check_email_template(name: str, values: dict[str, Any]) -> None:
    """Refuse an Email Template whose subject or body does not compile (on save, not at the first mail)."""
    for fieldname, label, env in FIELDS:
        check_template(env, values.get(fieldname) or "", f"Email Template {name!r}, {label}")


def body_field(values: dict[str, Any]) -> tuple[str, str]:
    """(fieldname, label) of the body, as Frappe chooses it: `response_html` with `use_html`, else the rich-text
    `response`. A record holding only an HTML body (written before `use_html` existed) uses that."""
    if int(values.get("use_html") or 0) or (values.get("response_html") and not values.get("response")):
        return "response_html", "Response (HTML)"
    return "response", "Response"


def render_values(name: str, values: dict[str, Any], args: dict[str, Any], preview: bool = False) -> RenderedMail:
    """Render a template's fields with `args`. A `preview` shows values only a sender supplies as
    `[name]` (it has a record for `doc`, not the sender's other arguments)."""
    where = f"Email Template {name!r}"
    html_env, text_env = (_PREVIEW[True], _PREVIEW[False]) if preview else (_html, _text)
    body, label = body_field(values)
    markup = render(html_env, values.get(body) or "", args, f"{where}, {label}")
    text = html_to_text(markup)
    subject = " ".join(render(text_env, values.get("subject") or "", args, f"{where}, Subject").split())
    return RenderedMail(subject=subject, html=markup, text=text)


def render_template(name: str, args: dict[str, Any]) -> RenderedMail:
    """Render the Email Template `name` with `args`."""
    database = document_db()
    # a job queueing thousands of reminders reads its template once, not once per mail (smooth.site_cache)
    row = database.cached(("email template", name),
                          lambda: database.get_value("Email Template", name, TEMPLATE_FIELDS, as_dict=True))
    if not row:
        raise ValidationError(_("Email Template {0!r} does not exist: create it in the desk (Email Template list) "
                                "or run `bench migrate` to sync the shipped templates", name))
    return render_values(name, row, args)


def check_message(where: str, subject: str, body: str) -> None:
    """Refuse a subject or an HTML body (a Notification's) that does not compile, naming `where` and the line."""
    check_template(_text, subject or "", f"{where}, Subject")
    check_template(_html, body or "", f"{where}, Message")


def render_message(where: str, subject: str, body: str, args: dict[str, Any]) -> RenderedMail:
    """A subject (plain text) and an HTML body that are not an Email Template, with `args`."""
    markup = render(_html, body or "", args, f"{where}, Message")
    line = " ".join(render(_text, subject or "", args, f"{where}, Subject").split())
    return RenderedMail(subject=line, html=markup, text=html_to_text(markup))
