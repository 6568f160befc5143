"""The default report's HTML passes axe-core's WCAG 2.1 A/AA rules in a real browser.

axe-core and playwright-core come from tests/node (npm install); the browser is
Debian's chromium. A missing node, chromium or node_modules fails the test: an
accessibility check that quietly skips is worse than none.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parent / "node"
CHROMIUM = Path("/usr/bin/chromium")


def _tools() -> str:
    node = shutil.which("node")
    missing = []
    if node is None:
        missing.append("node (apt-get install nodejs)")
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    for package in ("axe-core", "playwright-core"):
        if not (NODE_DIR / "node_modules" / package).is_dir():
            missing.append(f"{package} (cd tests/node && npm install)")
    if missing:
        pytest.fail("the accessibility test cannot run, missing: " + ", ".join(missing) + " (make system-deps)")
    assert node is not None
    return node


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            lines.append(f"  at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append("    " + (node["summary"] or "").replace("\n", "\n    "))
        if len(violation["nodes"]) > 10:
            lines.append(f"  ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.mark.parametrize("media", ["screen", "print"])
def test_default_html_has_no_axe_violations(built_default: Path, media: str) -> None:
    node = _tools()
    page = built_default / "index.html"
    run = subprocess.run(
        [node, str(NODE_DIR / "axe.mjs"), str(page), media, str(CHROMIUM)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=NODE_DIR,
    )
    assert run.returncode == 0, f"axe run failed ({run.returncode}):\n{run.stderr[-4000:]}"
    result = json.loads(run.stdout)
    assert result["passes"] > 0, "axe ran no rule"
    assert result["external"] == [], "the page asked for something outside itself"
    violations = result["violations"]
    if violations:
        print(_describe(violations))
    assert not violations, f"axe {result['axe']} in chromium {result['browser']} ({media}):\n{_describe(violations)}"
