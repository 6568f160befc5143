"""HTML -> PDF bytes. The only module that imports weasyprint.

WeasyPrint gets a URL fetcher that serves data: URLs and files inside the allowed
asset folders only: no network, nothing outside, no attachments. Everything
WeasyPrint logs is captured and handed back as warnings instead of being lost.
For PDF/UA, WeasyPrint's structure-tree builder leaves notes on each structure
element (which HTML element it came from, whether it is an artifact) that
render.pdfua uses to finish the document, and then removes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf  # WeasyPrint's own PDF writer: its objects are what the notes are made of
import weasyprint
from weasyprint.formatting_structure.boxes import MarginBox
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags as _weasy_tags
from weasyprint.urls import URLFetcher

from render.pdfua import NOTE_ARTIFACT, NOTE_KEY, finish_pdf

PDF_VARIANTS = ("pdf/ua-1", "pdf/a-2b", "plain")


class _AssetFetcher(URLFetcher):
    """Serves data: URLs and files under `roots`; refuses everything else."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self._roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> weasyprint.urls.URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if not any(path == root or root in path.parents for root in self._roots):
                raise ValueError(f"refused to read {path}: outside the report's asset folders")
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

    def note(self, element: Any, box: Any) -> None:
        source = box.element
        if source is not None:
            # id() is stable while WeasyPrint holds the tree; the int written is first-seen order.
            element[NOTE_KEY[1:]] = self.keys.setdefault((id(source), box.element_tag), len(self.keys))
            if self._hidden(source, element["S"]):
                element[NOTE_ARTIFACT[1:]] = "/Layout"
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


_NOTES: ContextVar[_Notes | None] = ContextVar("tul_pdf_notes", default=None)
_BUILD_BOX_TREE = _weasy_tags._build_box_tree


def _noting_build_box_tree(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
    """WeasyPrint 70's structure builder (recursive through this module global), noting each element."""
    notes = _NOTES.get()
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
            notes.note(element, source)
            yield element
    finally:
        notes.ancestors.pop()
        if margin:
            notes.margins.pop()


_weasy_tags._build_box_tree = _noting_build_box_tree


@dataclass(frozen=True)
class PdfResult:
    """The PDF's bytes and what WeasyPrint warned about while making them."""

    data: bytes
    warnings: list[str]
    pages: int


def render_pdf(html: str, base_dir: Path, asset_roots: list[Path], variant: str = "pdf/ua-1") -> PdfResult:
    """Lay out `html` and return the PDF; `base_dir` resolves relative URLs."""
    if variant not in PDF_VARIANTS:
        raise ValueError(f"unknown PDF variant {variant!r}, expected one of {', '.join(PDF_VARIANTS)}")
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        document = weasyprint.HTML(
            string=html,
            base_url=base_dir.resolve().as_uri() + "/",
            url_fetcher=_AssetFetcher([base_dir, *asset_roots]),
        ).render(pdf_tags=variant == "pdf/ua-1")
        options: dict[str, object] = {"pdf_tags": variant == "pdf/ua-1", "attachments": []}
        if variant != "plain":
            options["pdf_variant"] = variant
        token = _NOTES.set(_Notes() if variant == "pdf/ua-1" else None)
        try:
            data = document.write_pdf(**options)
        finally:
            _NOTES.reset(token)
    finally:
        logger.removeHandler(collector)
    assert data is not None
    metadata = document.metadata
    data = finish_pdf(data, variant, metadata.lang or "", metadata.title or "")
    return PdfResult(data, collector.messages, len(document.pages))
