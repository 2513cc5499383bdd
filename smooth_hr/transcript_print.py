"""The training transcript printed: the "Training Transcript" Print Format (editable in the desk) over
the transcript's data, as HTML for the audit export and as PDF for the download."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from urllib.parse import urlencode

import smooth
from smooth_hr.transcript import Transcript, get_transcript

PRINT_FORMAT = "Training Transcript"
PAGE_URL = "/app/training-transcript"


def render(transcript: Transcript, *, as_pdf: bool) -> Any:
    """The Print Format's page (HTML text) or its PDF (bytes)."""
    user = smooth.session.user
    printed_by = smooth.db.get_value("User", user, "full_name") or user
    context = {"transcript": dataclasses.asdict(transcript), "printed_by": f"{printed_by} <{user}>",
               "printed_at": smooth.now_datetime().isoformat(sep=" ", timespec="minutes")}
    return smooth.get_print(doc=smooth.get_doc("Employee", transcript.employee), print_format=PRINT_FORMAT,
                            as_pdf=as_pdf, context=context)


def file_name(transcript: Transcript, extension: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in transcript.employee)
    return f"transcript-{safe}-{transcript.as_of.isoformat()}.{extension}"


def page_url(employee: str, as_of: dt.date | None = None, **extra: Any) -> str:
    query = {"employee": employee, **({"as_of": as_of.isoformat()} if as_of else {}), **extra}
    return f"{PAGE_URL}?{urlencode(query)}"


@smooth.whitelist(methods=("POST",))
def open_transcript(name: str) -> dict[str, str]:
    """The Employee form's "Training transcript" button: to the transcript page of that employee."""
    get_transcript(name)  # refuses an employee the user may not read, on the form instead of the page
    return {"redirect_to": page_url(name)}
