"""Benchmark the city's consolidated report: cold and incremental builds beside headless Chromium.

    .venv/bin/python bench/city.py [--reports 28] [--seed 1] [--runs 3]

Generates an invented city (tests/citygen.py) into a temporary folder, then measures,
as medians of --runs rounds, each round running tul and Chromium one after the other so
both see the same machine load:

- cold: the consolidated report alone (PDF/UA-1 + HTML) into an empty output folder, so
  every contributing report is read from its content (in parallel processes);
- incremental: after a full build of the city, one nämnd's text changes and `tul build`
  runs over the whole city: it rebuilds that nämnd and the consolidated report (reading
  the other reports' data from the previous build), and nothing else;
- Chromium printing the consolidated report's HTML (a fresh profile each run).

It is a report, not a test: it exits non-zero only when something cannot be measured.
Standard library only; every build is a subprocess, so times include start-up.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from citygen import generate_city  # noqa: E402
from measure import compile_tul  # noqa: E402

CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser")
TIMEOUT = 900


def _tul() -> list[str]:
    venv = ROOT / ".venv" / "bin" / "tul"
    return [str(venv)] if venv.is_file() else [sys.executable, "-m", "render"]


def _run(cmd: list[str]) -> tuple[float, str]:
    """Wall seconds and stderr of `cmd`."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        _, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        raise SystemExit(f"timed out after {TIMEOUT} s: {' '.join(cmd)}") from None
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(cmd)}\n{stderr[-3000:]}")
    return seconds, stderr


def _peak_kb(cmd: list[str]) -> int:
    """Peak resident memory of the largest process of `cmd` (its pool workers included), in kB."""
    probe = ("import resource, subprocess, sys\n"
             "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"memory probe failed: {out.stderr[-2000:]}")
    return int(out.stdout.strip())


def _chromium() -> str:
    for candidate in CHROMIUM:
        found = shutil.which(candidate)
        if found:
            return found
    raise SystemExit("no chromium found (apt-get install chromium)")


def _chromium_print(chromium: str, html: Path, pdf: Path, profile: Path) -> float:
    seconds, _ = _run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                          html.resolve().as_uri()])
    if not pdf.is_file():
        raise SystemExit(f"chromium wrote no {pdf}")
    return seconds


def _built(stderr: str) -> dict[str, float]:
    return {m[1]: float(m[2]) for m in re.finditer(r"built (\S+) in ([\d.]+) s", stderr)}


def _touch(folder: Path, round_: int) -> None:
    report = folder / "report.yaml"
    text = report.read_text(encoding="utf-8")
    # The report's own Sammanfattande analys (top level, so indented by two spaces).
    report.write_text(text.replace("\nsummary: |\n", f"\nsummary: |\n  Ändrad text, omgång {round_}.\n", 1),
                      encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=28)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    compile_tul()
    tul, chromium = _tul(), _chromium()
    with tempfile.TemporaryDirectory(prefix="tul-city-") as name:
        tmp = Path(name)
        city = generate_city(tmp / "content", seed=args.seed, reports=args.reports)
        content, slug = str(city.content), city.consolidated
        print(f"city: {len(city.reports)} reports + {slug} (seed {args.seed}); {os.cpu_count()} cores, "
              f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
        print("the machine may be shared: each round runs tul and Chromium back to back; medians of "
              f"{args.runs} rounds\n")
        full = tmp / "full"
        _run([*tul, "build", "--content", content, "--out", str(full), "-q"])  # the previous build
        cold, incremental, consolidated_share, browser = [], [], [], []
        pages = 0
        for round_ in range(args.runs):
            out = tmp / f"cold-{round_}"
            seconds, stderr = _run([*tul, "build", slug, "--content", content, "--out", str(out)])
            cold.append(seconds)
            found = re.search(rf"built {slug} in [\d.]+ s, (\d+) pages", stderr)
            if found is None:
                raise SystemExit(f"no page count in: {stderr[-2000:]}")
            pages = int(found[1])
            browser.append(_chromium_print(chromium, out / slug / "index.html", tmp / f"chromium-{round_}.pdf",
                                           tmp / f"profile-{round_}"))
            changed = city.reports[round_ % len(city.reports)]
            _touch(changed.folder, round_)
            seconds, stderr = _run([*tul, "build", "--content", content, "--out", str(full)])
            built = _built(stderr)
            if set(built) != {changed.slug, slug}:
                raise SystemExit(f"the incremental build rebuilt {sorted(built)}, expected {changed.slug} and {slug}")
            incremental.append(seconds)
            consolidated_share.append(built[slug])
        peak = _peak_kb([*tul, "build", slug, "--content", content, "--out", str(tmp / "peak"), "-q"])
    chromium_s = statistics.median(browser)
    rows = [
        (f"cold: {slug} alone, PDF/UA-1 + HTML, {pages} pages", statistics.median(cold)),
        ("incremental: one nämnd changed, `tul build` of the whole city", statistics.median(incremental)),
        ("  of which the consolidated report", statistics.median(consolidated_share)),
        ("headless Chromium --print-to-pdf, same HTML", chromium_s),
    ]
    width = max(len(label) for label, _ in rows)
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:7.2f} s")
    print(f"{'tul cold / Chromium':<{width}}  {statistics.median(cold) / chromium_s:7.2f} x")
    print(f"{'peak resident memory, cold consolidated build':<{width}}  {peak / 1024:7.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
