"""HTML -> PDF bytes. The only module that imports weasyprint.

WeasyPrint gets a URL fetcher that serves data: URLs and files inside the allowed
asset folders only: no network, nothing outside, no attachments. Everything
WeasyPrint logs is captured and handed back as warnings instead of being lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import URLFetcher

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
        data = document.write_pdf(**options)
    finally:
        logger.removeHandler(collector)
    assert data is not None
    return PdfResult(data, collector.messages, len(document.pages))
