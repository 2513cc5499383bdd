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


def youtube_url(value: str | None) -> str | None:
    """A YouTube ID or link as a watch link (videos open on YouTube: the pages allow no third-party frames)."""
    value = (value or "").strip()
    if not value:
        return None
    if value.startswith(("https://www.youtube.com/", "https://youtu.be/", "https://youtube.com/")):
        return value
    return "https://www.youtube.com/watch?v=" + "".join(ch for ch in value if ch.isalnum() or ch in "-_")
