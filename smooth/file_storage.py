"""Where a site's files live and which uploads it takes (site config `max_file_size`,
`allowed_file_extensions`): the part of the File doctype that needs no document, so printing and
the apps' own upload pages apply the same rules as a File's insert.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smooth.context import local
from smooth.exceptions import ValidationError

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
DEFAULT_ALLOWED_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "gif", "webp", "txt", "csv", "xlsx", "docx", "odt",
                              "ods", "zip", "ics")
PUBLIC_PREFIX = "/files/"
PRIVATE_PREFIX = "/private/files/"


def max_file_size() -> int:
    """Site config `max_file_size` in bytes (default 10 MiB)."""
    value = local().site.config.get("max_file_size")
    try:
        return int(value) if value not in (None, "") else DEFAULT_MAX_FILE_SIZE
    except (TypeError, ValueError):
        raise ValidationError(f"site_config max_file_size must be a number of bytes, not {value!r}") from None


def allowed_extensions() -> set[str]:
    """Site config `allowed_file_extensions` (a list or a comma-separated string), else the default list."""
    value = local().site.config.get("allowed_file_extensions")
    if value in (None, ""):
        items: Any = DEFAULT_ALLOWED_EXTENSIONS
    elif isinstance(value, str):
        items = value.split(",")
    else:
        items = value
    return {str(item).strip().lower().lstrip(".") for item in items if str(item).strip()}


def extension_of(file_name: str) -> str:
    stem, dot, ext = file_name.rpartition(".")
    return ext.lower() if dot and stem.strip(".") else ""


def files_folder(is_private: bool) -> Path:
    site = local().site
    return site.path / ("private" if is_private else "public") / "files"


def local_path(file_url: str | None) -> Path | None:
    """The file behind a `/files/...` or `/private/files/...` URL (None for any other URL or a bad name)."""
    if not file_url:
        return None
    for prefix, private in ((PRIVATE_PREFIX, True), (PUBLIC_PREFIX, False)):
        if file_url.startswith(prefix):
            name = file_url[len(prefix):]
            if not is_safe_name(name):
                return None
            return files_folder(private) / name
    return None


def is_safe_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".") and "\0" not in name
