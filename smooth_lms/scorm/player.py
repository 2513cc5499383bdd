"""The player on a SCORM lesson's page: the sandboxed frame's address, the attempt and session it records to.

Each opening of the lesson page is a new session of the learner's latest attempt (so session times add up
into the total time once each); "Start a new attempt" begins the next attempt with no data.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

import smooth
from smooth import _
from smooth_lms.scorm import runtime, tokens


def summary(row: dict[str, Any] | None) -> str:
    """How the attempt stands, in words (the status line under the frame)."""
    if not row or not row.get("completion_status"):
        return "Not started yet"
    parts = [str(row["completion_status"]).capitalize()]
    if row.get("success_status") not in (None, "", "unknown", row["completion_status"]):
        parts.append(str(row["success_status"]))
    if row.get("score_raw") is not None:
        parts.append(f"score {float(row['score_raw']):g}")
    return " · ".join(parts)


def player(user: str, lesson: dict[str, Any]) -> dict[str, Any] | None:
    """What the lesson template needs to show the package (None: the lesson has no package)."""
    if not lesson.get("scorm_folder"):
        return None
    values = runtime.lesson_of(lesson["name"])
    if not runtime.may_play(user, values["course"]):
        return {"blocked": f"Enrol in the course to play {values['title']}"}
    attempt = runtime.latest_attempt(user, lesson["name"])
    session = secrets.token_hex(12)
    token = tokens.issue(user, lesson["name"], attempt, session)
    row = runtime.attempt_row(user, lesson["name"], attempt)
    src = f"/lms/scorm/{token}/{quote(values['scorm_launch'], safe='/?&=#%+;,')}"
    return {"blocked": None, "src": src, "attempt": attempt, "session": session, "version": values["scorm_version"],
            "started": bool(row), "status": summary(row)}


def new_attempt(user: str, lesson: str) -> None:
    """Begin the next attempt (the previous ones stay, as the record)."""
    runtime.lesson_of(lesson)
    latest = runtime.latest_attempt(user, lesson)
    if not runtime.attempt_row(user, lesson, latest):
        raise smooth.ValidationError(_("Play the package first: there is no attempt to start again"))
    smooth.get_doc({"doctype": "LMS SCORM Attempt", "member": user, "lesson": lesson,
                    "attempt": latest + 1}).insert(ignore_permissions=True)
