"""Every report's HTML passes axe-core's WCAG 2.1 A/AA rules in a real browser, on a phone
(320 and 390 CSS px) and a desktop (1280), and reflows: nothing scrolls the page sideways at
320 px, no table cell overflows, no word is broken inside, links look like links, chart text
is readable, and numbers are right-aligned under right-aligned headings.

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
from conftest import DEFAULT_SLUG, EXAMPLES

NODE_DIR = Path(__file__).resolve().parent / "node"
CHROMIUM = Path("/usr/bin/chromium")
WIDTHS = (320, 390, 1280)
# The smallest chart text a phone shows, in CSS px (body text is 13.3 px).
MIN_CHART_PX = 9.0


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


def _run_axe(page: Path, media: str, widths: tuple[int, ...]) -> dict:
    run = subprocess.run(
        [_tools(), str(NODE_DIR / "axe.mjs"), str(page), media, str(CHROMIUM), ",".join(map(str, widths))],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=NODE_DIR,
    )
    assert run.returncode == 0, f"axe run failed ({run.returncode}):\n{run.stderr[-4000:]}"
    result = json.loads(run.stdout)
    assert result["external"] == [], "the page asked for something outside itself"
    assert [r["width"] for r in result["runs"]] == list(widths)
    return result


def _assert_reads_well(result: dict, media: str) -> None:
    for run in result["runs"]:
        where = f"axe {result['axe']} in chromium {result['browser']} ({media}, {run['width']} px)"
        assert run["passes"] > 0, "axe ran no rule"
        violations = run["violations"]
        assert not violations, f"{where}:\n{_describe(violations)}"
        layout = run["layout"]
        assert layout["viewport"] == run["width"]
        assert not layout["overflowing"], f"{where}: content overflows its table cell: {layout['overflowing'][:10]}"
        assert not layout["broken"], f"{where}: words broken inside: {layout['broken'][:20]}"
        assert not layout["leftNumbers"], f"{where}: numbers not right-aligned: {layout['leftNumbers'][:10]}"
        if media == "screen":
            assert not layout["plainLinks"], f"{where}: links that do not look like links: {layout['plainLinks'][:10]}"


@pytest.mark.parametrize("slug", [DEFAULT_SLUG, *EXAMPLES])
def test_html_reads_on_phone_and_desktop(built_reports: dict[str, Path], slug: str) -> None:
    result = _run_axe(built_reports[slug] / "index.html", "screen", WIDTHS)
    _assert_reads_well(result, "screen")
    phone = result["runs"][0]["layout"]
    # No page-level horizontal scroll on the narrowest phone: wide tables scroll in their region.
    assert phone["scrollWidth"] <= 320, f"the page scrolls sideways at 320 px: {phone['scrollWidth']} px wide"
    if phone["chartText"] is not None:
        assert phone["chartText"] >= MIN_CHART_PX, f"chart text {phone['chartText']:.1f} px at 320 px wide"


def test_default_html_as_printed_has_no_axe_violations(built_default: Path) -> None:
    _assert_reads_well(_run_axe(built_default / "index.html", "print", (1280,)), "print")
