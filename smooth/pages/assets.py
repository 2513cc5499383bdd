"""Static files at `/assets/<package>/<path>`, addressed by content hash.

`asset_url("smooth", "desk.css")` gives `/assets/smooth/desk.css?v=<hash of the content>`:
a page always names the current file, so the response may be cached for a year
(`immutable`); a request without the current hash gets `no-cache` and an ETag instead.
The core's files live in `smooth/pages/public/`, an app module's in `<module>/public/`.

A file's address is worked out once per process, as its templates are compiled once: with
$SMOOTH_RELOAD=1 both are checked for edits on every page (for editing them under a running server).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from collections.abc import Iterable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from smooth.apps import App
from smooth.exceptions import DoesNotExistError
from smooth.messages import _

CORE_PUBLIC = Path(__file__).resolve().parent / "public"
RELOAD_ENV = "SMOOTH_RELOAD"
YEAR = 365 * 24 * 3600

_folders: dict[str, Path] = {"smooth": CORE_PUBLIC}
_hashes: dict[Path, tuple[float, str]] = {}
_looked_at: set[tuple[str, Path]] = set()


def register_apps(apps: Iterable[App]) -> None:
    """Serve each app module's `public/` folder as `/assets/<module package>/` (a Frappe app's as `/assets/<app>/`)."""
    for app in apps:
        for module in app.served:
            if (module.package, module.path) in _looked_at:
                continue  # every page asks: look at each module's folder once
            _looked_at.add((module.package, module.path))
            folder = module.path / "public"
            if module.package not in _folders and folder.is_dir():
                _folders[module.package] = folder.resolve()


def _file(package: str, path: str) -> Path:
    root = _folders.get(package)
    if root is None:
        raise DoesNotExistError(_("No assets are served for {0!r}", package))
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise DoesNotExistError(_("No asset {0}/{1}", package, path))
    return target


def content_hash(target: Path) -> str:
    mtime = target.stat().st_mtime
    known = _hashes.get(target)
    if known and known[0] == mtime:
        return known[1]
    digest = hashlib.sha256(target.read_bytes()).hexdigest()[:12]
    _hashes[target] = (mtime, digest)
    return digest


def reloading() -> bool:
    """Whether templates and assets are checked for edits on every page ($SMOOTH_RELOAD)."""
    return os.environ.get(RELOAD_ENV, "") not in ("", "0")


_resolved: dict[tuple[str, str], Path] = {}
_urls: dict[tuple[str, str], str] = {}


def asset_url(package: str, path: str) -> str:
    """The asset's address with its content hash (once per process: a page names several)."""
    known = _urls.get((package, path))
    if known is not None and not reloading():
        return known
    target = _resolved.get((package, path))
    if target is None or not target.exists():
        target = _resolved[(package, path)] = _file(package, path)
    url = _urls[(package, path)] = f"/assets/{package}/{path}?v={content_hash(target)}"
    return url


def serve(request: Request) -> Response:
    """The file, cached for a year when asked for by its current hash, else revalidated by ETag."""
    try:
        target = _file(request.path_params["package"], request.path_params["path"])
    except DoesNotExistError as exc:
        return Response(str(exc), status_code=404, media_type="text/plain")
    digest = content_hash(target)
    etag = f'"{digest}"'
    current = request.query_params.get("v") == digest
    headers = {"ETag": etag, "X-Content-Type-Options": "nosniff",
               "Cache-Control": f"public, max-age={YEAR}, immutable" if current else "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type.endswith("javascript"):
        media_type += "; charset=utf-8"
    return Response(target.read_bytes(), media_type=media_type, headers=headers)
