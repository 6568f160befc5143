"""Cutting a report's HTML into chunks at the page breaks its print style already forces.

The rule survives template changes: the children of <main> (the report's parts)
and their children are the candidates; one starts a chunk when the print CSS puts
it at the top of a new page, which a layout of an emptied skeleton of the report
tells (render.engine lays it out). Each chunk is the whole document with the
other chunks' elements kept as empty hidden placeholders, so that sibling
selectors (`.part + .part`, `:first-child`) match as in the whole document.

State that crosses a forced page break other than page numbers (CSS counters,
named strings, running elements outside `@page :first`, left/right pages,
footnotes, fixed elements) cannot be carried from chunk to chunk; a style that
uses any of it gets one chunk, with the reason (`Outline.unchunkable`).

Cross-chunk links keep working (render.join resolves them), and
`target-counter(..., page)` (the table of contents' page numbers) is fed with
stub anchors carrying the target's page: such a chunk is `numbered`, laid out
once the other chunks' pages are known.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

SHARED_ATTRIBUTE = "data-tul-shared"  # kept equal to render.engine's (tests hold them together)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_HIDDEN = ' style="display:none!important"'
# Skeleton layout: every candidate empty and flat, so only forced breaks make pages.
_FLAT = ("<style>main,main *{margin-top:0!important;margin-bottom:0!important;padding-top:0!important;"
         "padding-bottom:0!important;border-top-width:0!important;border-bottom-width:0!important;"
         "min-height:0!important}main,main>*{height:auto!important}"
         "main>*>*{height:0!important;max-height:0!important;overflow:hidden!important}</style>")
_STUB_RUNNING = "tul-stubs"


@dataclass
class _Element:
    tag: str
    start: int  # offset of '<'
    open_end: int  # offset after the start tag
    attrs: dict[str, str | None]
    end: int = -1  # offset after the end tag
    close_start: int = -1  # offset of '</'
    children: list[_Element] = field(default_factory=list)


@dataclass
class Outline:
    """The report's HTML with offsets of <body>'s children, <main>'s parts and their children."""

    html: str
    body_open_end: int
    body_close_start: int
    head_close_start: int
    body_children: list[_Element]
    main: _Element | None
    ids: list[tuple[int, str]]  # (offset, id) of every element in <body>
    links: list[tuple[int, str]]  # (offset, name) of every href="#name"
    styles: list[str]  # <style> contents and style attributes
    unchunkable: str | None = None  # why the report must be laid out in one piece

    def text(self, element: _Element) -> str:
        """An element as written, end tag included."""
        return self.html[element.start : element.end]

    def placeholder(self, element: _Element, keep_id: bool = False, attribute: str = _HIDDEN) -> str:
        """The element empty, with `attribute` first (a duplicate attribute loses to the first)."""
        tag = self.html[element.start : element.open_end]
        if not keep_id and element.attrs.get("id"):
            tag = re.sub(r"\sid\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", "", tag, count=1)
        name_end = len(element.tag) + 1
        tag = tag[:name_end] + attribute + tag[name_end:]
        return tag if element.tag in VOID else f"{tag}</{element.tag}>"


class _Scanner(HTMLParser):
    """Offsets of the elements that matter for cutting; tolerant of omitted end tags."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.html = html
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.stack: list[_Element] = []
        self.body: _Element | None = None
        self.main: _Element | None = None
        self.body_close = -1
        self.head_close = -1
        self.ids: list[tuple[int, str]] = []
        self.links: list[tuple[int, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        element = _Element(tag, start, start + len(text), dict(attrs))
        self._record(element)
        if tag in VOID:
            element.end = element.open_end
            return
        self.stack.append(element)
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        element = _Element(tag, start, start + len(text), dict(attrs))
        element.end = element.open_end
        self._record(element)

    def _record(self, element: _Element) -> None:
        depth_tags = [e.tag for e in self.stack]
        if element.tag == "body" and self.body is None:
            self.body = element
        elif element.tag == "main" and self.main is None and depth_tags[-1:] == ["body"]:
            self.main = element
        parent = self.stack[-1] if self.stack else None
        if parent is not None and (parent is self.body or parent is self.main or
                                   (len(self.stack) >= 2 and self.stack[-2] is self.main)):
            parent.children.append(element)
        if self.body is not None and element is not self.body:
            if element.attrs.get("id"):
                self.ids.append((element.start, str(element.attrs["id"])))
            href = element.attrs.get("href")
            if href and href.startswith("#") and len(href) > 1:
                self.links.append((element.start, href[1:]))
        if element.attrs.get("style"):
            self.styles.append(str(element.attrs["style"]))

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        end = self.html.index(">", start) + 1
        if tag == "head":
            self.head_close = start
        if tag == "body":
            self.body_close = start
        if not any(e.tag == tag for e in self.stack):
            return
        while self.stack:  # close what was left open, as a browser would
            element = self.stack.pop()
            if element.tag == tag:
                element.close_start, element.end = start, end
                break
            element.close_start = element.end = start
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def outline(html: str) -> Outline:
    """Scan `html` (the report as the PDF engine gets it) for its parts and what crosses them."""
    scanner = _Scanner(html)
    scanner.feed(html)
    scanner.close()
    body = scanner.body
    if body is None or scanner.body_close < 0 or scanner.head_close < 0:
        return Outline(html, 0, len(html), 0, [], None, [], [], [], "no <head> and <body> to cut")
    result = Outline(html, body.open_end, scanner.body_close, scanner.head_close, body.children, scanner.main,
                     scanner.ids, scanner.links, scanner.styles)
    result.unchunkable = carried_state("\n".join(scanner.styles)) or (
        None if scanner.main is not None and scanner.main.end > 0 else "no <main> element")
    return result


def carried_state(css: str) -> str | None:
    """Why content laid out in separate chunks would differ from one layout, if it would."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    checks = [
        (r"counter-(reset|increment|set)\s*:", "CSS counters"),
        (r"string-set\s*:|\bstring\(", "named strings (string-set)"),
        (r"target-text\(|target-counters\(", "target-text() or target-counters()"),
        (r"@page[^{]*:(left|right|blank|recto|verso|nth)", "left/right or :nth() page selectors"),
        (r"break-(before|after)\s*:\s*(left|right|recto|verso)", "left/right page breaks"),
        (r"margin-break\s*:", "margin-break"),
        (r"footnote", "footnotes"),
        (r"position\s*:\s*fixed", "fixed positioning"),
        (r"box-decoration-break\s*:\s*clone", "box-decoration-break: clone"),
    ]
    for pattern, reason in checks:
        if re.search(pattern, css, flags=re.I):
            return f"the style uses {reason}, which a page break does not reset"
    for match in re.finditer(r"target-counter\(((?:[^()]|\([^()]*\))*)\)", css, flags=re.I):
        if match.group(1).rsplit(",", 1)[-1].strip().lower() != "page":
            return "the style uses target-counter() of a counter other than page"
    for match in re.finditer(r"\belement\(", css, flags=re.I):
        if _page_prelude(css, match.start()) != ":first":
            return "the style uses a running element outside @page :first"
    return None


def _page_prelude(css: str, at: int) -> str | None:
    """The prelude of the @page rule around offset `at` (None when outside any @page)."""
    for rule in re.finditer(r"@page([^{]*)\{", css, flags=re.I):
        depth, index = 1, rule.end()
        while depth and index < len(css):
            depth += {"{": 1, "}": -1}.get(css[index], 0)
            index += 1
        if rule.end() <= at < index:
            return rule.group(1).strip()
    return None


@dataclass(frozen=True)
class Unit:
    """A cut candidate: a part of <main> (child None) or one of its children."""

    part: int
    child: int | None
    name: str  # the anchor the skeleton layout reports its page under


def units(source: Outline) -> list[Unit]:
    """Every cut candidate in document order."""
    assert source.main is not None
    found = []
    for p, part in enumerate(source.main.children):
        found.append(Unit(p, None, str(part.attrs.get("id") or f"tul-u{p}")))
        for c, child in enumerate(part.children):
            found.append(Unit(p, c, str(child.attrs.get("id") or f"tul-u{p}-{c}")))
    return found


def skeleton(source: Outline) -> str:
    """The report with every candidate emptied and flattened: laid out, only forced breaks make pages."""
    assert source.main is not None
    html = source.html
    out = [html[: source.head_close_start], _FLAT, html[source.head_close_start : source.body_open_end]]
    for element in source.body_children:
        if element is not source.main:
            out.append(source.placeholder(element, keep_id=True, attribute=""))
            continue
        out.append(html[element.start : element.open_end])
        for unit_part, part in enumerate(element.children):
            out.append(_with_id(source, part, f"tul-u{unit_part}"))
            for c, child in enumerate(part.children):
                out.append(_with_id(source, child, f"tul-u{unit_part}-{c}") + _close(child))
            out.append(_close(part))
        out.append(_close(element))
    out.append(html[source.body_close_start :])
    return "".join(out)


def _with_id(source: Outline, element: _Element, fallback: str) -> str:
    tag = source.html[element.start : element.open_end]
    if element.attrs.get("id"):
        return tag
    name_end = len(element.tag) + 1
    return f'{tag[:name_end]} id="{fallback}"{tag[name_end:]}'


def _close(element: _Element) -> str:
    return "" if element.tag in VOID else f"</{element.tag}>"


def cuts(candidates: list[Unit], pages: dict[str, int]) -> list[int]:
    """Indexes into `candidates` where a chunk starts: where the skeleton starts a new page."""
    found = [0]
    last: int | None = None
    for index, unit in enumerate(candidates):
        page = pages.get(unit.name)
        if page is None:  # not displayed: never a cut
            continue
        if last is not None and page > last and index > 0:
            found.append(index)
        last = page
    return found


@dataclass(frozen=True)
class Chunk:
    """One chunk of the report: its HTML and what links it to the others."""

    index: int
    html: str
    anchors: frozenset[str]  # ids this chunk defines
    links: frozenset[str]  # anchors it links to (#name)
    stub_at: int  # where stub anchors go (the offset of </body>), for `with_stubs`

    @property
    def first(self) -> bool:
        """True for the chunk that starts the document."""
        return self.index == 0


def compose(source: Outline, candidates: list[Unit], starts: list[int]) -> list[Chunk]:
    """The chunks' HTML for chunks starting at `starts` (indexes into `candidates`)."""
    if len(starts) <= 1 or source.main is None:
        return [_chunk(0, source.html, source, [(0, len(source.html))], source.body_close_start)]
    owner = {(u.part, u.child): k for k, bounds in enumerate(zip(starts, [*starts[1:], len(candidates)], strict=True))
             for u in candidates[bounds[0] : bounds[1]]}
    last = len(starts) - 1
    return [_compose_one(source, k, owner, last) for k in range(len(starts))]


def _compose_one(source: Outline, k: int, owner: dict[tuple[int, int | None], int], last: int) -> Chunk:
    html = source.html
    main = source.main
    assert main is not None
    out = [html[: source.body_open_end]]
    owned: list[tuple[int, int]] = []

    def raw(a: int, b: int) -> None:
        out.append(html[a:b])
        owned.append((a, b))

    before = True
    for element in source.body_children:
        if element is not main:
            if (before and k == 0) or (not before and k == last):
                raw(element.start, element.end)
            else:
                out.append(source.placeholder(element))
            continue
        before = False
        out.append(_shared(source, main, 0, k == 0, k == last, owned))
        parts = main.children
        if k == 0:
            raw(main.open_end, parts[0].start if parts else main.close_start)
        for p, part in enumerate(parts):
            keys = [owner[(p, None)], *(owner[(p, c)] for c in range(len(part.children)))]
            if all(key == k for key in keys):
                raw(part.start, part.end)
            elif k in keys:
                _compose_split(source, part, p, k, keys, out, owned, raw)
            else:
                out.append(source.placeholder(part))
            if keys[-1] == k:  # what follows a part (whitespace) goes with its end
                raw(part.end, parts[p + 1].start if p + 1 < len(parts) else main.close_start)
        out.append(html[main.close_start : main.end])
    stub_at = sum(len(piece) for piece in out)
    out.append(html[source.body_close_start :])
    return _chunk(k, "".join(out), source, owned, stub_at)


def _compose_split(source: Outline, part: _Element, p: int, k: int, keys: list[int], out: list[str],
                   owned: list[tuple[int, int]], raw: Callable[[int, int], None]) -> None:
    """A part cut in two: its start tag in every chunk holding a piece, marked as shared."""
    html = source.html
    out.append(_shared(source, part, p + 1, keys[0] == k, keys[-1] == k, owned))
    children = part.children
    if keys[0] == k:
        raw(part.open_end, children[0].start)
    for c, child in enumerate(children):
        if keys[c + 1] == k:
            raw(child.start, child.end)
            raw(child.end, children[c + 1].start if c + 1 < len(children) else part.close_start)
        else:
            out.append(source.placeholder(child))
    out.append(html[part.close_start : part.end])


# A shared element continued from an earlier page, or continued on a later one: as in one
# layout, its margin, border and padding do not repeat at the break (box-decoration-break: slice).
_CONTINUED_TOP = "margin-top:0!important;padding-top:0!important;border-top-width:0!important;"
_CONTINUED_BOTTOM = "margin-bottom:0!important;padding-bottom:0!important;border-bottom-width:0!important;"


def _shared(source: Outline, element: _Element, number: int, first: bool, last: bool,
            owned: list[tuple[int, int]]) -> str:
    """The start tag of an element several chunks share; its id belongs to the chunk where it starts."""
    tag = source.html[element.start : element.open_end]
    if first:
        owned.append((element.start, element.open_end))
    declarations = ("" if first else _CONTINUED_TOP) + ("" if last else _CONTINUED_BOTTOM)
    if declarations:
        tag = _with_style(tag, element.tag, declarations)
    name_end = len(element.tag) + 1
    return f'{tag[:name_end]} {SHARED_ATTRIBUTE}="{number}"{tag[name_end:]}'


def _with_style(tag: str, name: str, declarations: str) -> str:
    """`tag` with `declarations` ahead of its own style attribute's (or in a new one)."""
    match = re.search(r"\sstyle\s*=\s*([\"'])", tag, flags=re.I)
    if match:
        return tag[: match.end()] + declarations + tag[match.end() :]
    name_end = len(name) + 1
    return f'{tag[:name_end]} style="{declarations}"{tag[name_end:]}'


def _chunk(k: int, html: str, source: Outline, owned: list[tuple[int, int]], stub_at: int) -> Chunk:
    def inside(offset: int) -> bool:
        return any(a <= offset < b for a, b in owned)

    anchors = frozenset(name for offset, name in source.ids if inside(offset))
    links = frozenset(name for offset, name in source.links if inside(offset))
    return Chunk(k, html, anchors, links, stub_at)


def with_stubs(chunk: Chunk, pages: dict[str, int]) -> str:
    """The chunk's HTML with a stub anchor per foreign target in `pages`, carrying its page number.

    The stubs sit in a running element that is never placed, so they lay out
    nothing; each counter-reset is wrapped so its scope ends with the stub."""
    if not pages:
        return chunk.html
    stubs = "".join(f'<span><span id="{_html.escape(name)}" style="counter-reset:page {page}"></span></span>'
                    for name, page in sorted(pages.items()))
    container = f'<div aria-hidden="true" style="position:running({_STUB_RUNNING})">{stubs}</div>'
    return chunk.html[: chunk.stub_at] + container + chunk.html[chunk.stub_at :]


def uses_target_counter(source: Outline) -> bool:
    """True when the style prints other elements' page numbers (a table of contents)."""
    return any("target-counter(" in style for style in source.styles)
