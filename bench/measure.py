"""What the benchmark measures with: timed subprocesses, series of runs, the machine and its load."""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 900  # seconds for any one subprocess (the big report takes minutes)
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")


class MeasureError(Exception):
    """Something could not be measured: the benchmark exits non-zero."""


@dataclass
class Series:
    """Wall times of repeated runs of one measurement."""

    name: str
    times: list[float] = field(default_factory=list)
    note: str = ""
    others: float | None = None  # cores kept busy by processes outside this benchmark meanwhile

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def compile_tul() -> None:
    """Byte-compile tul's own modules, as `pip install` does for an installed tul. In this
    checkout tul is installed editable, and where PYTHONDONTWRITEBYTECODE is set (this kind of
    machine sets it) every process would otherwise compile render/ from source first (0.1 s)."""
    import compileall

    if not compileall.compile_dir(str(ROOT / "render"), quiet=1):
        raise MeasureError("could not byte-compile render/ (see the message above)")


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


PEAK_CODE = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
if result.returncode:
    sys.stderr.buffer.write(result.stderr)
    sys.exit(result.returncode)
sys.stderr.buffer.write(result.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run_with_peak(cmd: list[str], what: str) -> tuple[float, float, str]:
    """Run `cmd` in a fresh wrapper; return (wall seconds, peak MB of its largest process, stderr).

    getrusage(RUSAGE_CHILDREN).ru_maxrss is the high-water mark of the largest single
    process among the command and its workers: the per-process figure, not a sum."""
    elapsed, result = run([sys.executable, "-c", PEAK_CODE, *cmd], what)
    try:
        kilobytes = int(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise MeasureError(f"{what}: unexpected wrapper output {result.stdout!r}") from exc
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KB on Linux
    return elapsed, kilobytes / scale, result.stderr


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


def _live_descendants_cpu(pid: int) -> float:
    """CPU seconds of the running descendants of `pid` (the preview's worker processes, say)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    try:
        children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                    for c in (task / "children").read_text(encoding="ascii").split()]
    except (OSError, ValueError):
        return 0.0
    for child in children:
        try:
            fields = Path(f"/proc/{child}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, ValueError, IndexError):
            continue
        total += _live_descendants_cpu(child)
    return total


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
    return time.perf_counter(), busy, ours + _live_descendants_cpu(os.getpid())


def others_since(start: tuple[float, float, float] | None) -> float | None:
    """Average number of cores that other processes kept busy since `start`."""
    end = cpu_sample()
    if start is None or end is None or end[0] <= start[0]:
        return None
    return max(0.0, (end[1] - start[1]) - (end[2] - start[2])) / (end[0] - start[0])


def repeat(name: str, n: int, once: Callable[[int], float], note: str = "") -> Series:
    """Run `once(i)` for i in 0..n-1 and keep its times (and the machine's load meanwhile)."""
    series = Series(name, note=note)
    start = cpu_sample()
    for i in range(n):
        series.times.append(once(i))
    series.others = others_since(start)
    print(f"  {name:<52} n={n}  median {series.median:7.3f} s", flush=True)
    return series


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
        ("date", time.strftime("%Y-%m-%d %H:%M")),
    ]
    print("Machine")
    for key, value in rows:
        print(f"  {key:<11} {value}")
    print()
