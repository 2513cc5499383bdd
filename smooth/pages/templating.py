"""The Jinja2 environment: core templates first, then each app module's `templates/` folder.

Autoescaping is always on, for every template name: user content reaches pages only
escaped, and markup a page means to emit (sanitised rich text) is marked safe explicitly.

Templates are compiled once per process and not checked for changes on each render (a stat of
every template and include per page): $SMOOTH_RELOAD=1 checks them (`assets.reloading`), for
editing templates under a running server.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from smooth.i18n import formatting, language
from smooth.i18n.fragments import PerLanguage
from smooth.messages import _, translate_message
from smooth.pages import assets
from smooth.safe_urls import safe_href

CORE_TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.lru_cache(maxsize=1024)
def _select_options(choices: tuple[tuple[str, str], ...], selected: str | None) -> Markup:
    return Markup("").join(Markup('<option value="{}"{}>{}</option>').format(
        value, Markup(" selected") if value == selected else "", label) for value, label in choices)


def select_options(choices: Iterable[tuple[Any, Any]], selected: Any = None) -> Markup:
    """The `<option>`s of (value, label) pairs, `selected` marked: escaped once per distinct list, since a
    view's sort and field choices come back page after page (dozens of escapes each). A tuple is taken to
    hold text pairs already (views keep theirs per doctype) and is not copied."""
    pairs = choices if isinstance(choices, tuple) else tuple((str(v), str(label)) for v, label in choices)
    return _select_options(pairs, None if selected is None else str(selected))


class _Environment(jinja2.Environment):
    """Each template takes the globals as one flat dict, not Jinja's ChainMap over them: every render and every
    include copies the globals into its context, and a ChainMap is slow to iterate. All globals are set
    below, before any template is loaded (as Jinja asks)."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


@functools.cache
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    env = _Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=assets.reloading(),
        cache_size=-1,
        finalize=translate_message,  # a low layer's refusal (`exc.message`) a page shows, in the reader's language
        extensions=[PerLanguage],
    )
    env.globals["asset_url"] = assets.asset_url
    env.globals["select_options"] = select_options
    env.globals["_"] = _  # every template translates: `{{ _("Courses") }}`, escaped like any other value
    env.globals["page_lang"] = language.current
    env.globals["strftime"] = formatting.strftime  # `strftime(day, '%a %d %b')`: names in the reader's language
    env.globals["format_number"] = formatting.format_number
    env.globals["text_direction"] = language.direction
    env.filters["safe_href"] = safe_href  # a stored URL becomes a link only when it is http(s), mailto or a site file
    return env


@functools.lru_cache(maxsize=64)
def _existing(folders: tuple[Path, ...]) -> tuple[Path, ...]:
    return (CORE_TEMPLATES, *(f for f in folders if f.is_dir()))


def environment(template_folders: Sequence[Path] = ()) -> jinja2.Environment:
    """The environment for the core templates plus those of `template_folders` that exist (cached per folder
    list: every page names the same folders)."""
    return _environment(_existing(tuple(template_folders)))


def render(template: str, context: dict[str, Any], template_folders: Sequence[Path] = ()) -> str:
    return environment(template_folders).get_template(template).render(context)
