"""The reports a report names, read once: the reports it consolidates and its predecessors.

Resolves a consolidated report's folder names and globs, and a report's predecessors,
inside its own content folder and never outside it; reads each named report once:
from a previous build's data (build/<slug>/report-data.json) when its content and tul
are unchanged, else from its content, in parallel processes; and turns a derived
report into the Contribution the others read. Build fingerprints use the same list of
folders, so a change in one nämnd rebuilds the reports that read it and nothing else.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

from render import __version__
from render.contribution import (
    Contribution,
    GoalEntry,
    IndicatorEntry,
    Related,
    Where,
    budget_entry,
    contribution_from_json,
    contribution_json,
)
from render.derive import Derived, derive_report
from render.errors import ContentError, Problem, ReportError
from render.load import LoadedReport, load_report, load_yaml_file
from render.model import NumberedGoal
from render.paths import REPORT_FILE, Refused, is_plain_name, read_inside, resolve_inside
from render.positions import Positions

DATA_FILE = "report-data.json"
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Sources:
    """Where earlier builds' report data may be read instead of the content."""

    dirs: tuple[Path, ...] = ()  # output folders of earlier builds: <dir>/<slug>/report-data.json
    required: bool = False  # every named report must come from `dirs` (a CI job after the shards)
    jobs: int | None = None  # processes reading content; default: the number of cores


# -- which folders ---------------------------------------------------------------------

@dataclass
class _Plan:
    """The folders a report names, and what was wrong with the names (model path, message)."""

    contributing: dict[Path, int] = field(default_factory=dict)  # folder -> its entry in consolidates.reports
    predecessors: dict[Path, int] = field(default_factory=dict)  # folder -> the entry in predecessors it came from
    problems: list[tuple[tuple[Any, ...], str]] = field(default_factory=list)


def _outside(content_dir: Path, folder: Path) -> str | None:
    """Why a report folder named in this content folder may not be read, or None (render.paths' rule)."""
    try:
        resolve_inside(content_dir, folder.name)
    except Refused as exc:
        if exc.kind == "outside":
            return f"'{folder.name}' links outside the content folder, expected a report folder inside it"
        return exc.reason
    return None


def _report_folders(content_dir: Path, exclude: Path) -> list[Path]:
    try:
        children = sorted(content_dir.iterdir())
    except OSError:
        return []
    return [d for d in children if d.is_dir() and not d.name.startswith(".") and d.resolve() != exclude.resolve()
            and (d / REPORT_FILE).is_file()]


def _plan(folder: Path, patterns: list[Any], predecessors: list[Any], as_of: dt.date | None) -> _Plan:
    """Resolve names and globs in `folder`'s content folder (its parent), predecessors transitively within a year."""
    plan = _Plan()
    content_dir = folder.parent
    candidates = _report_folders(content_dir, folder)
    for index, pattern in enumerate(patterns):
        path: tuple[Any, ...] = ("consolidates", "reports", index)
        if not isinstance(pattern, str):
            continue  # the schema reports it
        if not is_plain_name(pattern) or pattern.startswith("."):
            plan.problems.append((path, f"'{pattern}' is not a report folder of this content folder: a consolidated "
                                        "report reads only reports next to it, expected a folder name or a glob such "
                                        "as 'sdn-*'"))
            continue
        found = [d for d in candidates if fnmatchcase(d.name, pattern)]
        if not found:
            close = difflib.get_close_matches(pattern, [d.name for d in candidates], n=1, cutoff=0.6)
            plan.problems.append((path, f"no report folder next to this one matches '{pattern}'" + (
                f", did you mean '{close[0]}'?" if close else ", expected a folder name or a glob such as 'sdn-*'")))
        for match in found:
            refused = _outside(content_dir, match)
            if refused is not None:
                plan.problems.append((path, refused))
                continue
            plan.contributing.setdefault(match, index)
    names = [d.name for d in candidates]
    queue: list[tuple[Path, int, bool]] = []
    for index, name in enumerate(predecessors):
        if not isinstance(name, str):
            continue
        path = ("predecessors", index)
        target = content_dir / name
        if name == folder.name:
            plan.problems.append((path, f"'{name}' is this report, expected an earlier report"))
        elif name not in names:
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            plan.problems.append((path, f"no report folder '{name}' next to this one" + (
                f", did you mean '{close[0]}'?" if close else ", expected the folder name of an earlier report")))
        elif (refused := _outside(content_dir, target)) is not None:
            plan.problems.append((path, refused))
        else:
            queue.append((target, index, True))
    # Their predecessors too, back to the same period a year earlier: T1, T2 and last year's VB.
    since = _year_before(as_of) if as_of else None
    seen = {folder.resolve()}
    while queue:
        target, index, direct = queue.pop(0)
        if target.resolve() in seen:
            continue
        light = _light(target)
        if not direct and (since is None or light.as_of is None or light.as_of < since):
            continue
        seen.add(target.resolve())
        plan.predecessors.setdefault(target, index)
        for name in light.predecessors:
            if not isinstance(name, str) or not is_plain_name(name):
                continue  # its own report says so when it is checked
            nested = content_dir / name
            if (nested / REPORT_FILE).is_file() and _outside(content_dir, nested) is None:
                queue.append((nested, index, False))
    return plan


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass
class _Light:
    """The few keys of a report.yaml that name other reports, read without validating it."""

    patterns: list[Any] = field(default_factory=list)
    predecessors: list[Any] = field(default_factory=list)
    as_of: dt.date | None = None


def _light(folder: Path) -> _Light:
    path = folder / REPORT_FILE
    if not path.is_file():
        return _Light()
    data = load_yaml_file(path, (), Positions(), [])
    if not isinstance(data, dict):
        return _Light()
    consolidates = data.get("consolidates")
    patterns = consolidates.get("reports") if isinstance(consolidates, dict) else None
    predecessors = data.get("predecessors")
    as_of = data.get("as_of")
    return _Light(patterns if isinstance(patterns, list) else [],
                  predecessors if isinstance(predecessors, list) else [],
                  as_of if isinstance(as_of, dt.date) else None)


def consolidates_others(folder: Path) -> bool:
    """True for a consolidated report (its report.yaml names reports to consolidate)."""
    try:
        raw = (folder / REPORT_FILE).read_bytes()
    except OSError:
        return False
    return b"consolidates" in raw and bool(_light(folder).patterns)


def related_folders(folder: Path) -> list[Path]:
    """Every report folder whose content `folder`'s output depends on (for build fingerprints)."""
    try:
        raw = (folder / REPORT_FILE).read_bytes()
    except OSError:
        return []
    if b"predecessors" not in raw and b"consolidates" not in raw:
        return []  # most reports: no YAML to parse on a no-op build
    light = _light(folder)
    if not light.patterns and not light.predecessors:
        return []
    plan = _plan(folder, light.patterns, light.predecessors, light.as_of)
    return sorted({*plan.contributing, *plan.predecessors})


# -- reading them ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(_PACKAGE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def report_digest(folder: Path) -> str:
    """A hash of a report's content and tul's code: what its contribution is derived from.

    Files are read under render.paths' rule: one that links outside the folder, or is not a
    regular file, is hashed by its name and the reason it is refused, never by its bytes."""
    digest = hashlib.sha256(_code_digest())
    for path in sorted(p for p in folder.rglob("*") if not p.is_dir()):
        if "__pycache__" in path.parts or path.name.startswith("."):
            continue
        name = str(path.relative_to(folder))
        try:
            data = read_inside(folder, name)
        except Refused as exc:
            data = b"\0refused:" + exc.reason.encode()
        digest.update(name.encode() + b"\0" + data)
    return digest.hexdigest()


@dataclass
class _Read:
    contribution: Contribution | None
    problems: list[Problem] = field(default_factory=list)
    reused: bool = False
    missing: str = ""  # why no current build data was found (when it was required)


def read_related(loaded: LoadedReport, sources: Sources | None = None) -> Related:
    """Read every report `loaded` names, once; problems located in its content or theirs."""
    report = loaded.report
    related = Related()
    if report.consolidates is None and not report.predecessors:
        return related
    sources = sources or Sources()
    plan = _plan(loaded.folder, report.consolidates.reports if report.consolidates else [], report.predecessors,
                 report.as_of)

    def at(path: tuple[Any, ...], severity: str, message: str) -> None:
        where = loaded.positions.locate(path)
        related.problems.append(Problem(where.file, where.line, where.col, severity, message))  # type: ignore[arg-type]

    for path, message in plan.problems:
        at(path, "error", message)
    reads = _read_all(list(dict.fromkeys([*plan.contributing, *plan.predecessors])), sources)
    related.named = [folder.name for folder in plan.contributing]
    for folder, index in plan.contributing.items():
        read = reads[folder]
        path = ("consolidates", "reports", index)
        if read.contribution is None:
            related.problems.extend(read.problems)
            at(path, "error", read.missing or f"'{folder.name}' has errors (listed above), so it cannot be consolidated; "
                                              f"expected a report that passes tul check {folder.name}")
            continue
        related.contributions.append((index, read.contribution))
    predecessors = []
    for folder, index in plan.predecessors.items():
        read = reads[folder]
        if read.contribution is None:
            at(("predecessors", index), "error" if read.missing else "warning",
               read.missing or f"'{folder.name}' has errors, so its outcomes are not shown; expected a report that "
                               f"passes tul check {folder.name}")
            continue
        predecessors.append(read.contribution)
    related.predecessors = sorted(predecessors, key=lambda c: c.as_of)
    related.reused = sum(1 for r in reads.values() if r.reused)
    related.read = sum(1 for r in reads.values() if not r.reused and not r.missing)
    return related


def _read_all(folders: list[Path], sources: Sources) -> dict[Path, _Read]:
    reads: dict[Path, _Read] = {}
    todo: list[tuple[Path, str]] = []
    for folder in folders:
        digest = report_digest(folder)
        previous, why = _previous(folder.name, digest, sources.dirs)
        if previous is not None:
            reads[folder] = _Read(previous, reused=True)
        elif sources.required:
            reads[folder] = _Read(None, missing=why)
        else:
            todo.append((folder, digest))
    jobs = min(sources.jobs or os.cpu_count() or 1, len(todo))
    if jobs > 1:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
            results = list(pool.map(_read_content, todo, chunksize=max(1, len(todo) // (4 * jobs))))
    else:
        results = [_read_content(item) for item in todo]
    for (folder, _), read in zip(todo, results, strict=True):
        reads[folder] = read
    return reads


def _previous(slug: str, digest: str, dirs: tuple[Path, ...]) -> tuple[Contribution | None, str]:
    """A previous build's contribution of `slug` with the current content, or why there is none."""
    stale = []
    for folder in dirs:
        path = folder / slug / DATA_FILE
        try:
            data = path.read_bytes()
        except OSError:
            continue
        contribution = contribution_from_json(data)
        if contribution is not None and contribution.slug == slug and contribution.digest == digest:
            return contribution, ""
        stale.append(str(path))
    where = ", ".join(str(d) for d in dirs) or "no folder"
    if stale:
        return None, (f"{', '.join(stale)} was built from other content (or another tul) than '{slug}' has now; "
                      f"expected a build of the current content: rebuild it (tul build {slug}) and pass its output "
                      "with --from-build")
    return None, (f"no build of '{slug}' in {where}: expected {slug}/{DATA_FILE} there; build it first "
                  f"(tul build {slug}) and pass its output folder with --from-build")


def _read_content(item: tuple[Path, str]) -> _Read:
    """Load and derive one report for what it gives others (in a worker process)."""
    folder, digest = item
    try:
        loaded = load_report(folder)
    except ContentError as exc:
        return _Read(None, exc.problems)
    except ReportError as exc:  # refused as a whole (render.paths): said at its report.yaml
        return _Read(None, [Problem(str(folder / REPORT_FILE), 0, 0, "error", exc.format_message())])
    derived = derive_report(loaded)
    errors = [p for p in derived.problems if p.severity == "error"]
    if errors:
        return _Read(None, errors)
    return _Read(contribution_of(derived, digest))


# -- what a derived report gives -------------------------------------------------------

def report_data(derived: Derived) -> bytes:
    """The report's contribution as JSON, for build/<slug>/report-data.json."""
    return contribution_json(contribution_of(derived, report_digest(derived.loaded.folder)))


def contribution_of(derived: Derived, digest: str) -> Contribution:
    """What a derived report gives the reports that build on it."""
    loaded = derived.loaded
    report = loaded.report
    positions = loaded.positions

    def where(path: tuple[Any, ...]) -> Where:
        pos = positions.locate(path)
        return Where(pos.file, pos.line, pos.col)

    def goal(item: NumberedGoal, level: str, parent: str | None, path: tuple[Any, ...]) -> GoalEntry:
        return GoalEntry(level, item.id, item.number, item.title, item.anchor,  # type: ignore[arg-type]
                         item.assessment.value if item.assessment else None, parent,
                         where((*path, "id") if item.id else (*path, "title")),
                         item.analysis if level != "board" else None)

    goals = []
    for d, direction in enumerate(report.goals):
        dpath: tuple[Any, ...] = ("goals", d)
        goals.append(goal(direction, "direction", None, dpath))
        for a, area in enumerate(direction.area_goals):
            apath = (*dpath, "area_goals", a)
            goals.append(goal(area, "area", direction.number, apath))
            for b, board in enumerate(area.board_goals):
                goals.append(goal(board, "board", area.number, (*apath, "board_goals", b)))
    indicators = [IndicatorEntry(i.id, i.name, i.council_indicator, g.number, i.outcome, i.forecast, i.target,
                                 i.council_target, i.missing_reason, i.period)
                  for g in report.assessed_goals() for i in g.indicators]
    budget = next((entry for table in derived.tables if (entry := budget_entry(table, where(table.path))) is not None), None)
    stated = {(p.file, p.line, p.col) for table in derived.tables for miss in table.mismatches
              for p in [positions.locate(miss.path)]}
    mismatches = [p for p in derived.problems if p.severity == "warning" and (p.file, p.line, p.col) in stated]
    return Contribution(
        slug=loaded.slug, board=report.board, administration=report.administration, writer=report.writer.value,
        period_kind=report.period_kind.value, period=report.period, year=report.year, as_of=report.as_of,
        title=report.title, locale=report.locale, summary=report.summary, digest=digest, where=where(()),
        goals=goals, indicators=indicators, budget=budget, table_kinds=[t.spec.kind.value for t in derived.tables],
        mismatches=mismatches, predecessors=list(report.predecessors), consolidates=report.consolidates is not None,
    )
