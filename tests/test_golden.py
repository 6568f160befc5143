"""Golden HTML of the small fixtures: a change to the output must be a change on purpose.

Regenerate after an intended change with:  TUL_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from render.build import default_assets, validate_report
from render.html import render_html

VALID = Path(__file__).parent / "fixtures" / "valid"
CASES = sorted(p.name for p in VALID.iterdir() if (p / "report.yaml").is_file())


@pytest.mark.parametrize("case", CASES)
def test_golden_html(case: str) -> None:
    loaded, problems = validate_report(VALID / case, strict=True)
    assert problems == []
    # Fonts are left as their slot: the golden file stays small and about tul's own output.
    html = render_html(loaded, default_assets(), fonts=False)
    golden = VALID / case / "expected.html"
    if os.environ.get("TUL_REGENERATE_GOLDEN") == "1":
        golden.write_text(html, encoding="utf-8")
    assert golden.is_file(), "no golden file yet: run with TUL_REGENERATE_GOLDEN=1"
    assert html == golden.read_text(encoding="utf-8")
