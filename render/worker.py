"""The PDF engine's work, done in this process or in warm worker processes.

A worker lays out chunks (render.engine) and keeps each layout until it is told
the chunk's page numbers, then draws and finishes it (render.pdfua). `Pool`
runs `jobs` such workers; `jobs=1` does the same work in this process. A task
can be sent to the worker that holds a layout; a worker that does not hold it
lays the chunk out again, so pinning is only ever an optimisation.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from render.errors import BuildError, ReportError


@dataclass(frozen=True)
class LayoutJob:
    """A chunk to lay out: its HTML and where its assets are."""

    key: str  # the chunk's layout key: names the held layout
    html: str
    base_dir: Path
    asset_roots: tuple[Path, ...]
    variant: str
    index: int  # the chunk's place in the report (0 starts the document)


@dataclass(frozen=True)
class ChunkFacts:
    """A chunk's pages, anchors and bookmarks (plain data, to pickle and to cache as JSON)."""

    pages: int
    anchors: dict[str, tuple[int, float, float]]
    bookmarks: list[tuple[int, int, str, float, float, bool]]
    warnings: list[str]
    files: dict[str, str]


_HELD: dict[str, Any] = {}  # layout key -> render.engine.Layout, in the process that laid it out
# A worker holds laid-out chunks until their page numbers are known; once it has grown beyond
# this resident size it lets go of them before the next layout, and those are laid out again
# when written: memory stays bounded, at the cost of a second layout, in big reports only.
HOLD_LIMIT_MB = 250


def resident_mb() -> float | None:
    """This process's resident memory in MB (None where /proc is not available)."""
    try:
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _facts(layout: Any, foreign: frozenset[str] = frozenset()) -> ChunkFacts:
    facts = layout.facts()
    anchors = {name: place for name, place in facts.anchors.items() if name not in foreign}
    bookmarks = [(b.page, b.level, b.label, b.x, b.y, b.open) for b in facts.bookmarks]
    return ChunkFacts(facts.pages, anchors, bookmarks, facts.warnings, facts.files)


def _tidy(drop_held: bool) -> None:
    """Past HOLD_LIMIT_MB: collect the garbage of earlier chunks (the tuned collector seldom runs a
    full collection, and a layout's reference cycles wait for one), and maybe let go of held layouts."""
    size = resident_mb()
    if size is None or size <= HOLD_LIMIT_MB:
        return
    if drop_held:
        _HELD.clear()  # those chunks will be laid out again when written
    gc.collect()


def lay_out(job: LayoutJob, hold: bool = True) -> ChunkFacts:
    """Lay out a chunk, keep the layout for `write` when `hold`, and say what it holds."""
    from render.engine import lay_out as engine_lay_out

    _tidy(drop_held=True)
    layout = engine_lay_out(job.html, job.base_dir, list(job.asset_roots), job.variant, first=job.index == 0)
    facts = _facts(layout)
    if hold:
        _HELD[job.key] = layout
    del layout
    return facts


def write(job: LayoutJob, start: int, total: int, foreign: frozenset[str]) -> tuple[bytes, ChunkFacts, bool]:
    """Number, draw and finish a chunk, laying it out first unless this process holds it
    (the flag says whether it had to)."""
    from render.engine import lay_out as engine_lay_out
    from render.pdfua import finish_chunk

    layout = _HELD.pop(job.key, None)
    relaid = layout is None
    if layout is None:
        _tidy(drop_held=False)
        layout = engine_lay_out(job.html, job.base_dir, list(job.asset_roots), job.variant, first=job.index == 0)
    raw = layout.write(start, total, foreign)
    facts = _facts(layout, foreign)
    del layout
    _tidy(drop_held=False)
    return finish_chunk(raw, job.variant, job.index), facts, relaid


def anchor_pages(html: str, base_dir: Path, asset_roots: tuple[Path, ...]) -> dict[str, int]:
    """The page of every anchor in `html` (the report's skeleton)."""
    from render.engine import page_of_anchors

    return page_of_anchors(html, base_dir, list(asset_roots))


def release() -> None:
    """Forget every held layout (a build that failed half-way)."""
    _HELD.clear()


def warm_up() -> None:
    """Import the engine and lay out a line of text, so the first real chunk pays no set-up."""
    from render.engine import lay_out as engine_lay_out

    engine_lay_out("<!DOCTYPE html><html lang='sv'><title>-</title><p>tul</p></html>", Path("."), [], "pdf/ua-1")


TASKS: dict[str, Callable[..., Any]] = {
    "lay_out": lay_out, "write": write, "anchor_pages": anchor_pages, "release": release, "warm_up": warm_up,
}


def tune_gc() -> None:
    """Collect garbage less often: WeasyPrint allocates millions of short-lived objects (15-20 % faster)."""
    gc.set_threshold(100_000, 50, 100)


def _serve(connection: Connection) -> None:
    """A worker process: run tasks as they come, answer each in order, until told to stop."""
    tune_gc()
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        name, args = message
        try:
            connection.send(("ok", TASKS[name](*args)))
        except ReportError as exc:
            connection.send(("report", exc.format_message()))
        except Exception:
            connection.send(("bug", traceback.format_exc()))


class Pool:
    """`jobs` warm worker processes (or this process when jobs is 1) doing the engine's tasks."""

    def __init__(self, jobs: int, start_method: str | None = None) -> None:
        self.jobs = max(1, jobs)
        self._workers: list[_Worker] = []
        self._start_method = start_method
        self._closed = False

    def start(self, count: int | None = None) -> None:
        """Start workers now (`count` of them, else all), so they load the engine while this process
        does other work. Their answers are read once all are started: no fork while a thread runs."""
        if self._closed:
            raise BuildError("error: the PDF engine's workers were stopped, expected a running pool")
        wanted = self.jobs if count is None else min(self.jobs, count)
        if self.jobs > 1 and len(self._workers) < wanted:
            methods = multiprocessing.get_all_start_methods()
            method = self._start_method or ("fork" if "fork" in methods else "spawn")
            context = multiprocessing.get_context(method)
            started = [_Worker(context, n) for n in range(len(self._workers), wanted)]
            self._workers.extend(started)
            for worker in started:
                worker.submit("warm_up", (), 0)
        if len(self._workers) == self.jobs:
            for worker in self._workers:
                worker.listen()

    def submit(self, name: str, *args: Any, worker: int | None = None, weight: int = 1) -> tuple[int, Future[Any]]:
        """Run task `name`; on `worker` when given, else on the one with the least work queued
        (`weight` estimates this task's work). Returns (worker, future)."""
        self.start()
        if not self._workers:
            future: Future[Any] = Future()
            try:
                future.set_result(TASKS[name](*args))
            except BaseException as exc:  # the caller sees it from result(), as from a worker
                future.set_exception(exc)
            return 0, future
        if worker is None:
            worker = min(range(len(self._workers)), key=lambda n: (self._workers[n].queued, n))
        return worker, self._workers[worker].submit(name, args, weight)

    def sooner(self, holder: int | None, weight: int) -> int | None:
        """The worker to send a task of `weight` to: `holder` (which holds the layout it needs), unless
        another worker would be done with it sooner even laying the chunk out again (twice the weight)."""
        if holder is None or len(self._workers) < 2:
            return holder
        queued = [worker.queued for worker in self._workers]
        other = min(range(len(queued)), key=lambda n: (queued[n], n))
        return other if queued[other] + 2 * weight < queued[holder] + weight else holder

    def release(self) -> None:
        """Every worker forgets the layouts it holds (after a build, done or failed)."""
        _HELD.clear()
        if self._closed:
            return
        for worker in self._workers:
            worker.submit("release", (), 0)

    def close(self) -> None:
        """Stop the workers (they finish the task at hand); the pool cannot be used again."""
        self._closed = True
        for worker in self._workers:
            worker.stop()
        self._workers = []
        _HELD.clear()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Worker:
    """One worker process and the thread that hands its answers to the waiting futures."""

    def __init__(self, context: Any, number: int) -> None:
        parent, child = context.Pipe()
        self._connection: Connection = parent
        self._process = context.Process(target=_serve, args=(child,), name=f"tul-engine-{number}", daemon=True)
        self._process.start()
        child.close()
        self._futures: list[tuple[Future[Any], int]] = []
        self._lock = threading.Lock()
        self._sending = threading.Lock()
        self._reader = threading.Thread(target=self._read, name=f"tul-engine-reader-{number}", daemon=True)

    def listen(self) -> None:
        """Start handing the process's answers to the waiting futures (once)."""
        if not self._reader.is_alive() and self._reader.ident is None:
            self._reader.start()

    @property
    def queued(self) -> int:
        """The weight of the tasks sent and not yet answered."""
        with self._lock:
            return sum(weight for _, weight in self._futures)

    def submit(self, name: str, args: tuple[Any, ...], weight: int) -> Future[Any]:
        future: Future[Any] = Future()
        # Not under _lock while sending: a big task can fill the pipe while the worker waits for
        # the reader thread (which needs _lock) to take its big answer.
        with self._sending:
            with self._lock:
                self._futures.append((future, weight))
            self._connection.send((name, args))
        return future

    def _read(self) -> None:
        while True:
            try:
                kind, value = self._connection.recv()
            except (EOFError, OSError, TypeError):  # TypeError: the connection was closed meanwhile
                break
            with self._lock:
                future, _ = self._futures.pop(0)
            if kind == "ok":
                future.set_result(value)
            elif kind == "report":
                future.set_exception(BuildError(value))
            else:
                future.set_exception(RuntimeError(f"a PDF engine worker failed:\n{value}"))
        with self._lock:
            futures, self._futures = self._futures, []
        for future, _ in futures:
            future.set_exception(BuildError("error: a PDF engine worker stopped unexpectedly "
                                            f"(exit code {self._process.exitcode}), expected it to finish its chunk"))

    def stop(self) -> None:
        """Stop the process; one still warming up (nothing asked of it yet) is not waited for."""
        busy = any(weight for _, weight in self._futures)
        try:
            self._connection.send(None)
        except OSError:
            pass
        self._process.join(timeout=5 if busy else 0.05)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        if self._reader.is_alive():  # the process has ended: the reader sees the end of the pipe
            self._reader.join(timeout=5)
        self._connection.close()


def cpu_count() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
