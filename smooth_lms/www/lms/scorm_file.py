"""/lms/scorm/<token>/<file>: a file of a lesson's SCORM package, sandboxed (smooth_lms/scorm/serving.py)."""

from __future__ import annotations

from typing import Any

from smooth_lms.scorm import serving


def get_context(context: Any) -> None:
    context.download = serving.package_file(context.form_dict["token"], context.form_dict["file"])
