"""Markdown -> safe HTML, and the checks of Markdown that authors need.

The only module that imports markdown_it. Raw HTML is off: an author's '<b>' is
shown as text, never passed through. Headings inside a text are refused because
they would break the document's heading outline (tul numbers the sections).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from markdown_it import MarkdownIt
from markupsafe import Markup

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")
# A second parser that recognises raw HTML, only to warn about it.
_PROBE = MarkdownIt("commonmark", {"html": True})


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
            for child in token.children:
                if child.type == "image":
                    issues.append(MarkdownIssue(line, "error",
                                                "images are not allowed in a text, expected plain paragraphs"))
    return issues
