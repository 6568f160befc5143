"""The fuzzer in the normal test run: a few hundred mutated default reports, none of which
may end in a traceback, a hang or a malformed message (`make fuzz` runs 10 000)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import fuzz
import pytest


def test_mutated_reports_give_reports_or_located_problems() -> None:
    counts, failures = fuzz.fuzz(list(range(200)), jobs=min(2, os.cpu_count() or 1))
    assert failures == []
    assert sum(counts.values()) == 200
    # The mutations reach both sides: some reports still pass, most are refused.
    assert counts["accepted"] > 0 and counts["refused"] > counts["accepted"]


def test_the_fuzzer_is_seeded() -> None:
    source = {"report.yaml": "title: x\nyear: 2020\nperiod: Tertial 1 2020\n"}
    assert fuzz.mutate(7, source) == fuzz.mutate(7, source)
    assert fuzz.mutate(7, source) != fuzz.mutate(8, source)


def _planted_bug(*args: object, **kwargs: object) -> None:
    raise ZeroDivisionError("planted")


def test_the_fuzzer_tells_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("render.build.check_report", _planted_bug)
    case = fuzz.Case(0, {p.name: p.read_text(encoding="utf-8") for p in fuzz.SOURCE.glob("*.yaml")})
    fuzz.write_case(case, tmp_path / "content" / "ks-t1-2020")
    outcome, detail = fuzz.run_case(case, tmp_path)
    assert (outcome, detail.split(" at ")[0]) == ("traceback", "ZeroDivisionError: planted")


def _hangs(case: fuzz.Case, workdir: Path) -> tuple[str, str]:
    time.sleep(3600)
    return "accepted", ""


def test_the_fuzzer_tells_a_hang_and_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fuzz, "run_case", _hangs)  # the forked workers inherit the planted hang
    counts, failures = fuzz.fuzz([1, 2], jobs=1, timeout=1.0)
    assert counts == {"hang": 2}
    assert [(seed, outcome) for seed, outcome, _ in failures] == [(1, "hang"), (2, "hang")]
