"""The PDF engine's worker processes: answers in order, big messages both ways, failures reported."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from render import worker
from render.errors import BuildError
from render.worker import Pool

BIG = 2**20  # far more than a pipe's buffer


def _echo(data: bytes) -> bytes:
    return data[::-1]


def _pid() -> int:
    return os.getpid()


def _fail(kind: str) -> None:
    if kind == "report":
        raise BuildError("content/x.yaml:3:1: error: a located problem")
    if kind == "exit":
        os._exit(3)
    raise ZeroDivisionError("a bug")


@pytest.fixture()
def pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[Pool]:
    # Forked workers inherit the test tasks.
    monkeypatch.setitem(worker.TASKS, "echo", _echo)
    monkeypatch.setitem(worker.TASKS, "pid", _pid)
    monkeypatch.setitem(worker.TASKS, "fail", _fail)
    with Pool(2, start_method="fork") as workers:
        yield workers


def test_big_tasks_and_big_answers_cross_without_deadlock(pool: Pool) -> None:
    payloads = [bytes([n]) * BIG + b"end" for n in range(24)]
    # All sent before any answer is read: each send fills the pipe while answers fill the other way.
    futures = [pool.submit("echo", data, worker=n % 2)[1] for n, data in enumerate(payloads)]
    assert [f.result(timeout=30) for f in futures] == [data[::-1] for data in payloads]


def test_pinned_tasks_run_on_their_worker(pool: Pool) -> None:
    first, pid_future = pool.submit("pid")
    pid = pid_future.result(timeout=30)
    assert pid != os.getpid()
    assert all(pool.submit("pid", worker=first)[1].result(timeout=30) == pid for _ in range(3))
    assert pool.submit("pid", worker=1 - first)[1].result(timeout=30) not in (pid, os.getpid())


def test_a_reported_error_keeps_its_message(pool: Pool) -> None:
    _, future = pool.submit("fail", "report")
    with pytest.raises(BuildError, match="content/x.yaml:3:1: error: a located problem"):
        future.result(timeout=30)
    assert pool.submit("echo", b"ab")[1].result(timeout=30) == b"ba"  # the worker carries on


def test_a_bug_in_a_worker_is_shown_with_its_traceback(pool: Pool) -> None:
    _, future = pool.submit("fail", "bug")
    with pytest.raises(RuntimeError, match="(?s)a PDF engine worker failed.*ZeroDivisionError: a bug"):
        future.result(timeout=30)


def test_a_worker_that_dies_fails_its_tasks_instead_of_hanging(pool: Pool) -> None:
    number, dying = pool.submit("fail", "exit")
    waiting = pool.submit("echo", b"x", worker=number)[1]
    for future in (dying, waiting):
        with pytest.raises(BuildError, match="a PDF engine worker stopped unexpectedly"):
            future.result(timeout=30)


def test_one_job_works_in_this_process() -> None:
    with Pool(1) as inline:
        assert inline.submit("anchor_pages", "<html><body><p id='x'>x</p></body></html>", Path("."), ())[1].result() == {
            "x": 0}


def test_a_closed_pool_starts_nothing() -> None:
    pool = Pool(2)
    pool.close()
    with pytest.raises(BuildError, match="workers were stopped"):
        pool.submit("release")


def test_a_pool_started_with_one_worker_starts_the_others_when_first_used() -> None:
    """A build from the cache warms one worker while the HTML renders; the rest start on demand."""
    with Pool(2) as pool:
        pool.start(1)
        assert pool.jobs == 2 and len(pool._workers) == 1
        _, first = pool.submit("warm_up")
        assert first.result(timeout=120) is None and len(pool._workers) == 2
        worker, second = pool.submit("warm_up", worker=1)
        assert worker == 1 and second.result(timeout=120) is None
