"""A package's files as the sandboxed frame asks for them: `/lms/scorm/<token>/<path>`.

Every file is sent as a sandboxed inline download (the portal's `"sandboxed": True`: CSP `sandbox
allow-scripts`, no allow-same-origin), so whatever the package's scripts do, they do it in an opaque
origin: no session cookie, no localStorage of the site, and a call to the site's API is a cross-origin,
cookieless request. The token (tokens.py) is the permission; the learner must still be allowed to play
the lesson when each file is fetched. Each HTML page gets the run-time API shim and the attempt's values
written in before its own first script, because a sandboxed page cannot reach `window.parent.API`.
"""

from __future__ import annotations

import json
import mimetypes
import re
from functools import cache
from html import escape as escape_html
from pathlib import Path
from typing import Any

import smooth
from smooth import _
from smooth_lms.scorm import datamodel, package, runtime, tokens

_HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)
_HTML = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_SHIM = Path(__file__).with_name("shim.js")


@cache
def shim_source() -> str:
    return _SHIM.read_text()


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element (no `</script>`, no HTML comment openers)."""
    return json.dumps(value, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e")


def with_shim(html: bytes, settings: dict[str, Any], xml: bool = False) -> bytes:
    """`html` with the shim and its settings as the first scripts of the page (in CDATA for an XHTML page,
    which an XML parser reads: the shim's `<` and `&&` would end it)."""
    code = f"window.SmoothScorm={_script_json(settings)};\n{shim_source()}"
    block = (f"<script>//<![CDATA[\n{code}\n//]]></script>" if xml else f"<script>{code}</script>").encode()
    for pattern in (_HEAD, _HTML):
        found = pattern.search(html)
        if found:
            return html[:found.end()] + block + html[found.end():]
    return block + html


def package_file(token: str, path: str) -> dict[str, Any]:
    """The portal download of one package file for the token's learner (404 unknown, 403 not allowed)."""
    grant = tokens.verify(token)
    lesson = runtime.lesson_of(grant.lesson)
    if not runtime.may_play(grant.member, lesson["course"]):
        raise smooth.PermissionError(_("You are no longer enrolled in this course"))
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    page = content_type in ("text/html", "application/xhtml+xml")
    on_disk = None if page else package.local_file(lesson["scorm_folder"], path)
    if on_disk is not None:
        return {"filename": path.rsplit("/", 1)[-1], "path": on_disk, "content_type": content_type, "sandboxed": True}
    content = package.read(lesson["scorm_folder"], path)
    if content is None:
        raise smooth.DoesNotExistError(_("The package has no file {0}", path[:200]))
    if page:
        version = lesson["scorm_version"]
        content = with_shim(content, {
            "model": datamodel.for_client(version), "session": grant.session,
            "state": runtime.launch_state(lesson, grant.member, grant.attempt, grant.session)},
            xml=content_type == "application/xhtml+xml")
    return {"filename": path.rsplit("/", 1)[-1], "content": content, "content_type": content_type,
            "sandboxed": True}


def refusal_page(error: smooth.SmoothError) -> dict[str, Any]:
    """Why a page of the package is not shown, as a page the player's frame may show (a site error page may
    not be framed): an expired link after a long pause, a learner no longer enrolled, a missing page."""
    text = escape_html(error.message)
    body = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Not shown</title></head>"
            f"<body style=\"font-family:sans-serif;padding:1rem\"><p role=\"alert\">{text}</p></body></html>")
    return {"filename": "refused.html", "content": body, "content_type": "text/html", "sandboxed": True,
            "status": error.http_status_code}
