"""Benchmark tul side by side with plain WeasyPrint and headless Chromium, in one run.

Run as `.venv/bin/python bench/bench.py` (or `make bench`); `--quick` leaves out the
generated 10 000-activity report (minutes), `--runs N` sets the repetitions. Every
figure is the median of n runs (n is printed) measured in this one run, next to
the others, so that the machine's speed at the time affects them all alike; the
'others' column says how busy other processes kept the machine meanwhile. It is
a report, not a test: it exits 0 when a target is missed, and non-zero only when
something could not be measured.

tul, WeasyPrint and Chromium run as subprocesses (wall time includes interpreter
start-up and imports, as on the command line), except the preview, which is
measured as an author feels it: from saving a file to the new PDF being served.
WeasyPrint and Chromium print the very HTML tul lays out (fonts linked, not the
base64 copy in index.html).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bigreport import make_big_report  # noqa: E402
from measure import (  # noqa: E402
    ROOT,
    MeasureError,
    Series,
    cpu_sample,
    find_chromium,
    others_since,
    print_machine,
    repeat,
    require_file,
    run,
    run_with_peak,
    snapshot,
    tul_command,
)

REPORT = "ks-t1-2020"
EDIT_FILE = "1-modern-storstad.yaml"
EDIT_WORD = "troligt"  # in 'Med anledning av coronapandemin är det troligt att målet inte kan nås.'
GOAL_PAGES_CSS = "\n@media print { .direction-goal { break-before: page; } }\n"
JOB_COPIES = 6
BIG_ACTIVITIES = 10_000
OTHERS_WARN = 0.2

TARGET_COLD = 1.6  # x Chromium
TARGET_EDIT_FRESH = 1.0  # x Chromium
TARGET_EDIT_PREVIEW = 0.6  # x Chromium
TARGET_NOOP_S = 0.5
TARGET_PEAK_MB = 400.0


class Setup:
    """The benchmark's private copies: content to edit, the goal-per-page style, the HTML to print."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.content = tmp / "content"
        shutil.copytree(ROOT / "content" / REPORT, self.content / REPORT)
        self.report = self.content / REPORT
        self.goal_styles = tmp / "goal-page-styles"
        self.goal_styles.mkdir()
        css = (ROOT / "styles" / "report.css").read_text(encoding="utf-8") + GOAL_PAGES_CSS
        (self.goal_styles / "report.css").write_text(css, encoding="utf-8")
        self.html = tmp / "tul-pdf.html"
        self._edits = 0

    def edit(self) -> str:
        """Change one word in one goal, to a word never used before; return it."""
        self._edits += 1
        word = f"troligt{self._edits}x"
        target = self.report / EDIT_FILE
        text = target.read_text(encoding="utf-8")
        text, count = re.subn(r"\btroligt\w*", word, text, count=1)
        if count != 1:
            raise MeasureError(f"cannot find the word to edit in {target}")
        target.write_text(text, encoding="utf-8")
        return word


def tul_build(tul: list[str], setup: Setup, out: Path, *extra: str) -> list[str]:
    return [*tul, "build", "--content", str(setup.content), "--out", str(out), *extra]


def write_pdf_html(setup: Setup) -> None:
    """The HTML tul hands the PDF engine (fonts as linked files), for WeasyPrint and Chromium."""
    code = ("import sys; from pathlib import Path; from render.build import default_assets, validate_report; "
            "from render.html import render_html, with_fonts; a = default_assets(); "
            "l, _ = validate_report(Path(sys.argv[1])); "
            "Path(sys.argv[2]).write_text(with_fonts(render_html(l, a, fonts=False), a, embedded=False), "
            "encoding='utf-8')")
    run([sys.executable, "-c", code, str(setup.report), str(setup.html)], "HTML for WeasyPrint and Chromium")
    require_file(setup.html, "HTML for WeasyPrint and Chromium")


# -- tul ---------------------------------------------------------------------------------


def bench_cold(tul: list[str], setup: Setup, runs: int, jobs: int, styles: tuple[str, ...] = (),
               label: str = "") -> tuple[Series, list[bytes]]:
    pdfs: list[bytes] = []

    def once(i: int) -> float:
        out = setup.tmp / f"cold-{jobs}-{i}-{len(styles)}"
        elapsed, _ = run(tul_build(tul, setup, out, "--jobs", str(jobs), *styles), "tul cold build")
        pdf = out / REPORT / f"{REPORT}.pdf"
        require_file(pdf, "tul cold build")
        pdfs.append(pdf.read_bytes())
        shutil.rmtree(out, ignore_errors=True)
        return elapsed

    name = f"tul cold, --jobs {jobs}{label} (empty output folder)"
    return repeat(name, runs, once), pdfs


def bench_warm_and_noop(tul: list[str], setup: Setup, runs: int) -> tuple[Series, Series, list[str], bytes]:
    out = setup.tmp / "base"
    run(tul_build(tul, setup, out), "base build")
    warm = repeat("tul warm: --force, every chunk from the cache", runs,
                  lambda i: run(tul_build(tul, setup, out, "--force"), "tul warm build")[0],
                  note="the PDF is joined again")
    data = (out / REPORT / f"{REPORT}.pdf").read_bytes()
    rewrote: list[str] = []

    def noop(i: int) -> float:
        before = snapshot(out)
        elapsed, result = run(tul_build(tul, setup, out), "tul no-op build")
        changed = sorted(k for k in before.keys() | snapshot(out).keys() if before.get(k) != snapshot(out).get(k))
        rewrote.extend(f"run {i + 1}: {name}" for name in changed)
        if "up to date" not in result.stderr + result.stdout:
            rewrote.append(f"run {i + 1}: tul did not report 'up to date'")
        return elapsed

    return warm, repeat("tul no-op (nothing changed)", runs, noop), rewrote, data


def bench_edit_fresh(tul: list[str], setup: Setup, runs: int, styles: tuple[str, ...] = (),
                     label: str = "") -> Series:
    out = setup.tmp / f"edit-{len(styles)}"
    run(tul_build(tul, setup, out, *styles), "base build for edits")

    def once(i: int) -> float:
        setup.edit()
        elapsed, result = run(tul_build(tul, setup, out, *styles), "tul build after an edit")
        if "(1 laid out)" not in result.stderr:
            raise MeasureError(f"an edit laid out more than its chunk: {result.stderr.strip()}")
        require_file(out / REPORT / f"{REPORT}.pdf", "tul build after an edit")
        return elapsed

    return repeat(f"edit one word -> PDF, fresh process{label}", runs, once, note="cache in the output folder")


def bench_edit_preview(setup: Setup, runs: int, styles: tuple[Path, ...] = (), label: str = "") -> Series:
    """In this process: a warm preview (workers, cache); from saving a file to the new PDF served."""
    from render.build import default_assets
    from render.preview import PreviewServer

    assets = default_assets(style_dirs=styles)
    server = PreviewServer(setup.report, assets, port=0, watch_dirs=[setup.report],
                           out_dir=setup.tmp / f"preview-{len(styles)}", jobs=os.cpu_count() or 1)
    server.start()
    report = server.first
    try:
        def pdf_version() -> int:
            return report.snapshot.pdf_version

        def wait_for(version: int, what: str) -> None:
            deadline = time.monotonic() + 300
            while pdf_version() < version:
                if time.monotonic() > deadline:
                    raise MeasureError(f"preview: no PDF after {what}")
                server.wait_for_change((report.snapshot.version, pdf_version()), report, 1.0)

        wait_for(1, "start-up")

        def once(i: int) -> float:
            before = pdf_version()
            started = time.perf_counter()
            setup.edit()
            wait_for(before + 1, "an edit")
            elapsed = time.perf_counter() - started
            if report.pdf_laid_out != 1:
                raise MeasureError(f"preview: an edit laid out {report.pdf_laid_out} chunks")
            return elapsed

        return repeat(f"edit one word -> PDF, in the preview{label}", runs, once,
                      note="save to served; watcher included")
    finally:
        server.stop()


def bench_jobs(tul: list[str], setup: Setup, runs: int) -> tuple[Series, Series]:
    content = setup.tmp / "jobs-content"
    for k in range(1, JOB_COPIES + 1):
        shutil.copytree(setup.report, content / f"{REPORT}-copy{k}")
    serial = Series(f"{JOB_COPIES} reports, --jobs 1")
    parallel = Series(f"{JOB_COPIES} reports, --jobs 2")
    start = cpu_sample()
    for i in range(runs):  # interleaved, so that drift in the machine's speed hits both alike
        for jobs, series in ((1, serial), (2, parallel)):
            out = setup.tmp / f"jobs{jobs}-{i}"
            elapsed, _ = run([*tul, "build", "--content", str(content), "--out", str(out), "--jobs", str(jobs), "--no-cache"],
                             f"tul build --jobs {jobs}")
            shutil.rmtree(out, ignore_errors=True)
            series.times.append(elapsed)
    serial.others = parallel.others = others_since(start)
    for series in (serial, parallel):
        print(f"  {series.name:<52} n={runs}  median {series.median:7.3f} s", flush=True)
    shutil.rmtree(content, ignore_errors=True)
    return serial, parallel


# -- the others ----------------------------------------------------------------------------

WEASYPRINT_CODE = (
    "import sys, weasyprint; "
    "weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf(sys.argv[3])"
)


def bench_weasyprint(setup: Setup, runs: int) -> Series:
    base_url = setup.report.resolve().as_uri() + "/"

    def once(i: int) -> float:
        pdf = setup.tmp / f"weasyprint-{i}.pdf"
        elapsed, _ = run([sys.executable, "-c", WEASYPRINT_CODE, str(setup.html), base_url, str(pdf)],
                         "plain WeasyPrint")
        require_file(pdf, "plain WeasyPrint")
        pdf.unlink()
        return elapsed

    return repeat("plain WeasyPrint on the same HTML (python -c)", runs, once, note="untagged, one process")


def bench_chromium(chromium: str, setup: Setup, runs: int) -> Series:
    def once(i: int) -> float:
        pdf = setup.tmp / f"chromium-{i}.pdf"
        profile = setup.tmp / f"chromium-profile-{i}"
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", setup.html.resolve().as_uri()]
        elapsed, _ = run(cmd, "headless Chromium")
        require_file(pdf, "headless Chromium")
        pdf.unlink()
        shutil.rmtree(profile, ignore_errors=True)
        return elapsed

    return repeat("headless Chromium --print-to-pdf, same HTML", runs, once, note="fresh --user-data-dir per run")


# -- memory and the big report -------------------------------------------------------------------


def bench_peak(tul: list[str], setup: Setup, styles: tuple[str, ...] = ()) -> float:
    out = setup.tmp / f"peak-{len(styles)}"
    _, peak, _ = run_with_peak(tul_build(tul, setup, out, *styles), "peak memory of a cold build")
    shutil.rmtree(out, ignore_errors=True)
    return peak


def bench_big(tul: list[str], setup: Setup, styles: tuple[str, ...], label: str) -> tuple[float, float, int, int]:
    """One cold build of the generated big report: (seconds, peak MB per process, pages, chunks)."""
    content = setup.tmp / "big-content"
    if not content.exists():
        make_big_report(content, BIG_ACTIVITIES)
    out = setup.tmp / f"big-out-{len(styles)}"
    cmd = [*tul, "build", "--content", str(content), "--out", str(out), "--format", "pdf", *styles]
    elapsed, peak, stderr = run_with_peak(cmd, f"the {BIG_ACTIVITIES}-activity report{label}")
    found = re.search(r"(\d+) pages(?: in (\d+) chunks)?", stderr)
    pages, chunks = (int(found[1]), int(found[2] or 1)) if found else (0, 0)
    shutil.rmtree(out, ignore_errors=True)
    print(f"  {f'{BIG_ACTIVITIES} activities, cold{label}':<52} n=1  {elapsed:7.1f} s, {pages} pages, "
          f"{chunks} chunks, peak {peak:.0f} MB", flush=True)
    return elapsed, peak, pages, chunks


# -- report ------------------------------------------------------------------------------------


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def print_results(rows: list[Series], chromium: Series) -> None:
    print()
    print("Results (wall time in seconds, median of n runs, all in this one run)")
    header = f"  {'measurement':<52} {'n':>2} {'median':>7} {'min':>7} {'max':>7} {'xChrom':>6} {'others':>6}  note"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for s in rows:
        others = "?" if s.others is None else f"{s.others:.2f}"
        print(f"  {s.name:<52} {len(s.times):>2} {s.median:>7.3f} {min(s.times):>7.3f} {max(s.times):>7.3f} "
              f"{s.median / chromium.median:>5.2f}x {others:>6}  {s.note}")
    print("  xChrom: median / Chromium's median; others: cores kept busy by other processes meanwhile")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"leave out the {BIG_ACTIVITIES}-activity report")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each fast measurement")
    args = parser.parse_args()
    runs = max(1, args.runs)
    started = time.perf_counter()
    chromium = find_chromium()
    if chromium is None:
        print("bench: error: headless Chromium not found (looked for /usr/bin/chromium and chromium on PATH).\n"
              "       `make bench` installs it (make system-deps: apt-get install chromium).", file=sys.stderr)
        return 2
    try:
        tul = tul_command()
        print(f"tul benchmark: the default report {REPORT}, side by side with plain WeasyPrint and Chromium\n")
        print_machine(chromium)
        with tempfile.TemporaryDirectory(prefix="tul-bench-") as tmp_name:
            setup = Setup(Path(tmp_name))
            goal = ("--styles", str(setup.goal_styles))
            print("Measuring", flush=True)
            write_pdf_html(setup)
            run(tul_build(tul, setup, setup.tmp / "warm-up"), "warm-up build")  # compiles .pyc, fills the page cache
            chrome = bench_chromium(chromium, setup, runs)
            weasy = bench_weasyprint(setup, runs)
            cold2, pdfs2 = bench_cold(tul, setup, runs, 2)
            cold1, pdfs1 = bench_cold(tul, setup, runs, 1)
            warm, noop, rewrote, warm_pdf = bench_warm_and_noop(tul, setup, runs)
            nocache_out = setup.tmp / "no-cache"
            run(tul_build(tul, setup, nocache_out, "--no-cache"), "tul --no-cache")
            nocache_pdf = (nocache_out / REPORT / f"{REPORT}.pdf").read_bytes()
            edit_fresh = bench_edit_fresh(tul, setup, runs)
            edit_preview = bench_edit_preview(setup, runs)
            goal_cold, _ = bench_cold(tul, setup, runs, 2, goal, ", inriktningsmål on new pages")
            goal_edit = bench_edit_fresh(tul, setup, runs, goal, ", inriktningsmål on new pages")
            goal_preview = bench_edit_preview(setup, runs, (setup.goal_styles,), ", inriktningsmål on new pages")
            serial, parallel = bench_jobs(tul, setup, max(1, runs // 2 + 1))
            peak = bench_peak(tul, setup)
            print(f"  {'peak memory per process, cold build':<52} n=1  {peak:7.1f} MB", flush=True)
            big: list[tuple[str, tuple[float, float, int, int]]] = []
            if not args.quick:
                big.append(("house style", bench_big(tul, setup, (), "")))
                big.append(("inriktningsmål on new pages",
                            bench_big(tul, setup, goal, ", inriktningsmål on new pages")))
    except MeasureError as exc:
        print(f"\nbench: error: could not measure: {exc}", file=sys.stderr)
        return 1

    rows = [chrome, weasy, cold2, cold1, warm, noop, edit_fresh, edit_preview, goal_cold, goal_edit, goal_preview,
            serial, parallel]
    print_results(rows, chrome)
    same = {digest(p) for p in [*pdfs1, *pdfs2, warm_pdf, nocache_pdf]}
    print()
    print(f"Byte identity: {len(pdfs1)} cold PDFs with --jobs 1, {len(pdfs2)} with --jobs 2, one from the cache, "
          f"one with --no-cache: {'all identical' if len(same) == 1 else f'{len(same)} different'} "
          f"(sha256 {', '.join(sorted(same))})")
    if big:
        print()
        print(f"The generated {BIG_ACTIVITIES}-activity report (bench/bigreport.py), one cold build each, --format pdf")
        for label, (seconds, mb, pages, chunks) in big:
            per_page = f"{seconds / pages * 1000:.0f} ms/page" if pages else "?"
            print(f"  {label:<30} {seconds:7.1f} s  {pages:5} pages  {chunks:3} chunks  {per_page:>12}  "
                  f"peak {mb:6.0f} MB per process")
    ratio = cold2.median / chrome.median
    targets: list[tuple[str, str, str, bool]] = [
        ("cold PDF (default --jobs 2) / Chromium", f"{ratio:.2f}x", f"<= {TARGET_COLD}x", ratio <= TARGET_COLD),
        ("one-word edit to PDF, fresh process / Chromium", f"{edit_fresh.median / chrome.median:.2f}x",
         f"<= {TARGET_EDIT_FRESH}x", edit_fresh.median / chrome.median <= TARGET_EDIT_FRESH),
        ("one-word edit to PDF, preview / Chromium", f"{edit_preview.median / chrome.median:.2f}x",
         f"<= {TARGET_EDIT_PREVIEW}x", edit_preview.median / chrome.median <= TARGET_EDIT_PREVIEW),
        ("no-op", f"{noop.median:.3f} s", f"<= {TARGET_NOOP_S} s", noop.median <= TARGET_NOOP_S and not rewrote),
        ("byte-identical: cache or not, any --jobs", f"{len(same)} digest(s)", "1", len(same) == 1),
        ("peak memory per process, default report", f"{peak:.0f} MB", f"<= {TARGET_PEAK_MB:g} MB",
         peak <= TARGET_PEAK_MB),
    ]
    targets += [(f"peak memory per process, {BIG_ACTIVITIES} activities, {label}", f"{mb:.0f} MB",
                 f"<= {TARGET_PEAK_MB:g} MB", mb <= TARGET_PEAK_MB) for label, (_, mb, _, _) in big]
    print()
    print("Targets (issue #13)")
    for name, value, goal_text, ok in targets:
        print(f"  {name:<62} {value:>12} {goal_text:>10}  {'PASS' if ok else 'MISS'}")
    print()
    print(f"For reference: with inriktningsmål on new pages (a style choice, off by default) cold is "
          f"{goal_cold.median / chrome.median:.2f}x Chromium, an edit {goal_edit.median / chrome.median:.2f}x fresh "
          f"and {goal_preview.median / chrome.median:.2f}x in the preview; "
          f"--jobs 1 cold is {cold1.median / chrome.median:.2f}x; 6 reports --jobs 1 / --jobs 2 = "
          f"{serial.median / parallel.median:.2f}x; plain WeasyPrint is {weasy.median / chrome.median:.2f}x.")
    for line in rewrote:
        print(f"  no-op rewrote: {line}")
    busiest = max((s.others for s in rows if s.others is not None), default=0.0)
    if busiest > OTHERS_WARN:
        print(f"WARNING: other processes kept up to {busiest:.2f} of the {os.cpu_count()} cores busy during a series "
              "(see 'others'): those figures are pessimistic, --jobs 2 above all; rerun on an idle machine.")
    missed = sum(not ok for *_, ok in targets)
    print(f"{len(targets) - missed} of {len(targets)} targets met; the benchmark took "
          f"{time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

