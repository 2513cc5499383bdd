"""Lesson and course text as HTML: Markdown rendered, then sanitised (nh3), so authors' HTML cannot run script."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "figure",
        "figcaption", "span", "div", "sub", "sup"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}, "th": {"align"},
              "td": {"align"}, "ol": {"start"}}


def to_html(text: str | None) -> Markup:
    """Safe HTML for a Markdown (or HTML) body; links get rel=noopener, scripts and handlers are dropped."""
    rendered = _markdown.render(text or "")
    return Markup(nh3.clean(rendered, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                            link_rel="noopener noreferrer"))

