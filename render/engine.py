"""The WeasyPrint adapter: the only module that imports weasyprint, and every use of its internals.

tul relies on these private parts of WeasyPrint 70, each patched here at import
time and checked against the installed version first:

- `weasyprint.pdf.tags._build_box_tree` (the structure-tree builder): wrapped to
  leave notes on each structure element (which HTML element it came from,
  whether it is an artifact, a table cell's HTML id and headers) that
  render.pdfua uses to finish the document; a Figure's /BBox is put in the
  page's PDF user space (WeasyPrint writes CSS pixels from the top).
- `weasyprint.layout.block.iter_line_boxes` and `weasyprint.draw.text.draw_first_line`:
  a line that ends where the text had a space (or a forced break) is drawn with
  that space after its last glyph, so that the words of two lines stay two words
  for text extraction and screen readers (ISO 32000-1 14.8.2.5); a space has no
  ink, so the page looks the same.
- `weasyprint.layout.make_margin_boxes`: deferred, so a chunk of the report can be
  laid out before its page numbers are known and numbered afterwards.
- `weasyprint.layout.page.PageType`: a chunk that does not start the document
  must not match `@page :first`.
- `weasyprint.pdf.fonts.ffi`: its font subsetting asks cffi for `hb_codepoint_t[N]`
  arrays of a new length N each time, and cffi parses every distinct type with
  pycparser; tul hands it the same arrays typed `hb_codepoint_t[]`.
- `weasyprint.pdf.add_tags`: runs with `page_references` computed once instead of
  once per structure element (pydyf rebuilds the tuple on every access).

Anything else is WeasyPrint's public API. On another WeasyPrint version importing
this module raises EngineError with what to install, instead of failing somewhere
deep inside a build.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from inspect import signature
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf  # WeasyPrint's own PDF writer: its objects are what the notes are made of

from render.cells import CellNote, table_notes
from render.errors import BuildError
from render.libraries import quick_library_lookup
from render.pdfua import LOCAL_ID, NOTE_ARTIFACT, NOTE_HEADERS, NOTE_ID, NOTE_KEY, NOTE_SHARED, TAGGED_VARIANTS

with quick_library_lookup():  # WeasyPrint opens its C libraries as it is imported
    import weasyprint
    import weasyprint.draw.text as _weasy_draw_text
    import weasyprint.layout as _weasy_layout
    import weasyprint.layout.block as _weasy_block
    import weasyprint.layout.inline as _weasy_inline
    import weasyprint.layout.page as _weasy_page
    import weasyprint.pdf as _weasy_pdf
    import weasyprint.pdf.fonts as _weasy_fonts
    from weasyprint.anchors import gather_anchors
    from weasyprint.formatting_structure.boxes import InlineBox, LineBox, MarginBox, TextBox
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.layout.background import layout_box_backgrounds
    from weasyprint.matrix import Matrix
    from weasyprint.pdf import tags as _weasy_tags
    from weasyprint.urls import URLFetcher

ENGINE_VERSION = "70.0"  # the WeasyPrint release whose internals this module was written against
SHARED_ATTRIBUTE = "data-tul-shared"  # an element that several chunks share (render.chunk writes it)
PDF_SCALE = 0.75  # PDF points per CSS pixel, as WeasyPrint writes them
UNCOMPRESSED = True  # render.pdfua and render.join compress once, at the end


class EngineError(BuildError):
    """WeasyPrint is not the version tul's adapter was written for."""


# The private names tul patches or calls, as WeasyPrint defines them (kept before patching),
# with the parameters each must still take.
_INTERNALS: dict[str, tuple[Any, list[str] | None]] = {
    "weasyprint.pdf.tags._build_box_tree": (
        getattr(_weasy_tags, "_build_box_tree", None),
        ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"],
    ),
    "weasyprint.layout.make_margin_boxes": (
        getattr(_weasy_layout, "make_margin_boxes", None), ["context", "page", "state"],
    ),
    "weasyprint.layout.page.PageType": (
        getattr(_weasy_page, "PageType", None), ["side", "blank", "name", "index", "groups"],
    ),
    "weasyprint.layout.block.iter_line_boxes": (
        getattr(_weasy_block, "iter_line_boxes", None),
        ["context", "box", "position_y", "bottom_space", "skip_stack", "containing_block", "absolute_boxes",
         "fixed_boxes", "first_letter_style", "first_line_style"],
    ),
    "weasyprint.layout.inline.skip_first_whitespace": (
        getattr(_weasy_inline, "skip_first_whitespace", None), ["box", "skip_stack"],
    ),
    "weasyprint.draw.text.draw_first_line": (
        getattr(_weasy_draw_text, "draw_first_line", None),
        ["stream", "textbox", "text_overflow", "block_ellipsis", "matrix"],
    ),
    "weasyprint.pdf.fonts.ffi": (getattr(_weasy_fonts, "ffi", None), None),  # an object: only its presence
    "weasyprint.pdf.add_tags": (
        getattr(_weasy_pdf, "add_tags", None), ["pdf", "document", "pdf_version", "page_streams"],
    ),
    "weasyprint.layout.background.layout_box_backgrounds": (
        layout_box_backgrounds, ["page", "box", "get_image_from_uri", "layout_children", "style"],
    ),
    "weasyprint.anchors.gather_anchors": (
        gather_anchors, ["box", "anchors", "links", "bookmarks", "forms", "parent_matrix", "parent_form",
                         "parent_link"],
    ),
}


def check_engine(version: str | None = None, internals: dict[str, tuple[Any, list[str] | None]] | None = None) -> None:
    """Raise EngineError unless WeasyPrint is the version (and shape) this adapter patches."""
    found = weasyprint.__version__ if version is None else version
    advice = f"install the pinned version: pip install 'weasyprint=={ENGINE_VERSION}'"
    if found != ENGINE_VERSION:
        raise EngineError(
            f"error: tul's PDF engine adapter (render/engine.py) was written for WeasyPrint {ENGINE_VERSION} "
            f"and patches its internals; found WeasyPrint {found}: {advice}"
        )
    for name, (obj, parameters) in (_INTERNALS if internals is None else internals).items():
        if obj is None:
            raise EngineError(f"error: WeasyPrint {found} has no {name}, which tul's adapter patches: {advice}")
        if parameters is None:
            continue
        # A namedtuple's fields, or a function's parameters.
        names = list(getattr(obj, "_fields", None) or signature(obj).parameters)
        if names != parameters:
            raise EngineError(f"error: WeasyPrint {found} changed {name}({', '.join(names)}), "
                              f"expected ({', '.join(parameters)}): {advice}")


check_engine()


class _AssetFetcher(URLFetcher):
    """Serves data: URLs and files under `roots`; refuses everything else; notes what it read."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self._roots = [root.resolve() for root in roots]
        self.read: set[Path] = set()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> weasyprint.urls.URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if not any(path == root or root in path.parents for root in self._roots):
                raise ValueError(f"refused to read {path}: outside the report's asset folders")
            self.read.add(path)
        elif parts.scheme != "data":
            raise ValueError(f"refused to fetch {url}: only files inside the report's asset folders are used")
        return super().fetch(url, headers)


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class _Notes:
    """Per-render state of the notes: element keys in first-seen order, open margin boxes, ancestors."""

    keys: dict[tuple[int, str], int] = field(default_factory=dict)
    margins: list[str] = field(default_factory=list)
    ancestors: list[Any] = field(default_factory=list)  # HTML elements of the boxes being tagged
    page_heights: list[float] = field(default_factory=list)  # CSS px, to place a figure's /BBox
    tables: dict[int, dict[int, CellNote]] = field(default_factory=dict)  # id(table) -> its cells

    def note(self, element: Any, box: Any, page: int) -> None:
        source = box.element
        if source is not None:
            # id() is stable while WeasyPrint holds the tree; the int written is first-seen order.
            element[NOTE_KEY[1:]] = self.keys.setdefault((id(source), box.element_tag), len(self.keys))
            shared = source.get(SHARED_ATTRIBUTE)
            if shared is not None and box.element_tag == source.tag:
                element[NOTE_SHARED[1:]] = int(shared)
            if self._hidden(source, element["S"]):
                element[NOTE_ARTIFACT[1:]] = "/Layout"
            if element["S"] in ("/TD", "/TH"):
                self._note_cell(element, source)
            if element["S"] == "/Figure":
                self._place_figure(element, page)
            if element["S"] == "/Figure" and NOTE_ARTIFACT[1:] not in element:
                alt = self._alternative(source)
                if alt:
                    element["Alt"] = pydyf.String(alt)
                else:
                    logging.getLogger("weasyprint").warning("image or SVG without a text alternative in the PDF")
            if box.link_annotation is not None:
                text = " ".join("".join(source.itertext()).split())
                if text:  # WeasyPrint puts the target there; a reader needs the link's words
                    box.link_annotation["Contents"] = pydyf.String(text)
        if getattr(box, "is_leader", False):  # the dots of leader('.') in a table of contents
            element[NOTE_ARTIFACT[1:]] = "/Layout"
        if self.margins:
            element[NOTE_ARTIFACT[1:]] = self.margins[-1]

    def _note_cell(self, element: Any, source: Any) -> None:
        """/Scope now; the HTML id and headers as notes, which render.pdfua turns into /ID and
        /Headers once a table's page fragments are one (WeasyPrint guesses them by position)."""
        table = next((e for e in reversed(self.ancestors) if e is not None and e.tag == "table"), None)
        if table is None:
            return
        cells = self.tables.get(id(table))
        if cells is None:
            cells = self.tables[id(table)] = table_notes(table, f"{LOCAL_ID}{len(self.tables)}-")
        cell = cells.get(id(source))
        if cell is None:
            return
        if cell.scope is not None:
            element["A"]["Scope"] = cell.scope
        if cell.id is not None:
            element[NOTE_ID[1:]] = pydyf.String(cell.id)
        if cell.headers is not None:
            element[NOTE_HEADERS[1:]] = pydyf.Array(pydyf.String(name) for name in cell.headers)

    def _place_figure(self, element: Any, page: int) -> None:
        """WeasyPrint writes a figure's /BBox in CSS pixels from the page's top: make it PDF user space."""
        attributes = element.get("A")
        if attributes is None or "BBox" not in attributes or page >= len(self.page_heights):
            return
        x1, y1, x2, y2 = (float(v) for v in attributes["BBox"])
        height = self.page_heights[page]
        attributes["BBox"] = pydyf.Array(round(v * PDF_SCALE, 3) for v in (x1, height - y2, x2, height - y1))

    def _alternative(self, source: Any) -> str:
        """A figure's words: <title> and <desc> (WeasyPrint takes the title only), alt, aria-label."""
        if source.tag == _SVG + "svg":
            parts = [source.find(_SVG + "title"), source.find(_SVG + "desc")]
            texts = [" ".join("".join(part.itertext()).split()) for part in parts if part is not None]
        else:
            texts = [source.get("alt", "").strip()]
        texts = [text for text in texts if text]
        if not texts:  # an aria-label on the image, or on a <div role="img"> around it (a logo)
            labels = [e.get("aria-label", "").strip() for e in (source, *reversed(self.ancestors))
                      if e is not None and (e is source or e.get("role") == "img")]
            texts = [label for label in labels if label][:1]
        return " ".join(text if text.endswith((".", "!", "?", ":")) else text + "." for text in texts)

    def _hidden(self, source: Any, tag: str) -> bool:
        """aria-hidden here or above; role=presentation only makes an image decorative."""
        if any(e is not None and e.get("aria-hidden") == "true" for e in (source, *self.ancestors)):
            return True
        return tag == "/Figure" and source.get("role") in ("presentation", "none")


@dataclass
class _Run:
    """What the patches need to know about the render in progress (None outside tul's renders)."""

    notes: _Notes | None = None
    page_offset: int = 0  # added to WeasyPrint's page index: a later chunk never matches @page :first
    defer_margins: bool = False
    deferred: list[tuple[Any, Any, Any]] = field(default_factory=list)  # (context, page box, page state)


_RUN: ContextVar[_Run | None] = ContextVar("tul_engine_run", default=None)
_BUILD_BOX_TREE = _weasy_tags._build_box_tree
_ITER_LINE_BOXES = _weasy_block.iter_line_boxes
_SKIP_FIRST_WHITESPACE = _weasy_inline.skip_first_whitespace
_DRAW_FIRST_LINE = _weasy_draw_text.draw_first_line
_SPACE_AFTER = "tul_space_after"  # set on a line's last text box whose line ends at a space of the text
_MAKE_MARGIN_BOXES = _weasy_layout.make_margin_boxes
_PAGE_TYPE = _weasy_page.PageType
_ADD_TAGS = _weasy_pdf.add_tags


def _noting_build_box_tree(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
    """WeasyPrint 70's structure builder (recursive through this module global), noting each element."""
    run = _RUN.get()
    notes = run.notes if run is not None else None
    if notes is None:
        yield from _BUILD_BOX_TREE(box, parent, *args)
        return
    source = box._box if isinstance(box, AbsolutePlaceholder) else box
    margin = isinstance(source, MarginBox)
    if margin:
        place = source.at_keyword.lstrip("@").split("-")[0]
        notes.margins.append({"top": "/Header", "bottom": "/Footer"}.get(place, "/Pagination"))
    notes.ancestors.append(source.element)
    try:
        for element in _BUILD_BOX_TREE(box, parent, *args):
            notes.note(element, source, args[1])
            yield element
    finally:
        notes.ancestors.pop()
        if margin:
            notes.margins.pop()


def _char_before(box: Any, stack: Any) -> str | None:
    """The character of `box`'s inline content just before the position `stack` (a WeasyPrint
    skip stack), or None when unknown; an image or inline block counts as a non-space."""
    path: list[tuple[Any, int]] = []
    node = box
    while stack is not None:
        ((index, stack),) = stack.items()
        if isinstance(node, TextBox):
            before = node.text.encode()[:index].decode(errors="ignore")
            if before:
                return before[-1]
            break
        if not isinstance(node, (LineBox, InlineBox)) or index >= len(node.children):
            return None
        path.append((node, index))
        node = node.children[index]
    for parent, index in reversed(path):
        for sibling in reversed(parent.children[:index]):
            char = _last_char(sibling)
            if char is not None:
                return char
    return None


def _last_char(box: Any) -> str | None:
    if isinstance(box, TextBox):
        return box.text[-1] if box.text else None
    if isinstance(box, (LineBox, InlineBox)):
        for child in reversed(box.children):
            char = _last_char(child)
            if char is not None:
                return char
        return None
    return "\ufffc"  # an atomic inline: an image, an inline block


def _last_text(box: Any) -> Any:
    """The last text box of a laid-out line that draws something (images and inline blocks passed over)."""
    for child in reversed(box.children):
        if isinstance(child, TextBox):
            if child.text.strip():
                return child
        elif isinstance(child, (LineBox, InlineBox)):
            found = _last_text(child)
            if found is not None:
                return found
    return None


def _spacing_iter_line_boxes(context: Any, box: Any, *args: Any) -> Iterator[tuple[Any, Any]]:
    """WeasyPrint 70's line breaking, marking each line that ends where the text has a space.

    WeasyPrint drops the space (or forced break) at a soft line break: it is neither drawn
    nor in the text. A line followed by such a break gets `_SPACE_AFTER` on its last text box."""
    for line, resume_at in _ITER_LINE_BOXES(context, box, *args):
        if resume_at is not None and _RUN.get() is not None:
            start = _SKIP_FIRST_WHITESPACE(box, resume_at)
            before = _char_before(box, start) if isinstance(start, dict) else None
            if before is not None and before.isspace():
                last = _last_text(line)
                if last is not None and not last.text[-1].isspace() and "\n" not in last.text:
                    setattr(last, _SPACE_AFTER, True)
        yield line, resume_at


def _spaced_draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: Any, matrix: Any) -> Any:
    """Draw a text box, with the space its line break dropped when it ends such a line.

    The space goes after the last glyph, in the same marked content: a space has no ink, and
    nothing on the line comes after it, so the page looks the same (ISO 32000-1 14.8.2.5)."""
    if not getattr(textbox, _SPACE_AFTER, False) or text_overflow == "ellipsis" or block_ellipsis != "none":
        return _DRAW_FIRST_LINE(stream, textbox, text_overflow, block_ellipsis, matrix)
    layout = textbox.pango_layout
    text = layout.text
    layout.set_text(text + " ", justify=True)
    try:
        return _DRAW_FIRST_LINE(stream, textbox, text_overflow, block_ellipsis, matrix)
    finally:
        layout.set_text(text, justify=True)


def _deferring_make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
    """Margin boxes (running header, 'Sid N (M)') wait until the chunk's page numbers are known."""
    run = _RUN.get()
    if run is None or not run.defer_margins:
        return _MAKE_MARGIN_BOXES(context, page, state)
    run.deferred.append((context, page, state))
    return ()


def _offset_page_type(side: str, blank: bool, name: str, index: int, groups: Any) -> Any:
    run = _RUN.get()
    return _PAGE_TYPE(side, blank, name, index + (run.page_offset if run is not None else 0), groups)


class _FixedReferences(pydyf.PDF):  # type: ignore[misc]
    """A pydyf.PDF whose page references are computed once (no page is added while tagging)."""

    page_references: tuple[bytes, ...] = ()  # a plain attribute in place of pydyf's property


def _tagging_with_fixed_references(pdf: Any, *args: Any) -> Any:
    references = pdf.page_references
    original = pdf.__class__
    pdf.__class__ = _FixedReferences
    pdf.page_references = references
    try:
        return _ADD_TAGS(pdf, *args)
    finally:
        del pdf.page_references
        pdf.__class__ = original


class _ArrayTypesOnce:
    """WeasyPrint's `ffi` as its font subsetting sees it: `new("hb_codepoint_t[71]", items)` becomes
    `new("hb_codepoint_t[]", items)`, the same array, so that cffi parses the C type once per process
    instead of once per distinct length (each parse about 5 ms, ten or more per chunk)."""

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi

    def new(self, cdecl: Any, init: Any = None) -> Any:
        if isinstance(cdecl, str) and init is not None:
            sized = re.fullmatch(r"(\w+)\[(\d+)\]", cdecl)
            if sized and hasattr(init, "__len__") and len(init) == int(sized.group(2)):
                return self._ffi.new(f"{sized.group(1)}[]", init)
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


class _OwnAltCheck(logging.Filter):
    """tul judges figures' text alternatives itself (_Notes: alt, SVG title and desc, aria-label,
    aria-hidden); WeasyPrint's own check knows only alt and calls a decorative icon an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != 'Image "%s" has no required alt description'


logging.getLogger("weasyprint").addFilter(_OwnAltCheck())
_weasy_tags._build_box_tree = _noting_build_box_tree
_weasy_layout.make_margin_boxes = _deferring_make_margin_boxes
_weasy_page.PageType = _offset_page_type
_weasy_pdf.add_tags = _tagging_with_fixed_references
_weasy_block.iter_line_boxes = _spacing_iter_line_boxes
_weasy_draw_text.draw_first_line = _spaced_draw_first_line
_weasy_fonts.ffi = _ArrayTypesOnce(_weasy_fonts.ffi)


@dataclass(frozen=True)
class Bookmark:
    """An outline entry: its chunk page, CSS bookmark level, label, PDF position and state."""

    page: int
    level: int
    label: str
    x: float
    y: float
    open: bool


@dataclass(frozen=True)
class Facts:
    """What a laid-out chunk tells the rest of the document: pages, anchors, bookmarks, files read."""

    pages: int
    anchors: dict[str, tuple[int, float, float]]  # name -> (chunk page, x, y in PDF points)
    bookmarks: list[Bookmark]
    warnings: list[str]
    files: dict[str, str]  # path -> sha256 of every file WeasyPrint read


class Layout:
    """A chunk laid out by WeasyPrint, its margin boxes held back until `write` numbers its pages."""

    def __init__(self, document: Any, deferred: list[tuple[Any, Any, Any]], fetcher: _AssetFetcher,
                 warnings: list[str], variant: str) -> None:
        self._document = document
        self._deferred = deferred
        self._fetcher = fetcher
        self._variant = variant
        self.warnings = warnings

    @property
    def pages(self) -> int:
        """Number of pages."""
        return len(self._document.pages)

    def facts(self) -> Facts:
        """Pages, anchors, bookmarks, warnings and files read, as far as laid out so far."""
        anchors: dict[str, tuple[int, float, float]] = {}
        bookmarks = []
        for number, page in enumerate(self._document.pages):
            matrix = Matrix(PDF_SCALE, 0, 0, -PDF_SCALE, 0, page.height * PDF_SCALE)
            for name, (x, y, *_) in page.anchors.items():
                at_x, at_y = matrix.transform_point(x, y)
                anchors.setdefault(name, (number, at_x, at_y))
            for level, label, (x, y), state in page.bookmarks:
                at_x, at_y = matrix.transform_point(x, y)
                bookmarks.append(Bookmark(number, level, label, at_x, at_y, state != "closed"))
        files = {str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(self._fetcher.read)}
        return Facts(len(self._document.pages), anchors, bookmarks, list(self.warnings), files)

    def write(self, start: int, total: int, foreign: Iterable[str] = ()) -> bytes:
        """Number the pages start..start+n-1 of `total`, draw them and return WeasyPrint's PDF.

        `foreign` names anchors that live in other chunks: links to them are kept
        (WeasyPrint drops links to anchors it cannot see), their targets set when joined."""
        for index, (context, page_box, state) in enumerate(self._deferred):
            context.current_page = index + 1
            state[1]["page"] = [start + index]
            state[1]["pages"] = [total]
            margins = tuple(_MAKE_MARGIN_BOXES(context, page_box, state))
            for margin in margins:
                layout_box_backgrounds(page_box, margin, context.get_image_from_uri)
            page_box.children = (*page_box.children, *margins)
            page = self._document.pages[index]
            for margin in margins:
                gather_anchors(margin, page.anchors, page.links, page.bookmarks, page.forms)
        self._deferred = []
        if self._document.pages:
            first = self._document.pages[0].anchors
            known = {name for page in self._document.pages for name in page.anchors}
            for name in foreign:
                if name not in known:
                    first[name] = (0, 0, 0, 0)
        tagged = self._variant in TAGGED_VARIANTS
        options: dict[str, object] = {"pdf_tags": tagged, "attachments": [], "uncompressed_pdf": UNCOMPRESSED}
        if self._variant != "plain":
            options["pdf_variant"] = self._variant
        with _capture(self.warnings):
            heights = [page.height for page in self._document.pages]
            token = _RUN.set(_Run(notes=_Notes(page_heights=heights) if tagged else None))
            try:
                data = self._document.write_pdf(**options)
            finally:
                _RUN.reset(token)
        assert data is not None
        return bytes(data)


class _capture:
    """Hands everything WeasyPrint logs meanwhile to `messages`."""

    def __init__(self, messages: list[str]) -> None:
        self._collector = _Collector()
        self._collector.messages = messages

    def __enter__(self) -> None:
        logging.getLogger("weasyprint").addHandler(self._collector)

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("weasyprint").removeHandler(self._collector)


def lay_out(html: str, base_dir: Path, asset_roots: list[Path], variant: str, first: bool = True) -> Layout:
    """Lay out `html` (one chunk, or the whole report) without numbering its pages yet.

    `first` is False for a chunk that does not begin the document."""
    fetcher = _AssetFetcher([base_dir, *asset_roots])
    warnings: list[str] = []
    run = _Run(page_offset=0 if first else 1, defer_margins=True)
    with _capture(warnings):
        token = _RUN.set(run)
        try:
            document = weasyprint.HTML(
                string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=fetcher,
            ).render(pdf_tags=variant in TAGGED_VARIANTS)
        finally:
            _RUN.reset(token)
    return Layout(document, run.deferred, fetcher, warnings, variant)


def page_of_anchors(html: str, base_dir: Path, asset_roots: list[Path]) -> dict[str, int]:
    """Lay out `html` and return the page index of every anchor (used on a skeleton of the report)."""
    layout = lay_out(html, base_dir, asset_roots, "plain")
    return {name: place[0] for name, place in layout.facts().anchors.items()}
