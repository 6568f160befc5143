"""One report as the live preview holds it: its latest HTML and PDF, re-made when a source changes.

The HTML is re-rendered at once; the PDF follows in the background, laid out by
warm worker processes (render.worker) through the chunk cache (render.cache) in
the output folder, so an edit lays out only its chunk. A failed render keeps the
last good HTML and PDF and lists its problems, located.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from render.build import BuildOptions, chunk_cache, validate_report
from render.errors import ContentError, ReportError
from render.html import Assets, render_html, with_fonts
from render.load import keep_parsed_files
from render.templates import describe_template_error


def describe_exception(exc: BaseException) -> list[str]:
    """Located messages for a failed render: content problems one by one, template errors at file:line."""
    if isinstance(exc, ContentError):
        return [str(p) for p in exc.problems]
    if isinstance(exc, ReportError):
        return [exc.format_message()]
    located = describe_template_error(exc)
    return [located or f"error: {type(exc).__name__}: {exc}"]


@dataclass(frozen=True)
class Snapshot:
    """What is served for a report right now."""

    version: int  # of the HTML; grows with every render, good or not
    html: str | None  # the last HTML that rendered without errors
    problems: list[str]
    failed: bool
    pdf_version: int  # of the PDF; grows with every PDF made
    pdf: bytes | None  # the last PDF made without errors
    pdf_problems: list[str]


class LiveReport:
    """A report's latest HTML and PDF; `changed` is called after every new version of either."""

    def __init__(self, folder: Path, assets: Assets, changed: Callable[[], None],
                 pdf: Callable[[LiveReport, str], None] | None = None) -> None:
        keep_parsed_files()  # a save re-reads every file of the report; only the saved one changed
        self.folder = folder
        self.slug = folder.name
        self.assets = assets
        self._changed = changed
        self._request_pdf = pdf  # hands a new HTML to the PDF maker (None: no PDF)
        self._lock = threading.Lock()
        self._rendering = threading.Lock()  # start-up and the watcher may both render; the newer must win
        self._snapshot = Snapshot(0, None, [], False, 0, None, [])
        self.render_seconds = 0.0
        self.pdf_seconds = 0.0
        self.pdf_laid_out = 0  # chunks the last PDF had to lay out (the others came from the cache)

    @property
    def snapshot(self) -> Snapshot:
        """The current state (consistent: taken under the lock)."""
        with self._lock:
            return self._snapshot

    def rebuild(self) -> str:
        """Render the HTML again (and ask for a PDF); return a one-line outcome for the console."""
        with self._rendering:
            started = time.perf_counter()
            html: str | None = None
            try:
                derived, warnings = validate_report(self.folder)
                html = render_html(derived, self.assets, fonts=False)
                problems = [str(p) for p in warnings]
                failed = False
            # Whatever the content or a template does wrong, the server stays up and says so.
            except Exception as exc:
                problems, failed = describe_exception(exc), True
            self.render_seconds = time.perf_counter() - started
            with self._lock:
                old = self._snapshot
                good = with_fonts(html, self.assets) if html is not None else old.html
                self._snapshot = Snapshot(old.version + 1, good, problems, failed, old.pdf_version, old.pdf,
                                          old.pdf_problems)
            self._changed()
            if html is not None and self._request_pdf is not None:
                self._request_pdf(self, with_fonts(html, self.assets, embedded=False))
        outcome = "failed" if failed else "rendered"
        return "\n".join([*problems, f"{self.slug}: {outcome} in {self.render_seconds:.2f} s"])

    def set_pdf(self, data: bytes | None, problems: list[str], seconds: float, laid_out: int = 0) -> None:
        """A PDF was made (or failed: `data` None keeps the last good one)."""
        self.pdf_seconds, self.pdf_laid_out = seconds, laid_out
        with self._lock:
            old = self._snapshot
            pdf = data if data is not None else old.pdf
            self._snapshot = Snapshot(old.version, old.html, old.problems, old.failed, old.pdf_version + 1, pdf,
                                      problems)
        self._changed()


class PdfMaker:
    """Makes the reports' PDFs in the background, newest HTML first, with warm workers and the cache."""

    def __init__(self, out_dir: Path, assets: Assets, jobs: int, echo: Callable[[str], None]) -> None:
        from render.worker import Pool

        self.options = BuildOptions(out_dir=out_dir, assets=assets)
        self.pool = Pool(jobs, start_method="spawn")  # spawn: this process runs threads
        self.pool.start()
        self.echo = echo
        self._wanted: dict[str, tuple[LiveReport, str]] = {}
        self._wake = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="tul-preview-pdf", daemon=True)
        self._thread.start()

    def request(self, report: LiveReport, html: str) -> None:
        """Make `report`'s PDF from `html` (replacing any older request for it)."""
        with self._wake:
            self._wanted[report.slug] = (report, html)
            self._wake.notify_all()

    def _run(self) -> None:
        from render.pdf import render_pdf

        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._wanted or self._stopping)
                if self._stopping:
                    return
                slug = next(iter(self._wanted))
                report, html = self._wanted.pop(slug)
            started = time.perf_counter()
            cache = chunk_cache(self.options)
            roots = [*self.options.assets.style_dirs, *self.options.assets.template_dirs]
            try:
                result = render_pdf(html, report.folder, roots, self.options.pdf_variant, self.pool, cache)
            except Exception as exc:  # the preview stays up; the last good PDF stays served
                if self._stopping:
                    return
                report.set_pdf(None, describe_exception(exc), time.perf_counter() - started)
                self.echo(f"{slug}: PDF failed: {describe_exception(exc)[0]}")
                continue
            if cache is not None:
                cache.remember(slug, result.keys)
            seconds = time.perf_counter() - started
            report.set_pdf(result.data, [f"PDF engine: {w}" for w in result.warnings], seconds, result.laid_out)
            self.echo(f"{slug}: PDF made in {seconds:.2f} s ({result.pages} pages, "
                      f"{result.laid_out} of {result.chunks} chunks laid out)")

    def stop(self) -> None:
        """Stop making PDFs; the workers end."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        self.pool.close()
        self._thread.join(timeout=10)
        cache = chunk_cache(self.options)
        if cache is not None and cache.folder.is_dir():
            cache.prune()
