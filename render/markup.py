"""Markdown -> safe HTML, and the checks of Markdown that authors need.

The only module that imports markdown_it. Raw HTML is off: an author's '<b>' is
shown as text, never passed through. Headings inside a text are refused because
they would break the document's heading outline (tul numbers the sections).

Links may point at the web (https://, http://), an e-mail address or telephone
number (mailto:, tel:) or a place in the report (#...). Anything else is never
made a link: a relative link such as '../../etc/passwd' would resolve against the
report folder's file:// address in the PDF, and javascript:, vbscript:, data: and
file: links are unsafe. The checks say so at the line of the link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markupsafe import Markup

_SAFE_LINK = re.compile(r"^(?:https?://[^/\\\s]|mailto:|tel:|#)", re.IGNORECASE)


def link_allowed(url: str) -> bool:
    """True for a link the published report may carry: web, e-mail, telephone or in-report."""
    return bool(_SAFE_LINK.match(url.strip()))


_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")
_MD.validateLink = link_allowed  # type: ignore[method-assign]
# A second parser that recognises raw HTML and every link, only to report them.
_PROBE = MarkdownIt("commonmark", {"html": True})
_PROBE.validateLink = lambda url: True  # type: ignore[method-assign]


@dataclass(frozen=True)
class MarkdownIssue:
    """A problem in a Markdown text; `line` counts from 0 within the text."""

    line: int
    severity: Literal["error", "warning"]
    message: str


@lru_cache(maxsize=4096)
def render_markdown(text: str | None) -> Markup:
    """Render Markdown to HTML that is safe to put in a template unescaped."""
    if not text:
        return Markup("")
    return Markup(_MD.render(text))


def check_markdown(text: str | None) -> list[MarkdownIssue]:
    """Problems an author should fix: headings, raw HTML, images."""
    if not text:
        return []
    issues: list[MarkdownIssue] = []
    for token in _PROBE.parse(text):
        line = token.map[0] if token.map else 0
        if token.type == "heading_open":
            issues.append(MarkdownIssue(line, "error",
                                        f"a Markdown heading ('{token.markup} ...') is not allowed in a text, "
                                        "expected plain paragraphs (use a sub-section for a new heading)"))
        elif token.type == "html_block":
            issues.append(MarkdownIssue(line, "warning", "raw HTML is not allowed and is shown as text, expected Markdown"))
        elif token.type == "inline" and token.children:
            tags = [child.content for child in token.children if child.type == "html_inline"]
            if tags:  # one message per paragraph, naming every tag in it
                listed = ", ".join(f"'{tag}'" for tag in dict.fromkeys(tags))
                issues.append(MarkdownIssue(line, "warning",
                                            f"raw HTML {listed} is not allowed and is shown as text, expected Markdown"))
            offset = 0  # lines into the paragraph, so a link is located on its own line
            for child in token.children:
                if child.type in ("softbreak", "hardbreak"):
                    offset += 1
                elif child.type == "image":
                    issues.append(MarkdownIssue(line + offset, "error",
                                                "images are not allowed in a text, expected plain paragraphs"))
                elif child.type == "link_open":
                    message = _link_problem(str(child.attrGet("href") or ""))
                    if message:
                        issues.append(MarkdownIssue(line + offset, "error", message))
    return issues


def _link_problem(href: str) -> str | None:
    if link_allowed(href):
        return None
    text = unquote(href)
    text = " ".join(text.split())
    text = text if len(text) <= 60 else text[:57] + "..."
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", href.strip(), re.IGNORECASE)
    if scheme and scheme[1].lower() not in ("http", "https"):
        return (f"the link '{text}' uses '{scheme[1]}:', which is not allowed in a report, "
                "expected a web address (https://...), mailto:, tel: or a place in the report (#...)")
    return (f"the link '{text}' points at a file, which is not published with the report, "
            "expected a web address (https://...), mailto:, tel: or a place in the report (#...)")
