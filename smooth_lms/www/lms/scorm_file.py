"""/lms/scorm/<token>/<file>: a file of a lesson's SCORM package, sandboxed (smooth_lms/scorm/serving.py)."""

from __future__ import annotations

from typing import Any

import smooth
from smooth import _
from smooth_lms.scorm import serving


def get_context(context: Any) -> None:
    token, path = context.form_dict.get("token"), context.form_dict.get("file")
    if not isinstance(token, str) or not isinstance(path, str):  # /lms/scorm_file itself, not through its route
        raise smooth.DoesNotExistError(_("Page not found"))
    try:
        context.download = serving.package_file(token, path)
    except (smooth.PermissionError, smooth.DoesNotExistError) as exc:
        if not path.lower().endswith((".html", ".htm")):
            raise
        context.download = serving.refusal_page(exc)  # a page of the frame: the learner reads why, in the frame
