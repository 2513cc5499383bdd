"""/lms/live/<live_class>/ics: a live session as an .ics file, for its cohort's members, its host and staff."""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms import learning
from smooth_lms.live_class_mails import class_ics, cohort_members


def get_context(context: Any) -> None:
    user = learning.require_login(_("Log in to download the calendar file"))
    name = context.form_dict["live_class"]
    row = smooth.db.get_value("LMS Live Class", name, ["batch_name", "host"], as_dict=True) \
        if isinstance(name, str) else None
    if not row or user not in (*cohort_members(row["batch_name"]), row["host"]) \
            and not learning.sees_all_content(user):
        raise smooth.DoesNotExistError(_("Live session {0} not found", name))  # another cohort's: not there for you
    doc = smooth.get_doc("LMS Live Class", name)
    context.download = {"filename": f"live-session-{name}.ics", "content": class_ics(doc, user),
                        "content_type": "text/calendar; charset=utf-8"}
