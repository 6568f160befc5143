"""`tul status`: what is left to write in a report, per file and line, and the share done.

An item is one thing an author writes for a period. These are counted, done or not:
- a goal's assessment and analysis (KF-mål and nämndmål; an inriktningsmål's when its
  key is written), a nämndmål's expected result: `assessment`, `analysis`, `expected_result`;
- an indicator's outcome, where its table shows outcomes: a value or a `missing_reason` (before the
  year's end, not for an indicator measured once a year, `period: 2020`, unless `outcome:` is written);
- an activity's follow-up: `deviation` true or false (`deviation:` left empty is not done);
- every text an author writes for the period (proposals, summaries, analyses, section texts).
And these are items left wherever they stand:
- any key written but left empty (`forecast:`, as tul new and tul init write them);
- a draft mark `[UTKAST från …]` or a placeholder `[SKRIV: …]` (render.draft) in any text;
- a text that names an earlier period than the report's own, back to last year's end
  ('tertialrapport 1' or 'per den 30 april' in a T2 report), unless it says it compares
  ('jämfört med tertialrapport 1', 'sedan den 30 april');
- an activity that ended before the report's year; a table column whose figures are all 0,
  or whose forecast is the budget in every row (as tul new leaves them).
A plan (verksamhetsplan) assesses and follows up nothing: its items are the texts, the
expected results and any empty key. No I/O: the loaded report in, the list out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel

from render.draft import DRAFT_MARK, PLACEHOLDER
from render.errors import Problem
from render.load import LoadedReport, Pos, dotted
from render.mentions import earlier_mentions
from render.model import MARKDOWN_FIELDS, AreaGoal, BoardGoal, DirectionGoal, Goal, Report
from render.period import (
    Period,
    PeriodKind,
    default_indicator_columns,
    default_table_columns,
    outcome_comes_later,
    period_of,
)
from render.tables import FinancialTable
from render.values import Value

Path_ = tuple[Any, ...]

# Keys whose text is not the period's writing: names of periods and of columns, ids, settings.
_NOT_TEXT = frozenset({"id", "key", "locale", "logo", "font", "primary_colour", "accent_colour"})
# Texts that name a period on purpose: the report's own and its comparison.
_NAMES_A_PERIOD = frozenset({"period", "comparison_label"})
@dataclass(frozen=True)
class Reason:
    """Why an item is not done, where it stands and what to write."""

    file: str
    line: int
    col: int
    kind: str  # 'write', 'review' or 'check'
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        return f"{where}: to {self.kind}: {' '.join(self.message.split())}"


@dataclass
class Status:
    """A report's items: how many there are, and why each one left is not done."""

    slug: str
    folder: str
    draft: bool
    total: int = 0
    left: list[list[Reason]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # as shown in reasons, report.yaml first

    @property
    def done(self) -> int:
        """Items done."""
        return self.total - len(self.left)

    @property
    def reasons(self) -> list[Reason]:
        """Every reason of every item left, in the report's file order (report.yaml first), then line order."""
        order = {file: index for index, file in enumerate(self.files)}
        return sorted((r for item in self.left for r in item),
                      key=lambda r: (order.get(r.file, len(order)), r.file, r.line, r.col))

    def share(self) -> str:
        """'37 of 52 items done (71 %)': the per cent rounded down, so 100 % means done."""
        percent = 100 * self.done // self.total if self.total else 100
        return f"{self.done} of {self.total} items done ({percent} %)"


def report_status(loaded: LoadedReport) -> Status:
    """The status of one loaded (validated) report."""
    return _Walk(loaded).run()


def completeness_problem(loaded: LoadedReport) -> Problem | None:
    """One warning for a report not yet finished (an error under --strict), unless it is marked `draft: true`."""
    status = report_status(loaded)
    if status.draft or not status.left:
        return None
    first = status.reasons[0]
    return Problem(first.file, first.line, first.col, "warning",
                   f"the report is not finished, {status.share()}: here is the first thing left, and "
                   f"'tul status {status.slug}' lists them all; or write 'draft: true' in report.yaml while it is a draft")


class _Walk:
    def __init__(self, loaded: LoadedReport) -> None:
        self.loaded = loaded
        self.report: Report = loaded.report
        self.pos = loaded.positions
        self.period: Period = period_of(self.report.period_kind, self.report.year, self.report.period)
        self.plan = self.report.period_kind == PeriodKind.PLAN
        self.consolidated = self.report.consolidates is not None
        self.items: dict[Path_, list[Reason]] = {}

    def run(self) -> Status:
        report = self.report
        for path, goal in report.goal_paths():
            self.goal(path, goal)
        for path, owner, name, value in _fields(report, ()):
            self.value(path, owner, name, value)
        for path, table, title in _tables(report):
            self.table(path, table, title)
        left = [reasons for reasons in self.items.values() if reasons]
        files = list(dict.fromkeys(self.pos.roots.values()))
        return Status(self.loaded.slug, str(self.loaded.folder), report.draft, len(self.items), left, files)

    # -- items ----------------------------------------------------------------------------

    def item(self, path: Path_, reasons: list[Reason]) -> None:
        """Count the item at `path` (once); it is left while it has reasons."""
        self.items.setdefault(path, []).extend(reasons)

    def at(self, path: Path_, kind: str, message: str) -> Reason:
        where = self.pos.locate(path, key=True)
        return Reason(where.file, where.line, where.col, kind, message)

    def name(self, path: Path_) -> str:
        return dotted(self.pos.relative(path))

    def written(self, path: Path_) -> bool:
        """True when the key at `path` stands in the file (perhaps empty)."""
        return path in self.pos.at

    # -- goals ----------------------------------------------------------------------------

    def goal(self, path: Path_, goal: DirectionGoal | Goal) -> None:
        number = f"goal {goal.number}"
        if not self.plan:
            # A consolidated report's KF goals are assessed by the nämnder it counts, not by its author.
            assess = not self.consolidated and (isinstance(goal, AreaGoal | BoardGoal)
                                                or self.written((*path, "assessment")))
            if assess:
                self.item((*path, "assessment"), [] if goal.assessment is not None else [self.at(
                    (*path, "assessment"), "write", f"{number} has no assessment, expected one of "
                    f"{self._assessments()} ({self.name((*path, 'assessment'))})")])
            analysed = isinstance(goal, AreaGoal | BoardGoal) or self.written((*path, "analysis"))
            if analysed and not (goal.analysis or "").strip():
                self.item((*path, "analysis"), [self.at((*path, "analysis"), "write",
                                                        f"{number} has no analysis ({self.name((*path, 'analysis'))})")])
        if isinstance(goal, BoardGoal) and not (goal.expected_result or "").strip():
            self.item((*path, "expected_result"), [self.at((*path, "expected_result"), "write",
                                                           f"{number} has no expected result "
                                                           f"({self.name((*path, 'expected_result'))})")])
        if isinstance(goal, Goal):
            self.indicators(path, goal)
            self.activities(path, goal)

    def _assessments(self) -> str:
        words = ["uppfylldes_helt", "uppfylldes_delvis", "uppfylldes_inte", "bedomdes_inte"] \
            if self.report.period_kind == PeriodKind.ANNUAL else ["uppfylls_helt", "uppfylls_delvis", "uppfylls_inte",
                                                                   "bedoms_inte"]
        return ", ".join(words[:-1]) + " or " + words[-1]

    def indicators(self, path: Path_, goal: Goal) -> None:
        spec = goal.indicator_columns or self.report.indicator_columns
        keys = [c if isinstance(c, str) else c.column for c in spec] if spec is not None else \
            list(default_indicator_columns(self.report.period_kind))
        if "outcome" not in keys or self.plan:
            return
        for index, indicator in enumerate(goal.indicators):
            where = (*path, "indicators", index, "outcome")
            if outcome_comes_later(indicator.period, self.report.period_kind) and not self.written(where):
                continue  # measured once a year: its outcome comes in the verksamhetsberättelse
            missing = indicator.outcome is None and indicator.missing_reason is None
            reason = "Redovisas i VB" if self.report.locale == "sv" else "Reported in the annual report"
            self.item(where, [self.at(where, "write", f"indicator '{_short(indicator.name)}' (goal {goal.number}) has "
                                                      f"no outcome, expected a value, or missing_reason: e.g. '{reason}'")]
                      if missing else [])

    def activities(self, path: Path_, goal: Goal) -> None:
        if self.plan:
            return
        for index, activity in enumerate(goal.activities):
            where = (*path, "activities", index, "deviation")
            text = f"activity '{_short(activity.text)}' (goal {goal.number})"
            reasons = []
            if activity.deviation is None:
                reasons.append(self.at(where, "write", f"{text} is not followed up, expected deviation: false "
                                                       "(on plan) or true (with an analysis)"))
            if activity.end.year < self.report.year:
                reasons.append(self.at((*path, "activities", index, "end"), "check",
                                       f"{text} ended {activity.end.isoformat()}, before {self.report.year}: "
                                       "remove it or give it this year's dates"))
            self.item(where, reasons)

    # -- texts and empty keys ---------------------------------------------------------------

    def value(self, path: Path_, owner: str, name: str, value: Any) -> None:
        if value is None:
            if self.written(path) and path not in self.items and not self._not_asked(name):
                self.item(path, [self.at(path, "write", f"{self._owner(path)}{name} is empty, expected a value "
                                                        f"({self.name(path)})")])
            return
        text = value.text if isinstance(value, Value) else value
        if not isinstance(text, str) or isinstance(value, Enum) or name in _NOT_TEXT:
            return
        reasons = self.text(path, text, mentions=name not in _NAMES_A_PERIOD)
        if reasons or (owner, name) in MARKDOWN_FIELDS:
            self.item(path, reasons)

    def _owner(self, path: Path_) -> str:
        """'indicator 'Sjukfrånvaro' (goal 1.2): ' for a value inside an indicator or activity, else ''."""
        for kind in ("indicators", "activities"):
            if kind in path:
                at = path.index(kind)
                goal = _resolve(self.report, path[:at])
                item = _resolve(self.report, path[:at + 2])
                text = str(getattr(item, "name", None) or getattr(item, "text", ""))
                word = "indicator" if kind == "indicators" else "activity"
                return f"{word} '{_short(text)}' (goal {getattr(goal, 'number', '?')}): "
        return ""

    def _not_asked(self, name: str) -> bool:
        """Keys a plan leaves empty on purpose (it has no outcomes, forecasts or assessments)."""
        return self.plan and name in ("outcome", "outcome_men", "outcome_women", "forecast", "assessment", "deviation")

    def text(self, path: Path_, text: str, mentions: bool = True) -> list[Reason]:
        reasons = []
        for match in DRAFT_MARK.finditer(text):
            reasons.append(self._in_text(path, text, match.start(), "review",
                                         f"{self.name(path)} is a draft carried over from an earlier report: make it "
                                         f"true for {self.report.period}, then delete the mark {match[0]}"))
        for match in PLACEHOLDER.finditer(text):
            reasons.append(self._in_text(path, text, match.start(), "write",
                                         f"{self.name(path)} still holds the placeholder {match[0]}, "
                                         "expected your own text in its place"))
        if not mentions:
            return reasons
        # A mark names the period it came from: that is no mention of the author's.
        unmarked = PLACEHOLDER.sub(lambda m: " " * len(m[0]), DRAFT_MARK.sub(lambda m: " " * len(m[0]), text))
        for start, found in earlier_mentions(unmarked, self.period):
            reasons.append(self._in_text(path, text, start, "check",
                                         f"{self.name(path)} names '{found}', an earlier period than "
                                         f"{self.report.period}: write about {self.report.period}, or say what you "
                                         f"compare with ('{'jämfört med' if self.report.locale == 'sv' else 'compared with'} …')"))
        return reasons

    def _in_text(self, path: Path_, text: str, offset: int, kind: str, message: str) -> Reason:
        where: Pos = self.pos.locate(path)
        line_in_text = text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1)
        if where.block:
            return Reason(where.file, where.line + 1 + line_in_text, where.indent + 1 + column, kind, message)
        if line_in_text:
            return Reason(where.file, where.line, where.col, kind, message)
        return Reason(where.file, where.line, where.col + column, kind, message)

    # -- tables ---------------------------------------------------------------------------

    def table(self, path: Path_, table: FinancialTable, title: str) -> None:
        if table.columns is not None:
            entered = [c.key for c in table.columns if c.difference is None]
            labels = {c.key: c.label or c.key for c in table.columns}
        else:
            entered = [k for k, d in default_table_columns(self.report.period_kind) if d is None]
            labels = {k: k for k in entered}
        groups = [(i, row) for i, row in enumerate(table.rows) if row.kind == "group"]
        caption = table.caption or f"{table.kind.value}' in section '{_short(title)}"
        for key in entered:
            figures = [f[key] for _, row in groups for f in (row.costs, row.income, row.net) if f and key in f]
            where = (*path, "columns", key)
            reasons = []
            if len(figures) > 1 and all(v == 0 for v in figures) and key != "previous_budget":
                first = (*path, "rows", groups[0][0])
                reasons.append(self.at(first, "write", f"table '{caption}': every figure of column "
                                                       f"'{labels[key]}' is 0, expected the figures"))
            if key == "forecast" and len(figures) > 1 and not self.plan:
                pairs = [(f["budget"], f["forecast"]) for _, row in groups for f in (row.costs, row.income, row.net)
                         if f and "budget" in f and "forecast" in f]
                if pairs and all(b == v for b, v in pairs) and any(b != 0 for b, _ in pairs):
                    first = (*path, "rows", groups[0][0])
                    reasons.append(self.at(first, "check", f"table '{caption}': the forecast equals the budget in "
                                                           "every row, expected this period's forecast"))
            if reasons:
                self.item(where, reasons)


def _resolve(obj: Any, path: Path_) -> Any:
    """The model value at `path`."""
    for part in path:
        obj = obj[part] if isinstance(part, int) or isinstance(obj, dict) else getattr(obj, part)
    return obj


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:47] + "..."


def _fields(obj: Any, path: Path_) -> Iterator[tuple[Path_, str, str, Any]]:
    """Every field value of the model (lists and dicts entered), with its path, owner class and field name."""
    if isinstance(obj, BaseModel) and not isinstance(obj, Value):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            owner = type(obj).__name__
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, BaseModel) and not isinstance(item, Value):
                        yield from _fields(item, (*path, name, index))
                    else:
                        yield (*path, name, index), owner, name, item
            elif isinstance(value, dict) and name != "labels":
                for key, item in value.items():
                    if isinstance(item, BaseModel) and not isinstance(item, Value):
                        yield from _fields(item, (*path, name, key))
                    elif not isinstance(item, dict):
                        yield (*path, name, key), owner, name, item
            elif isinstance(value, BaseModel) and not isinstance(value, Value):
                yield from _fields(value, (*path, name))
            else:
                yield (*path, name), owner, name, value


def _tables(report: Report) -> Iterator[tuple[Path_, FinancialTable, str]]:
    def sections(items: list[Any], path: Path_) -> Iterator[tuple[Path_, FinancialTable, str]]:
        for i, section in enumerate(items):
            for t, table in enumerate(section.tables):
                yield (*path, i, "tables", t), table, section.title
            yield from sections(section.sections, (*path, i, "sections"))

    if report.economy is not None:
        yield from sections(report.economy.sections, ("economy", "sections"))
    yield from sections(report.sections, ("sections",))
