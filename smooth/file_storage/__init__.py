"""Where a site's files live and which uploads it takes (site config `max_file_size`,
`allowed_file_extensions`): the part of the File doctype that needs no document, so printing and
the apps' own upload pages apply the same rules as a File's insert.

Content goes through a `FileStorage`, chosen by site config `file_storage`: absent (or
`{"type": "local"}`), the site's own folders (`public/files`, `private/files`), right for one
host; `{"type": "s3", "bucket": ..., ...}`, an S3-compatible object store every host reaches
(`smooth.file_storage.s3`, which needs boto3: `pip install smooth[s3]`). A File's URL is the same
either way (`/files/<name>`, `/private/files/<name>`): the stored name is the key, so switching
storage is moving the objects, not rewriting records.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from smooth.context import local
from smooth.exceptions import ValidationError
from smooth.file_storage.names import free_name

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
DEFAULT_ALLOWED_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "gif", "webp", "txt", "csv", "xlsx", "docx", "odt",
                              "ods", "zip", "ics", "mp4", "webm")
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


def local_path(file_url: str | None) -> Path | None:
    """The local file behind a `/files/...` or `/private/files/...` URL: None for any other URL, a bad name,
    nothing stored, or a site whose files are not in a local folder (use `read_file`, which works for all)."""
    parts = split_url(file_url)
    return storage().path(*parts) if parts else None


def is_safe_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".") and "\0" not in name


def split_url(file_url: str | None) -> tuple[bool, str] | None:
    """(is_private, stored name) of a `/files/...` or `/private/files/...` URL; None for any other URL or a bad name."""
    if not file_url:
        return None
    for prefix, private in ((PRIVATE_PREFIX, True), (PUBLIC_PREFIX, False)):
        if file_url.startswith(prefix):
            name = file_url[len(prefix):]
            return (private, name) if is_safe_name(name) else None
    return None


def url_for(private: bool, name: str) -> str:
    return (PRIVATE_PREFIX if private else PUBLIC_PREFIX) + name


class FileStorage(Protocol):
    """Where content lives. Names are stored names (is_safe_name); a URL is made of one by `url_for`."""

    def save(self, private: bool, name: str, content: bytes) -> str:
        """Store `content` under `name`, or a free variant when taken (never overwriting); the name used."""

    def read(self, private: bool, name: str) -> bytes | None:
        """The content, or None when nothing is stored under that name."""

    def delete(self, private: bool, name: str) -> None:
        """Remove the content (nothing stored: nothing to do)."""

    def signed_url(self, private: bool, name: str, media_type: str, disposition: str) -> str | None:
        """A short-lived URL the client downloads from directly, or None: this process serves the bytes."""

    def path(self, private: bool, name: str) -> Path | None:
        """The content as a local file, when the storage is a local folder (else None)."""

    def names(self, private: bool) -> Iterator[str]:
        """Every stored name (a backup archives them all)."""

    def opened(self, private: bool, name: str) -> tuple[IO[bytes], int]:
        """The content as a stream, and its size (read in chunks: a file may be larger than memory)."""

    def put(self, private: bool, name: str, stream: IO[bytes]) -> None:
        """Store `stream` under exactly `name`, replacing what is there (a restore)."""


class LocalStorage:
    """The site's folders: `sites/<site>/public/files` and `private/files` (one host, or a shared mount)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, private: bool) -> Path:
        return self.root / ("private" if private else "public") / "files"

    def save(self, private: bool, name: str, content: bytes) -> str:
        folder = self.folder(private)
        folder.mkdir(parents=True, exist_ok=True)
        candidate = name
        for _attempt in range(50):
            target = folder / candidate
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
            except FileExistsError:
                candidate = free_name(name)
                continue
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            return candidate
        raise ValidationError(f"Could not find a free file name for {name} in {folder}")

    def read(self, private: bool, name: str) -> bytes | None:
        target = self.folder(private) / name
        return target.read_bytes() if target.is_file() else None

    def delete(self, private: bool, name: str) -> None:
        (self.folder(private) / name).unlink(missing_ok=True)

    def signed_url(self, private: bool, name: str, media_type: str, disposition: str) -> str | None:
        return None

    def path(self, private: bool, name: str) -> Path | None:
        target = self.folder(private) / name
        return target if target.is_file() else None

    def names(self, private: bool) -> Iterator[str]:
        folder = self.folder(private)
        if folder.is_dir():
            yield from (str(p.relative_to(folder)) for p in sorted(folder.rglob("*")) if p.is_file())

    def opened(self, private: bool, name: str) -> tuple[IO[bytes], int]:
        target = self.folder(private) / name
        return target.open("rb"), target.stat().st_size

    def put(self, private: bool, name: str, stream: IO[bytes]) -> None:
        target = self.folder(private) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            shutil.copyfileobj(stream, out)


_made: dict[str, FileStorage] = {}
_made_lock = threading.Lock()


def storage() -> FileStorage:
    """The bound site's storage (site config `file_storage`), made once per configuration."""
    site = local().site
    return storage_for(site.name, site.path, site.config)


def storage_for(site_name: str, site_path: Path, site_config: dict[str, Any]) -> FileStorage:
    """The storage of a site not bound here (a backup or restore runs beside it), made once per configuration."""
    config = site_config.get("file_storage") or {"type": "local"}
    if not isinstance(config, dict) or config.get("type", "local") not in ("local", "s3"):
        raise ValidationError(f"site_config file_storage must be {{\"type\": \"local\"}} or {{\"type\": \"s3\", "
                              f"\"bucket\": ...}}, not {config!r}")
    key = json.dumps([str(site_path), config], sort_keys=True, default=str)
    with _made_lock:
        if key not in _made:
            _made[key] = LocalStorage(site_path) if config.get("type", "local") == "local" else _s3(site_name, config)
        return _made[key]


def _s3(site_name: str, config: dict[str, Any]) -> FileStorage:
    # boto3 loads only for a site that stores files in S3 (docs/architecture.md, lazy imports)
    from smooth.file_storage.s3 import S3Storage
    return S3Storage(config, default_prefix=f"{site_name}/")


def read_file(file_url: str | None) -> bytes | None:
    """The content of a site file by its URL (`/files/...`, `/private/files/...`), or None when none is stored."""
    parts = split_url(file_url)
    return storage().read(*parts) if parts else None
