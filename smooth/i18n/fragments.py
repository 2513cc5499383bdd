"""`{% per_language %} ... {% endper_language %}`: a fragment of a page drawn once per reader's language.

What a page says only through `_()` (the words its scripts show, as JSON) is the same on every page in
one language: drawn anew it cost a form about a tenth of its render. The fragment is kept per place in
a compiled template, language and catalog generation (`smooth.i18n.catalogs.generation`), so a catalog
read again is seen. It must not name anything else of the page (the viewer, the record, the path): those would be
kept too. An environment that reloads edited templates (`auto_reload`) keeps nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from smooth.i18n import catalogs, language

_places = itertools.count()  # each fragment of each compiled template
_kept: dict[tuple[int, str, int], Markup] = {}


class PerLanguage(Extension):
    tags = {"per_language"}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endper_language",), drop_needle=True)
        where = nodes.Const(next(_places))
        return nodes.CallBlock(self.call_method("_fragment", [where]), [], [], body).set_lineno(lineno)

    def _fragment(self, where: int, caller: Callable[[], Any]) -> Markup:
        if self.environment.auto_reload:
            return Markup(caller())
        key = (where, language.current(), catalogs.generation())
        found = _kept.get(key)
        if found is None:
            found = _kept[key] = Markup(caller())
        return found
