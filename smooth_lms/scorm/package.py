"""A lesson's SCORM package: checked on save and unpacked into private storage, then read back file by file.

The files go to the site's file storage (local folders or S3, site config `file_storage`) under
`scorm/<content hash>/`, private; they are never served as `/private/files/...` (those names hold no File
record) but only through the token-checked, sandboxed route of serving.py. The folder is named by the
zip's hash: uploading the same package twice unpacks it once, and a half-written folder of a failed save
is simply written again.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import smooth
from smooth import _
from smooth_lms.scorm import manifest

ROOT = "scorm"


def folder_for(content: bytes) -> str:
    return f"{ROOT}/{hashlib.sha256(content).hexdigest()[:24]}"


def attach(lesson: Any) -> None:
    """Validate (Course Lesson): a new or changed package is read, checked and unpacked; none clears the fields."""
    if not lesson.scorm_package:
        lesson.scorm_version = lesson.scorm_launch = lesson.scorm_folder = lesson.scorm_settings = None
        return
    if lesson.scorm_folder and not lesson.has_value_changed("scorm_package"):
        return
    url = str(lesson.scorm_package)
    if not url.startswith("/private/files/"):
        raise smooth.ValidationError(_("Upload the SCORM package as a private file (its content is for enrolled "
                                       "learners only)"))
    if smooth.file_extension(url) != "zip":
        raise smooth.ValidationError(_("A SCORM package is a .zip file"))
    content = smooth.read_file(url)
    if content is None:
        raise smooth.ValidationError(_("The SCORM package {0} is not stored; upload it again", url))
    found = manifest.read_package(content)
    folder = folder_for(content)
    store = smooth.get_file_storage()
    with zipfile.ZipFile(BytesIO(content)) as archive:
        for info in found.files:
            try:
                with archive.open(info) as stream:
                    store.put(True, f"{folder}/{info.filename}", stream)
            except (OSError, zipfile.BadZipFile) as exc:
                raise smooth.ValidationError(_("The package file {0} could not be unpacked ({1}); export the "
                                               "package again", repr(info.filename[:200]), exc)) from None
    lesson.scorm_version, lesson.scorm_launch, lesson.scorm_folder = found.version, found.launch, folder
    lesson.scorm_settings = json.dumps(found.settings)


def read(folder: str, path: str) -> bytes | None:
    """A file of an unpacked package (None: no such file, or a path that would leave the folder)."""
    if manifest.bad_name(path) or path.endswith("/"):
        return None
    return smooth.get_file_storage().read(True, f"{folder}/{path}")


def local_file(folder: str, path: str) -> Path | None:
    """The file on disk when the site stores files in local folders (sent in chunks, with ranges), else None."""
    if manifest.bad_name(path) or path.endswith("/"):
        return None
    return smooth.get_file_storage().path(True, f"{folder}/{path}")


def settings(lesson: dict[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(lesson.get("scorm_settings") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
