"""A seeded mutation fuzzer over the real default content (issue #14, item 6).

Each case copies content/ks-t1-2020, applies a few mutations chosen by a seeded
random generator (hostile values, broken YAML, odd bytes, aliases, Markdown links,
includes and files that are links, folders or pipes), and runs what `tul check`,
`tul build --format html`, `tul export` and `tul new` run: load, check, and for a
report that passes, HTML, export tables and the next period's files.

A case passes when it ends in a report or in located problems (ContentError). Any
other exception is a traceback; a case that does not finish within the per-case
timeout is a hang (its worker process is killed and replaced). The timeout only
tells a hang from a slow case: it is no measure of speed.

    python tests/fuzz.py --cases 10000          # what `make fuzz` runs
    python tests/fuzz.py --seed 1234 --keep DIR  # one case, its files kept in DIR
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "content" / "ks-t1-2020"
CASE_TIMEOUT = 60.0  # seconds; a normal case takes well under one

HOSTILE_VALUES = [
    ".inf", "-.inf", ".nan", "1.0e400", "1.0e-400", "9" * 4301, "-" + "9" * 5000, "12345678901234567.5", "1e400",
    "09", "0x1F", "0o17", "1_000", "+.5", "-0", "−140,8", "3,3", "1 080,5", "3.300,5", "Infinity", "NaN",
    "!!int abc", "!!int 09", "!!float x", "!!bool maybe", "!!timestamp x", "!!str", "!!binary aGVq", "!foo 1",
    "!!python/object/apply:os.system [ls]", "!!python/name:os.system", "!!set {a: null}", "!!omap [a: 1]",
    "2020-02-30", "2020-13-45", "0000-01-01", "9999-12-31", "2020-1-1", "2020-01-01T10:00:00",
    "true", "false", "yes", "no", "null", "~", "''", '""', "[]", "{}", "[[[]]]", "{a: {b: {c: }}}",
    "'unterminated", '"unterminated', "[unclosed", "{unclosed", "]", "}", ":", "- -", "? x", "&a x", "*a", "*nope",
    "|", ">", "|-", "|+", "&a [*a]", "&b {k: *b}", "x\ty", "\t", "a: b: c", "#", "%YAML 1.1", "---", "...",
    "uppfylls_helt", "uppfyls_helt", "bedoms_inte", "maybe", "sv", "en", "xx",
    "x" * 300 + ".yaml", "../../../../etc/passwd", "/etc/passwd", "../ekonomi.yaml", "ekonomi.yaml",
    "report.yaml", "1-modern-storstad.yaml", "logo.svg", "../logo.svg", "\"a\\0b.yaml\"", "\"\\0\"",
]
HOSTILE_TEXT = [
    "[r](../../../../etc/passwd)", "[r](file:///etc/passwd)", "[r](javascript:alert(1))", "[r](vbscript:x)",
    "[r](data:text/html;base64,PHNjcmlwdD4=)", "<javascript:alert(1)>", "<file:///etc/passwd>", "![i](x.png)",
    "[r][u]\n\n[u]: ../x", "<script>alert(1)</script>", "<b>fet</b>", "# Rubrik", "```\nkod\n```", ">" * 200 + " x",
    "*" * 2000, "[" * 2000, "_" * 2000, "\u2028", "\u2029", "\u0085", "\ufeff", "\u202e", "\u0000", "\u001b[31m",
    "e\u0301" * 50, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "{{ 7*7 }}", "{% raw %}", "{forvaltning.__class__}", "%s%s%n", "\\", "'", '"',
    "x" * 100_000,
]
BYTES = [b"\xff", b"\xfe\xff", b"\xe4", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\x85", b"\xe2\x80\xa8", b"\r", b"\r\n"]


@dataclass
class Case:
    """One mutated report: its files (text or bytes) and file-system oddities."""

    seed: int
    files: dict[str, str | bytes]
    links: dict[str, str] = field(default_factory=dict)  # name -> symlink target
    special: dict[str, str] = field(default_factory=dict)  # name -> 'fifo' | 'dir'
    mutations: list[str] = field(default_factory=list)


def _source() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SOURCE.glob("*.yaml"))}


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _scalar_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if ": " in line and not line.strip().startswith("#")]


def mutate(seed: int, source: dict[str, str]) -> Case:
    """The case for `seed`: 1 to 4 mutations of the default report's files."""
    rng = random.Random(seed)
    files: dict[str, str | bytes] = dict(source)
    case = Case(seed, files)
    for _ in range(rng.randint(1, 4)):
        name = rng.choice(["report.yaml", "report.yaml", *sorted(source)])
        text = files.get(name)
        if not isinstance(text, str):  # removed, or already bytes
            continue
        op = rng.choice(["value", "value", "value", "insert", "text", "delete", "duplicate", "swap", "indent",
                         "bytes", "truncate", "include", "alias", "key", "file"])
        lines = _lines(text)
        scalars = _scalar_lines(lines)
        if op == "value" and scalars:
            i = rng.choice(scalars)
            key = lines[i].split(": ", 1)[0]
            lines[i] = f"{key}: {rng.choice(HOSTILE_VALUES)}"
        elif op == "insert":
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(HOSTILE_VALUES + HOSTILE_TEXT) + text[at:]
            lines = _lines(text)
        elif op == "text" and scalars:
            i = rng.choice(scalars)
            at = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:at] + rng.choice(HOSTILE_TEXT).replace("\n", " ") + lines[i][at:]
        elif op == "delete" and text:
            at = rng.randrange(len(text))
            text = text[:at] + text[at + rng.randint(1, 60):]
            lines = _lines(text)
        elif op == "duplicate":
            i = rng.randrange(len(lines))
            lines[i:i] = lines[i:i + rng.randint(1, 8)] * rng.choice([1, 2, 50])
        elif op == "swap" and len(lines) > 2:
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            i = rng.randrange(len(lines))
            lines[i] = rng.choice(["\t", " ", "   ", "", "\u2028"]) + lines[i][rng.choice([0, 0, 1, 2, 4]):]
        elif op == "bytes":
            raw = text.encode("utf-8")
            at = rng.randrange(len(raw) + 1)
            files[name] = raw[:at] + rng.choice(BYTES) + raw[at:]
            case.mutations.append(f"{name}: bytes")
            continue
        elif op == "truncate":
            text = text[: rng.randrange(len(text) + 1)]
            lines = _lines(text)
        elif op == "include" and isinstance(files.get("report.yaml"), str):
            lines = _include_mutation(rng, _lines(str(files["report.yaml"])), case)
            name = "report.yaml"
        elif op == "alias" and len(scalars) >= 2:
            i, j = sorted(rng.sample(scalars, 2))
            key_i, value_i = lines[i].split(": ", 1)
            lines[i] = f"{key_i}: &x{seed} {value_i}"
            lines[j] = lines[j].split(": ", 1)[0] + f": *x{seed}"
            if rng.random() < 0.2:  # a bomb at the top of the file
                bomb = [f"bomb{seed}:", "  a0: &a0 [x, x, x, x, x, x, x, x, x]"]
                bomb += [f"  a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, 10)]
                lines[0:0] = bomb
        elif op == "key" and scalars:
            i = rng.choice(scalars)
            key, value = lines[i].split(": ", 1)
            word = key.strip().lstrip("- ")
            new = rng.choice([word[:-1], word + "s", word.upper(), "<<", "? " + word, "'" + word, "3", word + "\t"])
            lines[i] = key.replace(word, new, 1) + ": " + value
        elif op == "file":
            case.mutations.append(_file_mutation(rng, case, sorted(source)))
            continue
        files[name] = "\n".join(lines)
        case.mutations.append(f"{name}: {op}")
    return case


def _include_mutation(rng: random.Random, lines: list[str], case: Case) -> list[str]:
    at = next((i for i, line in enumerate(lines) if line.startswith("  - ") and line.endswith(".yaml")), len(lines))
    entry = rng.choice(["  - 1-modern-storstad.yaml", '  - "a\\0b.yaml"', "  - " + "y" * 300 + ".yaml",
                        "  - ../../../../etc/passwd", "  - /etc/hosts", "  - report.yaml", "  - ./ovrigt.yaml",
                        "  - sub/../ovrigt.yaml", "  - missing.yaml", "  - {title: Inline}", "  - 3"])
    lines[at:at] = [entry] * rng.choice([1, 2, 1000])
    return lines


def _file_mutation(rng: random.Random, case: Case, names: list[str]) -> str:
    name = rng.choice([*names, "logo.svg"])
    kind = rng.choice(["link-out", "link-dir", "link-loop", "fifo", "dir", "missing"])
    if kind == "link-out":
        case.links[name] = "/etc/passwd"
    elif kind == "link-dir":
        case.links[name] = "/"
    elif kind == "link-loop":
        case.links[name] = name
    elif kind in ("fifo", "dir"):
        case.special[name] = kind
    else:
        case.files.pop(name, None)
    if name == "logo.svg" and isinstance(case.files.get("report.yaml"), str):
        case.files["report.yaml"] = str(case.files["report.yaml"]) + "\ntheme:\n  logo: logo.svg\n"
    return f"{name}: {kind}"


def write_case(case: Case, folder: Path) -> None:
    """The case's report folder, from scratch."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, data in case.files.items():
        if name in case.links or name in case.special:
            continue
        if isinstance(data, bytes):
            (folder / name).write_bytes(data)
        else:
            (folder / name).write_text(data, encoding="utf-8", errors="surrogatepass")
    for name, target in case.links.items():
        (folder / name).unlink(missing_ok=True)
        (folder / name).symlink_to(target)
    for name, kind in case.special.items():
        if os.path.lexists(folder / name):
            continue  # already made a link by an earlier mutation
        if kind == "fifo":
            os.mkfifo(folder / name)
        else:
            (folder / name).mkdir()


def run_case(case: Case, workdir: Path) -> tuple[str, str]:
    """('accepted' | 'refused' | 'traceback' | 'bad message', detail) for one case (written by `write_case`
    unless it is there already)."""
    from render.build import default_assets, validate_report
    from render.errors import ContentError, ReportError
    from render.export import export_tables
    from render.html import render_html
    from render.roundtrip import successor_files
    from render.status import report_status
    from render.successor import plan_step

    folder = workdir / "content" / "ks-t1-2020"
    if not folder.exists():
        write_case(case, folder)
    try:
        try:
            derived, _ = validate_report(folder)
        except ContentError as exc:
            bad = [str(p) for p in exc.problems if not p.file or "\n" in str(p) or p.line < 0 or not p.message]
            return ("bad message", bad[0]) if bad or not exc.problems else ("refused", str(exc.problems[0]))
        loaded = derived.loaded
        render_html(derived, default_assets())
        export_tables(derived)
        report_status(loaded)
        try:
            successor_files(loaded, plan_step(loaded.report))
        except ReportError:  # a file tul new cannot keep the layout of is a plain refusal
            return "accepted", ""
        return "accepted", ""
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return "traceback", f"{type(exc).__name__}: {str(exc)[:200]} at {Path(frame.filename).name}:{frame.lineno}"


def _worker(conn: Connection, workdir: str) -> None:
    source = _source()
    while True:
        seed = conn.recv()
        if seed is None:
            return
        try:
            case = mutate(seed, source)
            write_case(case, Path(workdir) / "content" / "ks-t1-2020")
        except Exception as exc:  # a bug of the fuzzer, not of tul: reported apart
            conn.send((seed, "fuzzer error", f"{type(exc).__name__}: {exc}"))
            continue
        conn.send((seed, *run_case(case, Path(workdir))))


@dataclass
class _Slot:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    workdir: str
    seed: int | None = None
    started: float = 0.0


def fuzz(seeds: list[int], jobs: int, timeout: float = CASE_TIMEOUT,
         progress: bool = False) -> tuple[Counter[str], list[tuple[int, str, str]]]:
    """Run every seed; the counts per outcome and the failing cases (seed, outcome, detail)."""
    context = multiprocessing.get_context("fork")
    counts: Counter[str] = Counter()
    failures: list[tuple[int, str, str]] = []
    pending = list(reversed(seeds))
    root = tempfile.mkdtemp(prefix="tul-fuzz-")

    def start(index: int) -> _Slot:
        workdir = os.path.join(root, f"w{index}-{time.monotonic_ns()}")
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(child, workdir), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent, workdir)

    slots = [start(i) for i in range(max(1, min(jobs, len(seeds))))]
    try:
        while pending or any(slot.seed is not None for slot in slots):
            for slot in slots:
                if slot.seed is None and pending:
                    slot.seed, slot.started = pending.pop(), time.monotonic()
                    slot.conn.send(slot.seed)
            busy = [slot for slot in slots if slot.seed is not None]
            ready = wait([slot.conn for slot in busy], timeout=1.0)
            now = time.monotonic()
            for index, slot in enumerate(slots):
                if slot.seed is None:
                    continue
                if slot.conn in ready:
                    try:
                        seed, outcome, detail = slot.conn.recv()
                    except EOFError:  # the worker died: a crash of the interpreter itself
                        seed, outcome, detail = slot.seed, "traceback", "worker process died"
                        slots[index] = start(index)
                    slot.seed = None
                elif now - slot.started > timeout:
                    seed, outcome, detail = slot.seed, "hang", f"no result after {timeout:.0f} s"
                    slot.process.kill()
                    slot.process.join()
                    slots[index] = start(index)
                else:
                    continue
                counts[outcome] += 1
                if outcome not in ("accepted", "refused"):
                    failures.append((seed, outcome, detail))
                done = sum(counts.values())
                if progress and done % 500 == 0:
                    print(f"  {done} of {len(seeds)} cases", file=sys.stderr, flush=True)
    finally:
        for slot in slots:
            if slot.process.is_alive():
                try:
                    slot.conn.send(None)
                except OSError:
                    pass
                slot.process.join(timeout=5)
                if slot.process.is_alive():
                    slot.process.kill()
        shutil.rmtree(root, ignore_errors=True)
    return counts, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--start", type=int, default=0, help="first seed")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=None, help="run this one case")
    parser.add_argument("--keep", type=Path, default=None, help="with --seed: write the case's report here")
    args = parser.parse_args(argv)
    if args.seed is not None:
        case = mutate(args.seed, _source())
        workdir = Path(args.keep or tempfile.mkdtemp(prefix="tul-fuzz-case-"))
        write_case(case, workdir / "content" / "ks-t1-2020")
        outcome, detail = run_case(case, workdir)
        print(f"seed {args.seed}: {', '.join(case.mutations)}\n{outcome}: {detail}\nfiles in {workdir}")
        return 0 if outcome in ("accepted", "refused") else 1
    started = time.monotonic()
    seeds = list(range(args.start, args.start + args.cases))
    counts, failures = fuzz(seeds, args.jobs, progress=True)
    for seed, outcome, detail in sorted(failures):
        print(f"seed {seed}: {outcome}: {detail}")
    print(f"{sum(counts.values())} mutated reports in {time.monotonic() - started:.0f} s: "
          f"{counts['accepted']} accepted, {counts['refused']} refused with located errors, "
          f"{counts['traceback']} tracebacks, {counts['hang']} hangs, {counts['bad message']} malformed messages"
          + (f", {counts['fuzzer error']} fuzzer errors" if counts["fuzzer error"] else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
