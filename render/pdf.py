"""HTML -> PDF bytes: the report cut into chunks, laid out in parallel, numbered, finished and joined.

1. render.chunk cuts the HTML where the print style starts a new page.
2. Each chunk is laid out (render.worker, in `--jobs` processes) without page
   numbers; a chunk whose layout is cached under its key is not laid out again.
3. The chunks' page counts give every chunk its first page and the total; a
   chunk that prints other chunks' page numbers (the table of contents) is laid
   out once those are known, again if its own length moved them.
4. Each chunk is numbered, drawn and finished (cached under its numbers too),
   and render.join makes one PDF of them.

The output depends only on the HTML and its assets: the same for any number of
workers, with or without the cache.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from html import unescape
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from render.chunk import Chunk, compose, cuts, outline, skeleton, units, uses_target_counter, with_stubs
from render.fontmerge import merge_truetype
from render.join import Piece, join
from render.worker import ChunkFacts, LayoutJob, Pool

PDF_VARIANTS = ("pdf/ua-1", "pdf/a-2a", "pdf/a-2b", "plain")
# pdf/a-2b, the untagged archive copy of earlier releases, now names the tagged one: a PDF/A-2a
# file meets PDF/A-2b too (level A is level B with tags and Unicode text).
VARIANT_ALIASES = {"pdf/a-2b": "pdf/a-2a"}
RENUMBER_ROUNDS = 6  # a table of contents whose length keeps moving page numbers is an error after this
# Laid-out chunks are held by their workers until numbered, unless the report is this big
# (in characters of HTML, about 150 pages): then each is laid out again when written, so that a
# worker never holds more than one chunk and its memory stays bounded whatever the report's length.
HOLD_LIMIT = 3_000_000


class ChunkStore(Protocol):
    """Where chunk facts and PDFs are kept between builds (render.cache), or not at all."""

    def get(self, kind: str, key: str) -> bytes | None:
        """The bytes stored under (kind, key), if any."""

    def put(self, kind: str, key: str, data: bytes) -> None:
        """Store `data` under (kind, key)."""


class NoStore:
    """Keeps nothing: every build lays out every chunk."""

    def get(self, kind: str, key: str) -> bytes | None:
        """Nothing is stored."""
        return None

    def put(self, kind: str, key: str, data: bytes) -> None:
        """Forgets `data`."""


@dataclass(frozen=True)
class PdfResult:
    """The PDF's bytes, what WeasyPrint warned about while making them, and how they were made."""

    data: bytes
    warnings: list[str]
    pages: int
    chunks: int = 1
    laid_out: int = 0  # chunks whose layout was new to the cache (0 when nothing changed)
    drawn: int = 0  # chunks drawn anew (an edit that moves page numbers draws every chunk again)
    keys: list[str] = field(default_factory=list)  # cache keys this build used


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """tul's own code and the versions of the libraries that shape the PDF: part of every cache key."""
    digest = hashlib.sha256()
    for dist in ("weasyprint", "pydyf", "pikepdf", "fonttools", "tinycss2", "cssselect2", "tinyhtml5"):
        try:
            digest.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dist}=none;".encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _key(*parts: object) -> str:
    digest = hashlib.sha256(engine_fingerprint().encode())
    for part in parts:
        digest.update(b"\0" + (part if isinstance(part, bytes) else str(part).encode()))
    return digest.hexdigest()


def _files_current(files: dict[str, str]) -> bool:
    try:
        return all(hashlib.sha256(Path(p).read_bytes()).hexdigest() == sha for p, sha in files.items())
    except OSError:
        return False


def _facts_to_json(facts: ChunkFacts) -> bytes:
    return json.dumps({"pages": facts.pages, "anchors": facts.anchors, "bookmarks": facts.bookmarks,
                       "warnings": facts.warnings, "files": facts.files}, sort_keys=True).encode()


def _facts_from_json(data: bytes) -> ChunkFacts:
    raw = json.loads(data)
    return ChunkFacts(raw["pages"], {k: tuple(v) for k, v in raw["anchors"].items()},
                      [tuple(b) for b in raw["bookmarks"]], raw["warnings"], raw["files"])


@dataclass
class _Slot:
    """One chunk of this build and what is known of it so far."""

    chunk: Chunk
    job: LayoutJob
    foreign: frozenset[str]  # anchors it links to that other chunks define
    numbered: bool  # its layout depends on other chunks' page numbers
    facts: ChunkFacts | None = None
    worker: int | None = None  # where its layout is held
    pending: Future[Any] | None = None
    guess: bool = False  # laid out only to guess its length (not one of the build's chunks)


class _Build:
    """The state of one report's PDF build."""

    def __init__(self, html: str, base_dir: Path, asset_roots: list[Path], variant: str, pool: Pool,
                 store: ChunkStore, chunked: bool) -> None:
        self.base_dir, self.roots, self.variant = base_dir, tuple(asset_roots), variant
        self.pool, self.store, self.chunked = pool, store, chunked
        self.drawn = 0
        self.laid_out_chunks: set[int] = set()  # chunks laid out anew (a contents page may be laid out twice)
        self.keys: list[str] = []
        self.known: dict[str, ChunkFacts] = {}  # facts learnt in this build, by layout key
        self.source = outline(html)
        self.hold = len(html) < HOLD_LIMIT

    def chunks(self) -> list[Chunk]:
        source = self.source
        if source.unchunkable or not self.chunked:
            return compose(source, [], [0])
        candidates = units(source)
        plan = skeleton(source)
        key = _key("breaks", plan, self.base_dir, self.roots)
        stored = self.store.get("breaks", key)
        if stored is not None:
            pages: dict[str, int] = json.loads(stored)
        else:
            _, future = self.pool.submit("anchor_pages", plan, self.base_dir, self.roots, weight=len(plan))
            pages = future.result()
            self.store.put("breaks", key, json.dumps(pages, sort_keys=True).encode())
        self.keys.append(key)
        return compose(source, candidates, cuts(candidates, pages))

    def slot(self, chunk: Chunk, everywhere: dict[str, int], numbered: bool, html: str | None = None) -> _Slot:
        foreign = frozenset(name for name in chunk.links - chunk.anchors if name in everywhere)
        text = chunk.html if html is None else html
        key = _key("layout", self.variant, chunk.index, text)
        job = LayoutJob(key, text, self.base_dir, self.roots, self.variant, chunk.index)
        slot = _Slot(chunk, job, foreign, numbered and bool(foreign))
        if key in self.known:
            slot.facts = self.known[key]
            return slot
        stored = self.store.get("facts", key)
        if stored is not None:
            facts = _facts_from_json(stored)
            if _files_current(facts.files):
                slot.facts = facts
        return slot

    def lay_out(self, slots: list[_Slot]) -> None:
        """Lay out every slot whose facts are unknown, largest first, and wait for them."""
        self.submit_layouts(slots)
        self.collect(slots)

    def submit_layouts(self, slots: list[_Slot]) -> None:
        """Send every slot whose facts are unknown to be laid out, largest first."""
        for slot in sorted(slots, key=lambda s: -len(s.job.html)):
            if slot.facts is None and slot.pending is None:
                slot.worker, slot.pending = self.pool.submit("lay_out", slot.job, self.hold,
                                                             weight=len(slot.job.html))
                if not slot.guess:
                    self.laid_out_chunks.add(slot.chunk.index)

    def collect(self, slots: list[_Slot]) -> None:
        """Wait for the slots' layouts and keep what they tell."""
        for slot in slots:
            if slot.pending is not None:
                slot.facts = slot.pending.result()
                slot.pending = None
                self.store.put("facts", slot.job.key, _facts_to_json(slot.facts))
            if slot.facts is not None:
                self.known[slot.job.key] = slot.facts
            self.keys.append(slot.job.key)

    def submit_write(self, slot: _Slot, start: int, total: int) -> _Write:
        """Number, draw and finish a laid-out slot from `start` of `total` pages (or take it from the
        store): on the worker that holds its layout, unless another would be done sooner even
        laying it out again."""
        assert slot.facts is not None
        key = _key("pdf", slot.job.key, json.dumps(slot.facts.files, sort_keys=True), start, total,
                   sorted(slot.foreign))
        stored_pdf, stored_facts = self.store.get("pdf", key), self.store.get("pdf-facts", key)
        if stored_pdf is not None and stored_facts is not None:
            return _Write(slot, key, start, total, None, (stored_pdf, _facts_from_json(stored_facts)))
        weight = len(slot.job.html)
        worker = self.pool.sooner(slot.worker, weight)
        _, future = self.pool.submit("write", slot.job, start, total, slot.foreign, worker=worker, weight=weight)
        return _Write(slot, key, start, total, future, None)

    def finish_write(self, write: _Write) -> tuple[bytes, ChunkFacts]:
        """The written chunk (waiting for it), kept in the store."""
        if write.ready is None:
            assert write.pending is not None
            data, facts, _ = write.pending.result()
            self.drawn += 1
            write.ready = data, facts
            self.store.put("pdf", write.key, data)
            self.store.put("pdf-facts", write.key, _facts_to_json(facts))
        self.keys.append(write.key)
        return write.ready


@dataclass
class _Write:
    """A chunk being numbered and drawn, or taken from the store."""

    slot: _Slot
    key: str
    start: int
    total: int
    pending: Future[Any] | None
    ready: tuple[bytes, ChunkFacts] | None


def render_pdf(html: str, base_dir: Path, asset_roots: list[Path], variant: str = "pdf/ua-1",
               pool: Pool | None = None, store: ChunkStore | None = None, chunked: bool = True) -> PdfResult:
    """Lay out `html` and return the PDF; `base_dir` resolves relative URLs.

    `chunked=False` lays the report out in one piece (for comparison: the text is the same)."""
    if variant not in PDF_VARIANTS:
        raise ValueError(f"unknown PDF variant {variant!r}, expected one of {', '.join(PDF_VARIANTS)}")
    variant = VARIANT_ALIASES.get(variant, variant)
    own_pool = pool is None
    pool = pool if pool is not None else Pool(1)
    try:
        return _render(_Build(html, base_dir, asset_roots, variant, pool, store or NoStore(), chunked))
    finally:
        if own_pool:
            pool.close()
        else:
            pool.release()


def _render(build: _Build) -> PdfResult:
    chunks = build.chunks()
    everywhere = {name: c.index for c in chunks for name in c.anchors}
    numbered = len(chunks) > 1 and uses_target_counter(build.source)
    slots = [build.slot(c, everywhere, numbered) for c in chunks]
    early: dict[int, _Write] = {}
    ahead = build.pool.jobs > 1 and any(s.numbered for s in slots)
    # With workers to spare, a chunk that prints the others' page numbers is also laid out now,
    # without them: its length, which they seldom change, lets the other chunks be written while
    # it is laid out again with the numbers. (Only to guess: the numbers settle as without it.)
    guesses = [replace(build.slot(s.chunk, everywhere, False), guess=True) for s in slots if s.numbered] if ahead else []
    build.lay_out([s for s in slots if not s.numbered] + guesses)
    guessed = {g.chunk.index: g for g in guesses}
    meanwhile = partial(_write_ahead, build, slots, guessed, early) if ahead else _nothing
    slots = _settle_numbers(build, slots, everywhere, meanwhile)
    starts, total = _starts(slots)
    writes: list[_Write] = []
    for slot, start in _largest_first(slots, starts):
        guess = early.pop(slot.chunk.index, None)
        if guess is not None and (guess.start, guess.total) == (start, total):
            writes.append(guess)
        else:  # its first page moved after all: written again (the guess is not used)
            writes.append(build.submit_write(slot, start, total))
    unused = list(early.values())
    done = {w.slot.chunk.index: build.finish_write(w) for w in writes}
    for write in unused:
        if write.pending is not None:
            write.pending.exception()  # let it finish; its worker is then free again
    pieces = [Piece(data, facts.anchors, facts.bookmarks) for data, facts in (done[s.chunk.index] for s in slots)]
    warnings = list(dict.fromkeys(w for _, facts in (done[s.chunk.index] for s in slots) for w in facts.warnings))
    lang, title = _lang_and_title(build.source.html)
    # What the join no longer needs goes first: for a big report the join is the peak of this process.
    count = len(slots)
    del writes, unused, early, done, slots, chunks
    big = not build.hold
    build.source = outline("")
    if big:
        gc.collect()  # a small report's garbage is not worth a full collection (a preview's every save)
    data = join(pieces, variant=build.variant, lang=lang, title=title,
                merge_fonts=_cached_merger(build.store, build.keys))
    return PdfResult(data, warnings, total, count, len(build.laid_out_chunks), build.drawn, build.keys)


def _write_ahead(build: _Build, slots: list[_Slot], guessed: dict[int, _Slot], early: dict[int, _Write]) -> None:
    """Write the chunks that print no page numbers, from the first pages the guesses give them."""
    starts, total = _starts([guessed.get(s.chunk.index, s) for s in slots])
    early.update((s.chunk.index, build.submit_write(s, start, total))
                 for s, start in _largest_first(slots, starts) if not s.numbered)


def _largest_first(slots: list[_Slot], starts: list[int]) -> list[tuple[_Slot, int]]:
    return sorted(zip(slots, starts, strict=True), key=lambda pair: -len(pair[0].job.html))


def _starts(slots: list[_Slot]) -> tuple[list[int], int]:
    starts, page = [], 1
    for slot in slots:
        assert slot.facts is not None
        starts.append(page)
        page += slot.facts.pages
    return starts, page - 1


def _settle_numbers(build: _Build, slots: list[_Slot], everywhere: dict[str, int],
                    meanwhile: Callable[[], None]) -> list[_Slot]:
    """Lay out the chunks that print other chunks' page numbers until the numbers stop moving.

    Such a chunk's own length (and its anchors') can move the numbers it prints, so
    it is laid out again until the numbers it was given are the ones it yields.
    `meanwhile` runs once, before the first of these layouts is sent (so that its work is queued first)."""
    if not any(s.numbered for s in slots):
        return slots
    current = slots
    used: dict[int, dict[str, int]] = {}
    for _ in range(RENUMBER_ROUNDS):
        pages_before, page = {}, 1
        for slot in current:
            pages_before[slot.chunk.index] = page
            page += slot.facts.pages if slot.facts is not None else 1
        places: dict[str, int] = {}
        for slot in current:  # the first chunk defining a name wins, as in the joined document
            if slot.facts is not None:
                for name, (local, _, _) in slot.facts.anchors.items():
                    places.setdefault(name, pages_before[slot.chunk.index] + local)
        wanted = {s.chunk.index: {n: places[n] for n in s.foreign if n in places} for s in slots if s.numbered}
        if wanted == used and all(s.facts is not None for s in current):
            return current
        used = wanted
        current = [build.slot(s.chunk, everywhere, True, with_stubs(s.chunk, wanted[s.chunk.index]))
                   if s.numbered else s for s in slots]
        meanwhile()
        meanwhile = _nothing
        build.submit_layouts([s for s in current if s.numbered])
        build.collect([s for s in current if s.numbered])
    raise ValueError("the table of contents keeps changing length as its page numbers change")


def _nothing() -> None:
    return None


def _cached_merger(store: ChunkStore, keys: list[str]) -> Callable[[list[bytes]], bytes]:
    def merge(subsets: list[bytes]) -> bytes:
        key = _key("font", *(hashlib.sha256(s).hexdigest() for s in subsets))
        keys.append(key)
        stored = store.get("font", key)
        if stored is not None:
            return stored
        merged = merge_truetype(subsets)
        store.put("font", key, merged)
        return merged

    return merge


def _lang_and_title(html: str) -> tuple[str, str]:
    """<html lang> and <title>, as WeasyPrint reads them, for the joined document's metadata."""
    lang = re.search(r"<html\b[^>]*\blang=\"([^\"]*)\"", html)
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    return (unescape(lang.group(1)) if lang else "",
            " ".join(unescape(title.group(1)).split()) if title else "")
