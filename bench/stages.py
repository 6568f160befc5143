"""Where the time of one default-report build goes (`make profile`; named stages.py so it does not shadow the stdlib profile module).

Runs one warm-up build and then one profiled build in this process (--jobs 1, no
cache: every chunk laid out here), and prints the cumulative time of each
pipeline stage, including WeasyPrint's own phases, so that the floor set by the
PDF engine is visible next to tul's own work.
"""

from __future__ import annotations

import cProfile
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from render.build import BuildOptions, build_report  # noqa: E402
from render.worker import tune_gc  # noqa: E402

REPORT = ROOT / "content" / "ks-t1-2020"

# (label, file suffix, function name) of the stages worth naming.
STAGES = [
    ("tul: load + validate + check", "render/build.py", "validate_report"),
    ("tul: HTML (Jinja, Markdown, chart)", "render/html.py", "render_html"),
    ("tul: cutting into chunks (skeleton layout)", "render/pdf.py", "chunks"),
    ("WeasyPrint: parse HTML + CSS cascade", "weasyprint/css/__init__.py", "get_all_computed_styles"),
    ("WeasyPrint: layout (line breaking, tables, pages)", "weasyprint/layout/__init__.py", "layout_document"),
    ("WeasyPrint: draw pages + write PDF (tags, fonts)", "weasyprint/document.py", "write_pdf"),
    ("tul: PDF/UA finishing per chunk (pikepdf)", "render/pdfua.py", "finish_chunk"),
    ("tul: joining the chunks (pikepdf, fontTools)", "render/join.py", "join"),
    ("tul: atomic writes", "render/output.py", "write_atomic"),
]


def _cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    total = 0.0
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if func == name and filename.endswith(suffix):
            total += ct
    return total


def main() -> int:
    """Print the stage table; the profiler inflates times, so shares matter more than seconds."""
    started = time.perf_counter()
    tune_gc()  # as `tul` does
    imports = subprocess.run(
        [sys.executable, "-c", "import time;t=time.perf_counter();import render.cli, render.pdf, weasyprint, pikepdf;"
         "print(time.perf_counter()-t)"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    with tempfile.TemporaryDirectory() as out:
        options = BuildOptions(out_dir=Path(out), force=True, cache=False)
        build_report(REPORT, options)  # warm-up: fontconfig, WeasyPrint's UA stylesheet
        plain = time.perf_counter()
        build_report(REPORT, options)
        unprofiled = time.perf_counter() - plain
        profiler = cProfile.Profile()
        profiler.enable()
        build_report(REPORT, options)
        profiler.disable()
    stats = pstats.Stats(profiler)
    total = _cumulative(stats, "render/build.py", "build_report")
    print(f"one warm build of {REPORT.name}: {unprofiled:.2f} s unprofiled; {total:.2f} s under the profiler")
    print(f"imports a fresh `tul build` pays first: {float(imports.stdout):.2f} s\n")
    print(f"{'stage':52} {'seconds':>8} {'share':>6}")
    for label, suffix, name in STAGES:
        seconds = _cumulative(stats, suffix, name)
        print(f"{label:52} {seconds:8.2f} {seconds / total:6.0%}")
    engine = sum(_cumulative(stats, s, n) for label, s, n in STAGES if label.startswith("WeasyPrint"))
    print(f"\nWeasyPrint alone: {engine / total:.0%} of the build; tul's own stages the rest.")
    print(f"(profile took {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
