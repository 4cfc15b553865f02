"""Procedures are written in Markdown (CommonMark, via markdown-it-py) and shown as
sanitised HTML (nh3): raw HTML in the text is escaped, links keep only safe schemes, and
images are dropped — screenshots are uploaded, never fetched from an address."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_PARSER.enable("table")
_TAGS = {"p", "br", "ol", "ul", "li", "strong", "em", "code", "pre", "blockquote", "a",
         "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th",
         "td"}


def to_html(text: str) -> str:
    """Safe HTML for a page or the handover PDF."""
    return nh3.clean(_PARSER.render(text or ""), tags=_TAGS,
                     attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
