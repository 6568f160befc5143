"""Benchmark tul on the default report against plain WeasyPrint and headless Chromium.

Run as `.venv/bin/python bench/bench.py` (or `make bench`). Every figure is the
median of n runs (n is printed). It is a report, not a test: it exits 0 when a
target is missed, and non-zero only when something could not be measured.

Standard library only; tul, WeasyPrint and Chromium always run as subprocesses,
so each wall time includes interpreter start-up and imports, as on the command line.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = "ks-t1-2020"
CONTENT = ROOT / "content"
REPORT_DIR = CONTENT / REPORT
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
TIMEOUT = 300  # seconds for any one subprocess

RUNS = 5  # fast measurements
RUNS_JOBS = 3  # the 6-report --jobs builds are the slow ones
JOB_COPIES = 6
NOOP_ATTEMPTS = 3
OTHERS_WARN = 0.2  # cores busy outside the benchmark above which the figures are flagged
SOURCE_ROOTS = (REPORT_DIR, ROOT / "templates", ROOT / "styles", ROOT / "render")

# Targets: (label, unit, limit, higher_is_better)
TARGET_RATIO_CHROMIUM = 1.5
TARGET_NOOP_S = 1.0
TARGET_HTML_S = 0.5
TARGET_JOBS_SPEEDUP = 1.6
TARGET_PEAK_MB = 400.0


class MeasureError(Exception):
    """Something could not be measured: the benchmark exits non-zero."""


@dataclass
class Series:
    name: str
    times: list[float] = field(default_factory=list)
    note: str = ""
    others: float | None = None  # cores kept busy by processes outside this benchmark meanwhile

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def tul_command() -> list[str]:
    """The venv's `tul` script (beside this interpreter), else the checkout's .venv."""
    for candidate in (Path(sys.executable).parent / "tul", ROOT / ".venv" / "bin" / "tul"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    found = shutil.which("tul")
    if found:
        return [found]
    raise MeasureError("cannot find the `tul` command: run `make build` (it installs the venv) first")


def find_chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def run(cmd: list[str], what: str, cwd: Path = ROOT) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `cmd`, return (wall seconds, result); a failure is a MeasureError."""
    started = time.perf_counter()
    try:
        result = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MeasureError(f"{what}: timed out after {TIMEOUT} s: {' '.join(cmd)}") from exc
    except OSError as exc:
        raise MeasureError(f"{what}: could not start {cmd[0]}: {exc}") from exc
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise MeasureError(f"{what}: exit status {result.returncode}: {' '.join(cmd)}\n{tail}")
    return elapsed, result


def require_file(path: Path, what: str) -> None:
    if not path.is_file() or path.stat().st_size == 0:
        raise MeasureError(f"{what}: expected output {path} is missing or empty")


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under `folder` (hidden ones too) with its size, mtime_ns and inode."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            out[str(path.relative_to(folder))] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return out


def cpu_sample() -> tuple[float, float, float] | None:
    """(wall clock, CPU seconds busy on the whole machine, CPU seconds of this benchmark and its children)."""
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()
        user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[1:8])
    except (OSError, ValueError, IndexError):
        return None
    busy = (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")
    ours = sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))
    return time.perf_counter(), busy, ours


def others_since(start: tuple[float, float, float] | None) -> float | None:
    """Average number of cores that other processes kept busy since `start`."""
    end = cpu_sample()
    if start is None or end is None or end[0] <= start[0]:
        return None
    return max(0.0, (end[1] - start[1]) - (end[2] - start[2])) / (end[0] - start[0])


def repeat(name: str, n: int, once: Callable[[int], float], note: str = "") -> Series:
    series = Series(name, note=note)
    start = cpu_sample()
    for i in range(n):
        series.times.append(once(i))
    series.others = others_since(start)
    print(f"  {name:<46} n={n}  median {series.median:7.3f} s", flush=True)
    return series


# -- machine --------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version_of(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def chromium_version(chromium: str) -> str:
    try:
        result = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=60,
                                stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MeasureError(f"`{chromium} --version` failed: {exc}") from exc
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or not lines:
        raise MeasureError(f"`{chromium} --version` failed (exit {result.returncode}): {result.stderr.strip()}")
    return lines[-1].strip()


def print_machine(chromium: str) -> None:
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except (OSError, ValueError, IndexError):
        pass
    rows = [
        ("nproc", f"{affinity} (os.cpu_count() = {os.cpu_count()})"),
        ("CPU", cpu_model()),
        ("memory", mem or "unknown"),
        ("OS", f"{platform.system()} {platform.release()} {platform.machine()}"),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("WeasyPrint", version_of("weasyprint")),
        ("tul", version_of("tul")),
        ("Chromium", f"{chromium_version(chromium)} ({chromium})"),
    ]
    print("Machine")
    for key, value in rows:
        print(f"  {key:<11} {value}")
    print()


# -- measurements ---------------------------------------------------------------------


def bench_cold(tul: list[str], tmp: Path) -> Series:
    def once(i: int) -> float:
        out = tmp / f"cold-{i}"
        elapsed, _ = run([*tul, "build", "--force", "--out", str(out)], "tul cold build")
        require_file(out / REPORT / f"{REPORT}.pdf", "tul cold build")
        require_file(out / REPORT / "index.html", "tul cold build")
        shutil.rmtree(out, ignore_errors=True)
        return elapsed

    return repeat("1. tul cold build, PDF+HTML (--force)", RUNS, once)


def source_state() -> dict[str, tuple[int, int]]:
    """Size and mtime of every input of the default report's build: content, templates, styles, tul's code."""
    state = {}
    for root in SOURCE_ROOTS:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                st = path.stat()
                state[str(path.relative_to(ROOT))] = (st.st_size, st.st_mtime_ns)
    return state


def changed_between(before: Mapping[str, object], after: Mapping[str, object]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def build_base(tul: list[str], out: Path) -> None:
    """A finished build (not timed) for the no-op runs, and the HTML that WeasyPrint and Chromium print."""
    shutil.rmtree(out, ignore_errors=True)
    run([*tul, "build", "--force", "--out", str(out)], "base build")
    require_file(out / REPORT / "index.html", "base build")
    require_file(out / REPORT / f"{REPORT}.pdf", "base build")


def bench_noop(tul: list[str], out: Path) -> tuple[Series, list[str]]:
    """Builds `out`, then times no-op rebuilds of it; returns the times and what any run rewrote.

    A rebuild is only a fair no-op if tul's inputs stayed put: when they were edited while the
    runs went on (someone working in the checkout), the series is started again from a new build."""
    for attempt in range(1, NOOP_ATTEMPTS + 1):
        inputs = source_state()  # before the build, so that an edit during it counts too
        build_base(tul, out)
        series = Series("2. tul no-op rebuild (nothing changed)")
        start = cpu_sample()
        rewrote: list[str] = []
        edited: list[str] = []
        for i in range(RUNS):
            before = snapshot(out)
            elapsed, result = run([*tul, "build", "--out", str(out)], "tul no-op rebuild")
            after = snapshot(out)
            outputs_changed = changed_between(before, after)
            skipped = "up to date" in result.stderr + result.stdout
            if outputs_changed or not skipped:
                edited = changed_between(inputs, source_state())
                if edited:
                    break
                rewrote.extend(f"run {i + 1}: {name}" for name in outputs_changed)
                if not skipped:
                    rewrote.append(f"run {i + 1}: tul did not report 'up to date'")
            series.times.append(elapsed)
        if not edited:
            series.others = others_since(start)
            print(f"  {series.name:<46} n={RUNS}  median {series.median:7.3f} s", flush=True)
            return series, rewrote
        print(f"  (no-op attempt {attempt}: tul's inputs were edited meanwhile ({', '.join(edited[:4])}"
              f"{', ...' if len(edited) > 4 else ''}); starting again)", flush=True)
    raise MeasureError(f"no-op rebuild: tul's inputs kept changing during {NOOP_ATTEMPTS} attempts "
                       "(someone is editing the checkout); run the benchmark again on a quiet tree")


def bench_html(tul: list[str], tmp: Path) -> Series:
    def once(i: int) -> float:
        out = tmp / f"html-{i}"
        elapsed, _ = run([*tul, "build", "--format", "html", "--force", "--out", str(out)], "tul HTML-only build")
        require_file(out / REPORT / "index.html", "tul HTML-only build")
        if (out / REPORT / f"{REPORT}.pdf").exists():
            raise MeasureError("tul HTML-only build wrote a PDF")
        shutil.rmtree(out, ignore_errors=True)
        return elapsed

    return repeat("3. tul HTML only (--format html --force)", RUNS, once)


WEASYPRINT_CODE = (
    "import sys, weasyprint; "
    "weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf(sys.argv[3])"
)


def bench_weasyprint(html: Path, tmp: Path) -> Series:
    # base_url is the report's content folder, as tul resolves relative URLs (the HTML is self-contained anyway).
    base_url = REPORT_DIR.resolve().as_uri() + "/"

    def once(i: int) -> float:
        pdf = tmp / f"weasyprint-{i}.pdf"
        elapsed, _ = run([sys.executable, "-c", WEASYPRINT_CODE, str(html), base_url, str(pdf)], "plain WeasyPrint")
        require_file(pdf, "plain WeasyPrint")
        pdf.unlink()
        return elapsed

    return repeat("4. plain WeasyPrint on index.html (python -c)", RUNS, once,
                  note="plain PDF, no tags; includes interpreter start and import")


def bench_chromium(chromium: str, html: Path, tmp: Path) -> Series:
    def once(i: int) -> float:
        pdf = tmp / f"chromium-{i}.pdf"
        profile = tmp / f"chromium-profile-{i}"  # a fresh profile each run, like a one-shot CLI call
        cmd = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
            "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri(),
        ]
        elapsed, _ = run(cmd, "headless Chromium")
        require_file(pdf, "headless Chromium")
        pdf.unlink()
        shutil.rmtree(profile, ignore_errors=True)
        return elapsed

    return repeat("5. headless Chromium --print-to-pdf", RUNS, once, note="fresh --user-data-dir per run")


def bench_jobs(tul: list[str], tmp: Path) -> tuple[Series, Series]:
    content = tmp / "jobs-content"
    for k in range(1, JOB_COPIES + 1):
        shutil.copytree(REPORT_DIR, content / f"{REPORT}-copy{k}")
    slugs = [f"{REPORT}-copy{k}" for k in range(1, JOB_COPIES + 1)]
    serial = Series(f"7. {JOB_COPIES} reports, --jobs 1 (--force)")
    parallel = Series(f"7. {JOB_COPIES} reports, --jobs 2 (--force)")
    # Interleaved (1, 2, 1, 2, ...) so that drift in the machine's speed hits both alike.
    start = cpu_sample()
    for i in range(RUNS_JOBS):
        for jobs, series in ((1, serial), (2, parallel)):
            out = tmp / f"jobs{jobs}-{i}"
            cmd = [*tul, "build", "--content", str(content), "--out", str(out), "--force", "--jobs", str(jobs)]
            elapsed, _ = run(cmd, f"tul build --jobs {jobs}")
            for slug in slugs:
                require_file(out / slug / f"{slug}.pdf", f"tul build --jobs {jobs}")
            shutil.rmtree(out, ignore_errors=True)
            series.times.append(elapsed)
    serial.others = parallel.others = others_since(start)
    for series in (serial, parallel):
        print(f"  {series.name:<46} n={RUNS_JOBS}  median {series.median:7.3f} s", flush=True)
    shutil.rmtree(content, ignore_errors=True)
    return serial, parallel


PEAK_CODE = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if result.returncode:
    sys.stderr.buffer.write(result.stderr)
    sys.exit(result.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def bench_peak_memory(tul: list[str], tmp: Path) -> float:
    """Peak RSS (MB) of one cold build, via getrusage(RUSAGE_CHILDREN) in a fresh wrapper process,
    so no other child of this benchmark (Chromium, say) can raise the high-water mark."""
    out = tmp / "peak"
    _, result = run([sys.executable, "-c", PEAK_CODE, *tul, "build", "--force", "--out", str(out)],
                    "peak memory of a cold build")
    require_file(out / REPORT / f"{REPORT}.pdf", "peak memory of a cold build")
    shutil.rmtree(out, ignore_errors=True)
    try:
        kilobytes = int(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise MeasureError(f"peak memory: unexpected wrapper output {result.stdout!r}") from exc
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KB on Linux
    mb = kilobytes / scale
    print(f"  {'8. peak RSS of one cold build':<46} n=1  {mb:7.1f} MB", flush=True)
    return mb


# -- report ---------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_tables(rows: list[Series], peak_mb: float, targets: list[tuple[str, str, str, bool]]) -> None:
    print()
    print("Results (wall time, seconds; median of n runs)")
    header = f"  {'measurement':<46} {'n':>2} {'median':>8} {'min':>8} {'max':>8} {'others':>6}  note"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for s in rows:
        others = "?" if s.others is None else f"{s.others:.2f}"
        print(f"  {s.name:<46} {len(s.times):>2} {s.median:>8.3f} {min(s.times):>8.3f} {max(s.times):>8.3f} "
              f"{others:>6}  {s.note}")
    print(f"  {'8. peak RSS of one cold build (MB)':<46} {1:>2} {peak_mb:>8.1f} {'':>8} {'':>8} {'':>6}  "
          "getrusage(RUSAGE_CHILDREN).ru_maxrss")
    print("  others: average number of cores kept busy by processes outside the benchmark during that series")
    print()
    print("Targets")
    header = f"  {'target':<46} {'value':>12} {'goal':>10}  result"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for name, value, goal, ok in targets:
        print(f"  {name:<46} {value:>12} {goal:>10}  {verdict(ok)}")


def main() -> int:
    started = time.perf_counter()
    chromium = find_chromium()
    if chromium is None:
        print("bench: error: headless Chromium not found (looked for /usr/bin/chromium and chromium on PATH).\n"
              "       `make bench` installs it (make system-deps: apt-get install chromium).", file=sys.stderr)
        return 2
    if not (REPORT_DIR / "report.yaml").is_file():
        print(f"bench: error: default report not found at {REPORT_DIR}", file=sys.stderr)
        return 2
    try:
        tul = tul_command()
        print(f"tul benchmark: default report {REPORT} ({REPORT_DIR.relative_to(ROOT)})")
        print()
        print_machine(chromium)
        with tempfile.TemporaryDirectory(prefix="tul-bench-") as tmp_name:
            tmp = Path(tmp_name)
            print("Measuring", flush=True)
            inputs_at_start = source_state()
            # Warm-up build (not timed): compiles .pyc and fills the page cache.
            warm = tmp / "warm-up"
            run([*tul, "build", "--force", "--out", str(warm)], "warm-up build")
            shutil.rmtree(warm, ignore_errors=True)

            cold = bench_cold(tul, tmp)
            base = tmp / "base"
            noop, changed = bench_noop(tul, base)  # leaves a finished build in `base`
            html = base / REPORT / "index.html"
            html_only = bench_html(tul, tmp)
            weasy = bench_weasyprint(html, tmp)
            chrome = bench_chromium(chromium, html, tmp)
            serial, parallel = bench_jobs(tul, tmp)
            peak_mb = bench_peak_memory(tul, tmp)
            edited_during = changed_between(inputs_at_start, source_state())
    except MeasureError as exc:
        print(f"\nbench: error: could not measure: {exc}", file=sys.stderr)
        return 1

    noop.note = "rewrote nothing" if not changed else f"REWROTE {len(changed)} file(s)"
    ratio_chromium = cold.median / chrome.median
    ratio_weasy = cold.median / weasy.median
    speedup = serial.median / parallel.median
    rows = [cold, noop, html_only, weasy, chrome, serial, parallel]
    targets = [
        ("6. tul cold / Chromium", f"{ratio_chromium:.2f}x", f"<= {TARGET_RATIO_CHROMIUM}x",
         ratio_chromium <= TARGET_RATIO_CHROMIUM),
        ("6. tul no-op rebuild", f"{noop.median:.3f} s", f"<= {TARGET_NOOP_S:g} s", noop.median <= TARGET_NOOP_S),
        ("2. no-op rewrote nothing (mtimes unchanged)", f"{len(changed)} changed", "0", not changed),
        ("6. tul HTML only", f"{html_only.median:.3f} s", f"<= {TARGET_HTML_S:g} s",
         html_only.median <= TARGET_HTML_S),
        ("7. --jobs 2 speed-up (jobs 1 / jobs 2)", f"{speedup:.2f}x", f">= {TARGET_JOBS_SPEEDUP}x",
         speedup >= TARGET_JOBS_SPEEDUP),
        ("8. peak RSS of one cold build", f"{peak_mb:.0f} MB", f"<= {TARGET_PEAK_MB:g} MB", peak_mb <= TARGET_PEAK_MB),
    ]
    print_tables(rows, peak_mb, targets)
    print()
    print(f"For reference: tul cold / plain WeasyPrint = {ratio_weasy:.2f}x "
          "(tul also loads and checks the YAML, renders the HTML and writes a tagged PDF/UA-1).")
    for line in changed:
        print(f"  no-op rebuild changed: {line}")
    busiest = max((s.others for s in rows if s.others is not None), default=0.0)
    if busiest > OTHERS_WARN:
        print(f"WARNING: other processes kept up to {busiest:.2f} of the {os.cpu_count()} cores busy during a series "
              "(see 'others'): those times are pessimistic, the --jobs speed-up above all; rerun on an idle machine.")
    if edited_during:
        print(f"WARNING: {len(edited_during)} of tul's input files changed while the benchmark ran "
              f"({', '.join(edited_during[:5])}{', ...' if len(edited_during) > 5 else ''}): "
              "the figures may mix versions of the code.")
    missed = sum(not ok for *_, ok in targets)
    print(f"{len(targets) - missed} of {len(targets)} targets met; benchmark took {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
