"""A test portal page: route part in form_dict, a post that redirects or re-renders with a message."""

from __future__ import annotations

import smooth

NOTES: dict[str, str] = {}


def get_context(context):  # type: ignore[no-untyped-def]
    name = context.form_dict["thing"]
    if name == "secret" and context.user == "Guest":
        raise smooth.PermissionError("Log in to see the secret thing")
    if name == "calendar":
        context.download = {"filename": "thing.ics", "content": "BEGIN:VCALENDAR", "content_type": "text/calendar"}
    context.title = f"Thing {name}"
    context.note = NOTES.get(name, "")
    return {"method_seen": context.method}


def handle_post(context):  # type: ignore[no-untyped-def]
    note = context.form_dict.get("note") or ""
    if context.form_dict.get("action") == "file":  # writes a Test Note, refused when the note says so
        with context.refused_post():
            smooth.get_doc({"doctype": "Test Note", "title": note}).insert()
            if "refuse" in note:
                raise smooth.ValidationError(f"{note} is refused")
            context.redirect_to = f"/things/{context.form_dict['thing']}?filed=1"
        return
    if not note:
        context.error = "A note is required"
        context.http_status = 417
        return
    NOTES[context.form_dict["thing"]] = note
    context.redirect_to = f"/things/{context.form_dict['thing']}?saved=1"
