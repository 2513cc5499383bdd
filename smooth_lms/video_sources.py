"""A lesson's video as the lesson page plays it: an uploaded file (HTML5), or YouTube or Vimeo through their
iframe APIs, and the hosts the page's Content-Security-Policy must then allow (only on that page)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_YOUTUBE = re.compile(r"(?:youtu\.be/|youtube(?:-nocookie)?\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/))"
                      r"([A-Za-z0-9_-]{11})")
_VIMEO = re.compile(r"vimeo\.com/(?:video/)?(\d{4,12})")
_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIDEO_TYPES = {"mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "ogv": "video/ogg", "ogg": "video/ogg",
               "mov": "video/mp4"}
HOSTS = {"youtube": {"script-src": ["https://www.youtube.com"],
                     "frame-src": ["https://www.youtube.com", "https://www.youtube-nocookie.com"]},
         "vimeo": {"script-src": ["https://player.vimeo.com"], "frame-src": ["https://player.vimeo.com"]}}


@dataclass(frozen=True)
class Player:
    kind: str  # "file", "youtube" or "vimeo"
    source: str  # the file's URL or the video's ID
    mime: str = ""


def youtube_id(value: str | None) -> str | None:
    value = (value or "").strip()
    found = _YOUTUBE.search(value)
    if found:
        return found.group(1)
    return value if _ID.match(value) else None


def vimeo_id(value: str | None) -> str | None:
    value = (value or "").strip()
    if value.isdigit():
        return value
    found = _VIMEO.search(value)
    return found.group(1) if found else None


def player(lesson: dict[str, Any]) -> Player | None:
    """The lesson's video (an uploaded file first, then YouTube, then Vimeo), None without one."""
    video = str(lesson.get("video") or "")
    if video.startswith(("/files/", "/private/files/")):
        extension = video.rsplit(".", 1)[-1].lower()
        return Player("file", video, VIDEO_TYPES.get(extension, "video/mp4"))
    if youtube_id(lesson.get("youtube")):
        return Player("youtube", str(youtube_id(lesson.get("youtube"))))
    if vimeo_id(lesson.get("vimeo")):
        return Player("vimeo", str(vimeo_id(lesson.get("vimeo"))))
    return None


def csp_sources(found: Player | None) -> dict[str, list[str]]:
    """The hosts a lesson page adds to its Content-Security-Policy for its player (none for an uploaded file)."""
    return HOSTS.get(found.kind, {}) if found else {}


def is_pdf(url: str | None) -> bool:
    return str(url or "").lower().endswith(".pdf") and str(url).startswith(("/files/", "/private/files/"))
