"""What `bench generate-pot-file`, `update-po-files`, `create-po-file` and `get-untranslated` do.

Each catalog belongs to a code folder: the core (`smooth/`) or an app module (`smooth_lms/`); its
strings are the `_("...")` and `_lazy("...")` calls of the folder's Python files and Jinja templates
(Babel's Python extractor, Jinja's own), plus those in the Jinja of the app's fixture records
(Print Formats, Email Templates) whose `module` is that module (records with none: the app's first;
`Core`: the core's), what the desk shows of the folder's DocTypes and Pages (names, labels, Select
options, descriptions) and of those records' Workspaces (title, cards, links, shortcuts).
Catalogs are merged without fuzzy guesses: a changed source string comes back untranslated, for a
person to translate, and strings no source uses any more are dropped. Locations name the file only
(no line numbers), so editing a page does not rewrite every catalog.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

from smooth.apps import CORE_PATH, App
from smooth.i18n import catalogs

KEYWORDS = {"_": None, "_lazy": None}
CORE_MODULE = "Core"  # records of this module (the Users workspace) belong to the core's catalog
COMMENT_TAGS = ("Translators:",)  # `{# Translators: ... #}` / `# Translators: ...` before a string: a catalog note
SKIPPED_FOLDERS = {"locale", "__pycache__", "public", "node_modules"}
PROJECT = "Smooth"


@dataclass
class Owner:
    """A folder whose strings make one catalog, and the fixture texts that belong to it."""

    name: str
    root: Path
    fixtures: list[tuple[str, str]] = field(default_factory=list)  # (where, Jinja source)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (where, text the desk shows through _())

    @property
    def locale(self) -> Path:
        return self.root / "locale"

    @property
    def pot_path(self) -> Path:
        return self.locale / f"{catalogs.DOMAIN}.pot"


def owners(apps: Sequence[App]) -> list[Owner]:
    """The core's catalog, then one per module of each app (Frappe-layout apps: one for the package)."""
    core = Owner("smooth", CORE_PATH)
    found = [core]
    for app in apps:
        if app.path == CORE_PATH / "core":
            continue
        mine = [Owner(app.name, app.package_path)] if app.package_path else \
            [Owner(m.package, m.path) for m in app.modules]
        by_module = dict(zip([m.name for m in app.modules], mine, strict=False)) if not app.package_path else {}
        by_module.setdefault(CORE_MODULE, core)
        for record_file in sorted(app.fixtures_path.glob("*.json")) if app.fixtures_path.is_dir() else []:
            for record in json.loads(record_file.read_text()):
                if not mine or not isinstance(record, dict):
                    continue
                owner = by_module.get(str(record.get("module") or ""), mine[0])
                where = f"{record_file.name}:{record.get('name')}"
                owner.fixtures.extend((f"{where}:{key}", value)
                                      for key, value in record.items() if isinstance(value, str) and "_(" in value)
                owner.texts.extend((where, text) for text in workspace_labels(record))
        found.extend(mine)
    return found


def _source_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".html") and not SKIPPED_FOLDERS.intersection(path.relative_to(root).parts):
            yield path


def workspace_labels(record: Any) -> list[str]:
    """What the desk shows of a Workspace record: its title, its cards', links' and shortcuts' labels, and
    the shortcuts' count formats ("{} Pending")."""
    if not isinstance(record, dict) or record.get("doctype") != "Workspace":
        return []
    found = [record.get("title"), record.get("label")]
    for row in [*(record.get("links") or []), *(record.get("shortcuts") or [])]:
        found += [row.get("label"), row.get("description"), row.get("format")]
    return [str(text).strip() for text in found if text and str(text).strip()]


def _jinja(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Any:
    settings = {"trim_blocks": "true", "lstrip_blocks": "true", "extensions": "smooth.i18n.fragments.PerLanguage"}
    return babel_extract(fileobj, keywords, comment_tags, {**settings, **options})


def extract_catalog(owner: Owner) -> Catalog:
    """Every string `owner`'s sources mark for translation."""
    catalog = Catalog(project=PROJECT, fuzzy=False)
    base = owner.root.parent
    for path in _source_files(owner.root):
        method: Any = "python" if path.suffix == ".py" else _jinja
        with path.open("rb") as handle:
            for lineno, message, comments, context in extract(method, handle, keywords=KEYWORDS,
                                                              comment_tags=COMMENT_TAGS, strip_comment_tags=True):
                catalog.add(message, locations=[(str(path.relative_to(base)), lineno)], auto_comments=comments,
                            context=context)
    for where, source in owner.fixtures:
        for lineno, message, comments, context in extract(_jinja, io.BytesIO(source.encode()), keywords=KEYWORDS,
                                                          comment_tags=COMMENT_TAGS, strip_comment_tags=True):
            catalog.add(message, locations=[(f"fixtures/{where}", lineno)], auto_comments=comments, context=context)
    for where, text in owner.texts:
        catalog.add(text, locations=[(f"fixtures/{where}", 1)])
    definitions = [*owner.root.glob("**/doctype/*/*.json"), *owner.root.glob("**/page/*/*.json")]
    modules: dict[str, Path] = {}  # the module names "All document types" heads its cards with, once each
    for path in sorted(definitions):
        definition = json.loads(path.read_text())
        for message in doctype_labels(definition):
            catalog.add(message, locations=[(str(path.relative_to(base)), 1)])
        if isinstance(definition, dict) and definition.get("doctype") == "DocType" and definition.get("module"):
            modules.setdefault(str(definition["module"]).strip(), path)
    for module, path in modules.items():
        catalog.add(module, locations=[(str(path.relative_to(base)), 1)])
    return catalog


def doctype_labels(definition: Any) -> list[str]:
    """What the desk shows of a DocType definition (its name, field labels, Select options and field
    descriptions) or of a desk Page's (its title)."""
    if isinstance(definition, dict) and definition.get("doctype") == "Page":
        return [str(definition.get("title") or "").strip()] if definition.get("title") else []
    if not isinstance(definition, dict) or definition.get("doctype") != "DocType":
        return []
    found = [str(definition.get("name") or "")]
    for df in definition.get("fields") or []:
        found += [str(df.get("label") or ""), str(df.get("description") or "")]
        if df.get("fieldtype") == "Select":
            found.extend(str(df.get("options") or "").split("\n"))
    return [text.strip() for text in found if text.strip()]


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=120, omit_header=False, include_lineno=False, sort_output=True,
             ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def generate_pot(owner: Owner) -> Path:
    """Write `owner`'s template (messages.pot; a build output for translators' tools, not committed)."""
    _write(extract_catalog(owner), owner.pot_path)
    return owner.pot_path


def update_po(owner: Owner, lang: str, template: Catalog | None = None) -> tuple[Path, int]:
    """Bring `lang`'s catalog in line with the sources; returns it and its count of untranslated strings."""
    template = template if template is not None else extract_catalog(owner)
    path = catalogs.po_path(owner.locale, lang)
    catalog = read_catalog(path) if path.is_file() else Catalog(locale=_babel_code(lang), project=PROJECT)
    created = catalog.creation_date if path.is_file() else template.creation_date
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    catalog.creation_date, catalog.fuzzy = created, False  # the header changes only when strings do
    _write(catalog, path)
    return path, len(missing(catalog))


def create_po(owner: Owner, lang: str) -> Path:
    path = catalogs.po_path(owner.locale, lang)
    if path.is_file():
        raise FileExistsError(f"{path} exists: run `bench update-po-files --locale {lang}` to bring it up to date")
    return update_po(owner, lang)[0]


def missing(catalog: Catalog) -> list[str]:
    """The msgids of `catalog` with no translation or a fuzzy one (a guess nobody has checked)."""
    return [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]


def untranslated(owner: Owner, lang: str) -> list[str]:
    """What `lang` lacks for `owner`'s sources as they are now (a string not yet merged counts too)."""
    path = catalogs.po_path(owner.locale, lang)
    have = catalogs.translations((owner.locale,), lang) if path.is_file() else {}
    fuzzy = set(missing(read_catalog(path))) if path.is_file() else set()
    return sorted(str(m.id) for m in extract_catalog(owner) if m.id and (str(m.id) not in have or str(m.id) in fuzzy))


def _babel_code(lang: str) -> str | None:
    return None if lang.startswith("x-") else lang.replace("-", "_")
