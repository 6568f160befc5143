"""Orchestrates load -> check -> html -> pdf -> atomic writes into build/.

Everything of a report is gathered and validated before anything is written;
only this module touches the output folder, and always through a temporary
file and a rename (render.output), so a failed build never leaves a half-written
PDF. Finding reports and shards lives in render.project.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from render import __version__
from render.cache import CACHE_DIR, ChunkCache
from render.check import check_report
from render.derive import Derived, derive_report
from render.errors import BuildError, ContentError, Problem, ReportError, note_file
from render.html import Assets, render_html, with_fonts
from render.load import load_report
from render.output import write_atomic as write_atomic
from render.paths import Refused, read_inside
from render.project import PACKAGE_DIR, _shipped
from render.project import default_content_dir as default_content_dir
from render.project import discover_reports as discover_reports
from render.project import select_shard as select_shard
from render.related import DATA_FILE, Sources, read_related, related_folders, report_data
from render.status import completeness_problem
from render.templates import describe_template_error

# write_atomic (render.output), discover_reports, select_shard and default_content_dir
# (render.project) live in their own modules and stay importable from here.

if TYPE_CHECKING:
    from render.worker import Pool

STAMP_FILE = ".tul-stamp"


def default_assets(template_dirs: tuple[Path, ...] = (), style_dirs: tuple[Path, ...] = ()) -> Assets:
    """User template/style folders first, the shipped ones last."""
    styles = _shipped("styles")
    return Assets(
        template_dirs=[*template_dirs, _shipped("templates")],
        style_dirs=[*style_dirs, styles],
        font_dir=styles / "fonts",
    )


@dataclass
class BuildOptions:
    """What to build and how strictly."""

    out_dir: Path = Path("build")
    formats: tuple[str, ...] = ("html", "pdf")
    pdf_variant: str = "pdf/ua-1"
    strict: bool = False
    force: bool = False
    assets: Assets = field(default_factory=default_assets)
    from_build: tuple[Path, ...] = ()  # earlier builds' output folders to read named reports' data from (CI)
    cache: bool = True  # keep chunk layouts in out_dir/.cache (the output is the same either way)


@dataclass
class BuildResult:
    """One report's outputs and the warnings met on the way."""

    slug: str
    outputs: list[Path]
    warnings: list[Problem]
    pages: int = 0
    skipped: bool = False  # nothing changed since the last build
    seconds: float = 0.0
    chunks: int = 0  # parts of the PDF laid out separately
    laid_out: int = 0  # of which laid out anew in this build (the others' layouts were cached)
    drawn: int = 0  # chunks drawn anew (all of them when the page count changed)


def validate_report(folder: Path, strict: bool = False, sources: Sources | None = None) -> tuple[Derived, list[Problem]]:
    """Load, derive and check one report; raise ContentError on errors (and warnings if strict).

    The reports it names (predecessors, consolidated reports) are read from `sources`
    (earlier builds' data) where current, else from their content."""
    loaded = load_report(folder)
    derived = derive_report(loaded, read_related(loaded, sources))
    problems = check_report(derived)
    # A report with something left to write (tul status) is a warning, so --strict (CI) fails on it.
    unfinished = completeness_problem(derived.loaded)
    if unfinished is not None:
        problems.append(unfinished)
    if any(p.severity == "error" for p in problems) or (strict and problems):
        raise ContentError(
            [Problem(p.file, p.line, p.col, "error", p.message) if strict else p for p in problems]
        )
    return derived, problems


Progress = Callable[[str, str], None]


def _hash_tree(digest: hashlib._Hash, root: Path) -> None:
    """Every file under `root` by name and bytes; a link that leads outside `root` (or a file that cannot
    be read) counts by where it points, never by bytes read from outside (the path rule, render.paths)."""
    base = root.resolve()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or path.name.startswith("."):
            continue
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        try:
            digest.update(read_inside(base, str(path.relative_to(root)), limit=64_000_000))
        except Refused as exc:
            digest.update(b"\2" + exc.reason.encode("utf-8", "replace"))


def input_fingerprint(folder: Path, options: BuildOptions) -> str:
    """A hash of everything a report's output depends on: content, templates,
    styles, fonts, tul's own code and version, and the build options."""
    digest = hashlib.sha256()
    digest.update(f"{__version__}|{sorted(options.formats)}|{options.pdf_variant}|{options.strict}".encode())
    for root in (folder, *related_folders(folder), PACKAGE_DIR, *options.assets.template_dirs, *options.assets.style_dirs):
        digest.update(b"\1" + str(root).encode())
        if root == PACKAGE_DIR:
            _hash_code(digest)
        else:
            _hash_tree(digest, root)
    return digest.hexdigest()


def _hash_code(digest: hashlib._Hash) -> None:
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())


def _up_to_date(folder: Path, options: BuildOptions, fingerprint: str) -> bool:
    target = options.out_dir / folder.name
    stamp = target / STAMP_FILE
    expected = [target / "index.html"] if "html" in options.formats else []
    if "pdf" in options.formats:
        expected.append(target / f"{folder.name}.pdf")
    return (
        not options.force
        and stamp.is_file()
        and stamp.read_text(encoding="utf-8").strip() == fingerprint
        and all(p.is_file() for p in expected)
    )


PoolFactory = Callable[[], "Pool"]


def build_report(folder: Path, options: BuildOptions, progress: Progress | None = None,
                 pool: PoolFactory | None = None) -> BuildResult:
    """Build one report's HTML and PDF into out_dir/<slug>/, unless nothing changed.

    `pool` gives the PDF engine's workers (default: this process)."""
    started = time.perf_counter()
    say = progress or (lambda slug, stage: None)
    fingerprint = input_fingerprint(folder, options)
    if _up_to_date(folder, options, fingerprint):
        return BuildResult(folder.name, [], [], skipped=True, seconds=time.perf_counter() - started)
    result = _build(folder, options, say, pool)
    write_atomic(options.out_dir / result.slug / STAMP_FILE, (fingerprint + "\n").encode(), root=options.out_dir)
    result.seconds = time.perf_counter() - started
    return result


def chunk_cache(options: BuildOptions) -> ChunkCache | None:
    """The output folder's chunk cache, unless the options turn it off."""
    return ChunkCache(options.out_dir / CACHE_DIR, _write_entry) if options.cache else None


def _write_entry(target: Path, data: bytes) -> None:
    """A cache entry: renamed into place like write_atomic, without fsync (a lost entry is only a miss)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        raise BuildError(f"{target}: error: cannot write the chunk cache ({exc.strerror}), "
                         "expected a writable output folder (or use --no-cache)") from None


def _build(folder: Path, options: BuildOptions, say: Progress, pool: PoolFactory | None = None) -> BuildResult:
    cache = chunk_cache(options)
    if pool is not None and "pdf" in options.formats:
        # The workers load the engine while this process renders the HTML: all of them when nothing
        # is cached, else one (an edit lays out a chunk or two; more would slow a build from the cache).
        pool().start(None if cache is None or not cache.knows(folder.name) else 1)
    say(folder.name, "load")
    derived, warnings = validate_report(folder, options.strict, related_sources(options))
    loaded = derived.loaded
    slug = loaded.slug
    say(slug, "html")
    try:
        html = render_html(derived, options.assets, fonts=False)
    except Exception as exc:  # template problems carry their own location
        raise BuildError(_template_message(exc)) from exc
    target_dir = options.out_dir / slug
    outputs: list[Path] = []
    pages = 0
    pdf_data: bytes | None = None
    chunks = laid_out = drawn = 0
    # What later builds read of this report (render.related), taken now: then the model is let go
    # before the PDF is laid out (a big report's model is tens of MB).
    data = report_data(derived)
    source_file, content_folder = str(loaded.files[0]), loaded.folder
    del loaded, derived
    if "pdf" in options.formats:
        say(slug, "pdf")
        from render.pdf import render_pdf  # the PDF engine loads only when a PDF is wanted
        from render.worker import Pool

        workers = pool() if pool is not None else Pool(1)
        try:
            result = render_pdf(with_fonts(html, options.assets, embedded=False), content_folder,
                                [*options.assets.style_dirs, *options.assets.template_dirs], options.pdf_variant,
                                workers, cache)
        finally:
            if pool is None:
                workers.close()
        if cache is not None:
            cache.remember(slug, result.keys)
        pages, chunks, laid_out, drawn = result.pages, result.chunks, result.laid_out, result.drawn
        engine = [Problem(source_file, 0, 0, "warning", f"PDF engine: {m}") for m in result.warnings]
        if options.strict and engine:
            raise ContentError([Problem(p.file, 0, 0, "error", p.message) for p in engine])
        warnings.extend(engine)
        pdf_data = result.data
    say(slug, "write")
    # Everything is rendered: only now touch the output folder.
    if "html" in options.formats:
        write_atomic(target_dir / "index.html", with_fonts(html, options.assets).encode("utf-8"), root=options.out_dir)
        outputs.append(target_dir / "index.html")
    if pdf_data is not None:
        write_atomic(target_dir / f"{slug}.pdf", pdf_data, root=options.out_dir)
        outputs.append(target_dir / f"{slug}.pdf")
    write_atomic(target_dir / DATA_FILE, data, root=options.out_dir)
    return BuildResult(slug, outputs, warnings, pages, chunks=chunks, laid_out=laid_out, drawn=drawn)


def related_sources(options: BuildOptions) -> Sources:
    """Where a build reads the reports a report names: earlier builds' data (this output folder, and
    --from-build folders, which must then hold every one), else their content."""
    return Sources((*options.from_build, options.out_dir), required=bool(options.from_build))


@dataclass
class Outcome:
    """What a worker process sends back: a result, or the problems that stopped it."""

    folder: Path
    result: BuildResult | None = None
    problems: list[Problem] = field(default_factory=list)
    message: str = ""


def _build_one(folder: Path, options: BuildOptions, progress: Progress | None = None,
               pool: PoolFactory | None = None) -> Outcome:
    try:
        return Outcome(folder, build_report(folder, options, progress, pool))
    except ContentError as exc:
        return Outcome(folder, problems=exc.problems, message=exc.format_message())
    except ReportError as exc:
        return Outcome(folder, message=exc.format_message())
    except Exception as exc:  # a bug in tul: the report it met it on is named, even from a worker process
        note_file(exc, folder / "report.yaml")
        raise


def build_many(folders: list[Path], options: BuildOptions, jobs: int, progress: Progress | None = None) -> Iterator[Outcome]:
    """Build reports with up to `jobs` processes; yields each outcome as it finishes.

    With at least as many reports as jobs, each report is built in its own process;
    with fewer, the reports are built one by one and each PDF's chunks are laid
    out in `jobs` worker processes. The output is the same either way."""
    try:
        if jobs <= 1 or len(folders) < jobs:
            yield from _build_chunked(folders, options, jobs, progress)
            return
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, len(folders)), mp_context=context) as pool:
            futures = [pool.submit(_build_one, folder, options) for folder in folders]
            for future in as_completed(futures):
                yield future.result()
    finally:
        cache = chunk_cache(options)
        if cache is not None and cache.folder.is_dir():
            cache.prune()


def _build_chunked(folders: list[Path], options: BuildOptions, jobs: int,
                   progress: Progress | None) -> Iterator[Outcome]:
    from render.worker import Pool

    workers: list[Pool] = []

    def pool() -> Pool:
        if not workers:  # started by the first report that needs a PDF, while it loads and renders HTML
            workers.append(Pool(jobs))
        return workers[0]

    try:
        for folder in folders:
            yield _build_one(folder, options, progress, pool)
    finally:
        for each in workers:
            each.close()


def _template_message(exc: Exception) -> str:
    message = describe_template_error(exc)
    if message is not None:
        return message
    if isinstance(exc, FileNotFoundError):
        return f"error: asset not found: {exc}"
    raise exc
