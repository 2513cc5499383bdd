"""`/app/email-template/<name>/preview`, `/app/print-format/<name>/preview` and `/app/notification/<name>/preview`:
a saved template drawn against a real record the viewer chooses, so a mistake shows here and not in an inbox.
A Notification's preview also says whether its condition holds for the record and who would receive it.

A Print Format's record is of its `doc_type`; an Email Template names no doctype, so the viewer
picks one. The record is read with the viewer's rights (`load_for_read`). An Email Template's
other arguments (`when`, `recipient_name`...) come only from the code that sends it, so the
preview shows them as `[when]`; a field the record lacks is an error, as in the real mail.
The rendered HTML is shown in a sandboxed frame (no scripts, no same-origin access).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from smooth.api.client import load_for_read
from smooth.api.request import ApiRequest
from smooth.context import local
from smooth.core.doctype.notification.notification import preview as notification_preview
from smooth.email.rendering import render_values
from smooth.exceptions import DoesNotExistError, SmoothError
from smooth.messages import _
from smooth.model import listing
from smooth.pages.desk.access import require_desk_user, slug
from smooth.pages.rendering import render_page
from smooth.permissions import has_permission
from smooth.printing.render import choose_format
from smooth.printing.render import render_page as print_page
from smooth.whitelist import whitelist

KINDS = {"email-template": "Email Template", "print-format": "Print Format", "notification": "Notification"}
FIXED = {"Print Format": "doc_type", "Notification": "document_type"}  # the field naming the record's doctype
RECENT = 20


def _recent(doctype: str) -> list[str]:
    """The newest records of `doctype` the viewer may read, to choose from."""
    if not doctype or not has_permission(doctype, "read"):
        return []
    return [str(n) for n in listing.get_list(doctype, pluck="name", order_by="modified desc",
                                             limit_page_length=RECENT)]


def _doctypes() -> list[str]:
    return sorted(m.name for m in local().site.registry
                  if not m.istable and not m.issingle and has_permission(m.name, "read"))


def _draw(kind: str, template: Any, doctype: str, docname: str) -> dict[str, str]:
    record = load_for_read(doctype, docname)
    if kind == "Email Template":
        mail = render_values(str(template.name), template.as_dict(), {"doc": record.as_dict()}, preview=True)
        return {"subject": mail.subject, "html": mail.html, "text": mail.text}
    if kind == "Notification":
        return notification_preview(template, record)
    return {"html": print_page(record, choose_format(record, str(template.name)))}


def show_preview(api: ApiRequest, slug: str, name: str) -> Response:
    require_desk_user(api)
    kind = KINDS.get(slug)
    if kind is None:
        raise DoesNotExistError(_("/app/{0} has no preview: Email Templates, Print Formats and Notifications have "
                                  "one", slug))
    template = load_for_read(kind, name)
    fixed = str(template.get(FIXED[kind]) or "") if kind in FIXED else ""
    doctype = fixed or str(api.form.get("doctype") or "")
    docname = str(api.form.get("docname") or "")
    result: dict[str, str] = {}
    error = ""
    if doctype and docname:
        try:
            result = _draw(kind, template, doctype, docname)
        except SmoothError as exc:
            error = exc.message
    return render_page(api, "desk/template_preview.html", {
        "kind": kind, "template": template, "form_url": f"/app/{slug}/{name}", "list_url": f"/app/{slug}",
        "fixed_doctype": fixed, "doctype": doctype, "docname": docname, "doctypes": [] if fixed else _doctypes(),
        "records": _recent(doctype), "result": result, "error": error}, status=417 if error else 200)


def _preview_of(doctype: str, name: str) -> dict[str, str]:
    load_for_read(doctype, name)
    return {"redirect_to": f"/app/{slug(doctype)}/{quote(name, safe='')}/preview"}


@whitelist(methods=("POST",))
def preview_email_template(name: str) -> dict[str, str]:
    """The Email Template form's Preview button."""
    return _preview_of("Email Template", name)


@whitelist(methods=("POST",))
def preview_notification(name: str) -> dict[str, str]:
    """The Notification form's Preview button."""
    return _preview_of("Notification", name)


@whitelist(methods=("POST",))
def preview_print_format(name: str) -> dict[str, str]:
    """The Print Format form's Preview button."""
    return _preview_of("Print Format", name)
