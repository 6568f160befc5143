"""Markdown -> safe HTML, and the checks of Markdown that authors need.

The only module that imports markdown_it. Raw HTML is off: an author's '<b>' is
shown as text, never passed through. Headings inside a text are refused because
they would break the document's heading outline (tul numbers the sections).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from render.values import parse_value

# CommonMark plus GFM pipe tables (sjukfrånvaro per grupp, intern kontroll…); raw HTML and images off.
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table").disable("image")
# A second parser that recognises raw HTML, only to warn about it.
_PROBE = MarkdownIt("commonmark", {"html": True}).enable("table")
# A line an author meant as a table row: it starts and ends with a pipe.
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")


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
    tokens = _MD.parse(text)
    _tag_tables(tokens)
    return Markup(_MD.renderer.render(tokens, _MD.options, {}))


def _tag_tables(tokens: list[Token]) -> None:
    """Make a Markdown table read like tul's own: scoped column headers, the first cell of a
    row as its row header, numbers right-aligned (and the heading of a column of numbers), and
    the table inside a labelled region that scrolls on a narrow screen instead of the page."""
    in_body = False
    first_in_row = False
    column = 0
    numeric: set[int] = set()
    out: list[Token] = []
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            token.attrSet("class", "prose-table")
            numeric = _numeric_columns(tokens, index)
            label = ", ".join(_header_texts(tokens, index))
            out.append(_html(f'<div class="table-scroll" role="region" aria-label="{escape(label)}" tabindex="0">\n'))
        elif token.type in ("tbody_open", "tbody_close"):
            in_body = token.type == "tbody_open"
        elif token.type == "tr_open":
            first_in_row = True
            column = 0
        elif token.type == "th_open":
            token.attrSet("scope", "col")
            if column in numeric:
                token.attrSet("class", "num")
            column += 1
        elif token.type == "td_open" and in_body:
            if first_in_row:
                token.tag = "th"
                token.attrSet("scope", "row")
                _close_as(tokens, index, "th")
            elif _is_number(tokens[index + 1]):
                token.attrSet("class", "num")
            first_in_row = False
            column += 1
        out.append(token)
        if token.type == "table_close":
            out.append(_html("</div>\n"))
    tokens[:] = out


def _html(content: str) -> Token:
    """Markup tul writes itself (the author's raw HTML stays off)."""
    token = Token("html_block", "", 0)
    token.content = content
    return token


def _table_cells(tokens: list[Token], start: int) -> Iterator[tuple[bool, int, Token]]:
    """(in the body?, column, inline token) of each cell of the table opening at `start`."""
    in_body, column = False, 0
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if token.type == "table_close":
            return
        if token.type in ("tbody_open", "thead_open"):
            in_body = token.type == "tbody_open"
        elif token.type == "tr_open":
            column = 0
        elif token.type in ("th_open", "td_open"):
            yield in_body, column, tokens[index + 1]
            column += 1


def _header_texts(tokens: list[Token], start: int) -> list[str]:
    """The header row's words, without Markdown's marks ('**Totalt**' is 'Totalt')."""
    return ["".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline")).strip()
            for in_body, _, inline in _table_cells(tokens, start) if not in_body]


def _numeric_columns(tokens: list[Token], start: int) -> set[int]:
    """Columns (after the first, the row headers) whose filled body cells are all numbers."""
    filled: dict[int, list[bool]] = {}
    for in_body, column, inline in _table_cells(tokens, start):
        if in_body and column and inline.content.strip():
            filled.setdefault(column, []).append(_is_number(inline))
    return {column for column, numbers in filled.items() if all(numbers)}


def _close_as(tokens: list[Token], start: int, tag: str) -> None:
    for token in tokens[start + 1:]:
        if token.type == "td_close":
            token.tag = tag
            return


def _is_number(token: Token) -> bool:
    if token.type != "inline" or not token.content.strip():
        return False
    try:
        value = parse_value(token.content)
    except ValueError:
        return False
    return value is not None and value.is_number


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
            rows = [i for i, row in enumerate(token.content.split("\n")) if _PIPE_ROW.match(row)]
            if rows:  # meant as a table, printed as literal pipes
                issues.append(MarkdownIssue(line + rows[0], "warning",
                                            "this looks like a table but Markdown cannot read it as one, expected a "
                                            "header row, then a row such as '| --- | --- |' with as many cells, "
                                            "then the data rows, with a blank line before the table"))
    return issues
