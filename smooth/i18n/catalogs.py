"""The gettext catalogs: `<app module>/locale/<lang>/LC_MESSAGES/messages.po`, the core's in `smooth/locale`.

The .po files are read directly (Babel's `read_po`) the first time a language is asked for, and the
translations kept per process as one dict per (folders, language): no compiled .mo file is generated
into the source tree or needs building at install. Reading the shipped German catalogs takes a few
milliseconds (docs/translations.md has the measurement). Apps come first in the lookup chain, in
reverse install order, then the core, so an app may retranslate a core string.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path

from babel.messages.pofile import read_po

from smooth.apps import CORE_PATH, App

DOMAIN = "messages"
CORE_LOCALE = CORE_PATH / "locale"


def locale_folders(apps: Sequence[App]) -> tuple[Path, ...]:
    """Where the catalogs of `apps` live, first match wins: the last-installed app first, the core last."""
    folders: list[Path] = []
    for app in reversed(apps):
        for base in ([app.package_path] if app.package_path else [m.path for m in app.modules]):
            if (base / "locale").is_dir() and base / "locale" != CORE_LOCALE:
                folders.append(base / "locale")
    return (*folders, CORE_LOCALE)


def po_path(folder: Path, lang: str) -> Path:
    return folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def language_codes(folders: Iterable[Path]) -> list[str]:
    """The languages that have a catalog in any of `folders`."""
    return sorted({p.parent.parent.name for f in folders for p in f.glob(f"*/LC_MESSAGES/{DOMAIN}.po")})


@functools.lru_cache(maxsize=256)
def _read(path: Path, lang: str) -> dict[str, str]:
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog
            if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy}


@functools.lru_cache(maxsize=64)
def translations(folders: tuple[Path, ...], lang: str) -> dict[str, str]:
    """msgid -> msgstr for `lang` over the chain `folders` (first folder wins); a regional language
    (`de-AT`) falls back to its base (`de`) string by string."""
    merged: dict[str, str] = {}
    codes = [lang] if "-" not in lang else [lang, lang.split("-")[0]]
    for code in reversed(codes):
        for folder in reversed(folders):
            merged.update(_read(po_path(folder, code), code))
    return merged


_cleared = [0]


def generation() -> int:
    """How many times the catalogs were forgotten: what was made from them before is stale once it moves."""
    return _cleared[0]


def clear() -> None:
    """Forget the catalogs read (after `bench update-translations` in a long-lived process, and in tests)."""
    _read.cache_clear()
    translations.cache_clear()
    _cleared[0] += 1
