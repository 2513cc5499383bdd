"""/lms/evaluations/<request>/ics: the request as an .ics file, for its learner, its evaluator and staff."""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms import learning
from smooth_lms.calendar_file import request_ics


def get_context(context: Any) -> None:
    learning.require_login(_("Log in to download the calendar file"))
    name = context.form_dict["request"]
    if not smooth.db.exists("LMS Certificate Request", name):
        raise smooth.DoesNotExistError(smooth._("Evaluation request {0} not found", name))
    doc = smooth.get_doc("LMS Certificate Request", name)
    doc.check_permission("read")
    context.download = {"filename": f"evaluation-{name}.ics", "content": request_ics(doc, smooth.local.site.name),
                        "content_type": "text/calendar; charset=utf-8"}
