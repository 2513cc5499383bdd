"""/lms/programs/<program>: the program's courses in order, my progress, what is locked and why, my certificate."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import smooth
from smooth import _
from smooth_lms import learning, lesson_body, programs


def handle_post(context: Any) -> None:
    learning.require_login(_("Log in to enrol"))
    if context.form_dict.get("action") != "enroll":
        raise smooth.ValidationError(_("Unknown action"))
    program = context.form_dict["program"]
    with context.refused_post(smooth.ValidationError):
        programs.enroll_self(program)
        context.redirect_to = f"/lms/programs/{program}"


def get_context(context: Any) -> None:
    user = context.user
    program = programs.program_for_viewer(context.form_dict["program"], user)
    context.program, context.title = program, program["title"]
    context.description = lesson_body.to_html(program.get("description"))
    member = smooth.db.get_value("LMS Program Member", {"program": program["name"], "member": user},
                                 ["name", "certificate_number", "certificate_date"], as_dict=True) \
        if user != "Guest" else None
    context.member = member
    context.standing = programs.progress_for([user], [program["name"]])[(user, program["name"])]
    if not member:  # a visitor sees the courses, not a standing
        for step in context.standing.steps:
            step.locked_by = None
    context.certificate_url = "/api/method/frappe.utils.print_format.download_pdf?" + urlencode(
        {"doctype": "LMS Program Member", "name": member["name"], "format": programs.CERTIFICATE_FORMAT}) \
        if member and member["certificate_number"] else None
    context.can_enroll = bool(user != "Guest" and not member and program["published"])
    context.error = context.error or None
