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
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from render.values import parse_value

_SAFE_LINK = re.compile(r"^(?:https?://[^/\\\s]|mailto:|tel:|#)", re.IGNORECASE)


def link_allowed(url: str) -> bool:
    """True for a link the published report may carry: web, e-mail, telephone or in-report."""
    return bool(_SAFE_LINK.match(url.strip()))


# CommonMark plus GFM pipe tables (sjukfrånvaro per grupp, intern kontroll…); raw HTML and images off.
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table").disable("image")
_MD.validateLink = link_allowed  # type: ignore[method-assign]
# A second parser that recognises raw HTML and every link, only to report them.
_PROBE = MarkdownIt("commonmark", {"html": True}).enable("table")
_PROBE.validateLink = lambda url: True  # type: ignore[method-assign]
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
            rows = [i for i, row in enumerate(token.content.split("\n")) if _PIPE_ROW.match(row)]
            if rows:  # meant as a table, printed as literal pipes
                issues.append(MarkdownIssue(line + rows[0], "warning",
                                            "this looks like a table but Markdown cannot read it as one, expected a "
                                            "header row, then a row such as '| --- | --- |' with as many cells, "
                                            "then the data rows, with a blank line before the table"))
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
