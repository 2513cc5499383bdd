"""`/app/training-transcript?employee=HR-EMP-00001&as_of=2026-01-31`: one employee's training record as it
stood on a day (today when not given), with links to each record; `&pdf=1` downloads it as PDF."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import smooth
from smooth import _
from smooth_hr import transcript_print
from smooth_hr.transcript import get_transcript

# each standing (in English: the transcript shows it translated) and its colour
STATUS_CLASS = {"Valid": "ok", "In force": "ok", "Complete": "ok", "Completed": "ok", "Passed": "ok", "Pass": "ok",
                "Expired": "bad", "Revoked": "bad", "Fail": "bad", "Not passed": "bad", "Overdue": "bad",
                "Expiring": "warn", "Superseded": "muted"}


def _pdf(transcript: Any) -> smooth.FileDownload:
    content = transcript_print.render(transcript, as_pdf=True)
    with tempfile.NamedTemporaryFile(prefix="transcript-", suffix=".pdf", delete=False) as handle:
        handle.write(content)
    return smooth.FileDownload(Path(handle.name), transcript_print.file_name(transcript, "pdf"), "application/pdf",
                               remove_after=True)


def get_context(context: Any) -> None:
    form = context.form_dict
    employee = str(form.get("employee") or "").strip()
    as_of = str(form.get("as_of") or "").strip()
    context.chosen = {"employee": employee, "as_of": as_of}
    context.transcript = None
    context.error = None
    context.status_class = {_(status): tone for status, tone in STATUS_CLASS.items()}  # the standings are translated
    if not employee:
        context.error = _("Choose an employee: open their form and press Training transcript, or type their ID below.")
        return
    try:
        transcript = get_transcript(employee, as_of or None)
        if form.get("pdf"):
            context.download = _pdf(transcript)
            return
    except smooth.SmoothError as exc:
        context.error, context.http_status = exc.message, exc.http_status_code
        return
    context.transcript = transcript
    context.title = _("Training transcript: {0}", transcript.employee_name)
    context.pdf_url = transcript_print.page_url(employee, transcript.as_of, pdf=1)
