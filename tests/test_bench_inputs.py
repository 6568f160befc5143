"""The benchmark's generated inputs are valid content: a model change that breaks them fails here, not in make bench."""

from __future__ import annotations

import sys
from pathlib import Path

from render.build import validate_report

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from bigreport import make_big_report  # noqa: E402


def test_the_big_report_generator_writes_a_valid_complete_report(tmp_path: Path) -> None:
    folder = make_big_report(tmp_path, activities=40, goals=2)
    derived, problems = validate_report(folder, strict=True)
    assert problems == []
    activities = sum(len(goal.activities) for goal in derived.report.assessed_goals())
    assert activities == 40
    assert len(derived.report.goals) == 2
