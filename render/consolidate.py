"""Sammanställning: the city's consolidated follow-up, derived from the reports it names.

Per KF inriktningsmål and KF:s mål för verksamhetsområdet: how many contributing
nämnder and bolag assess it helt / delvis / inte / bedöms inte (either tense), which
ones, and where in their own report; per nämnd, per kind of nämnd and for the city:
budget, prognos (or utfall) and avvikelse from each report's operating table; and the
KF indicators across nämnder with whether each meets its annual target. Goals are
matched by the id every report's KF goals carry, never by title. No I/O: the
contributions arrive read (render.related), and every problem is located, in the
consolidated report's list or in the contributing report's own file.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fnmatch import fnmatchcase
from typing import Any

from render.contribution import Contribution, GoalEntry, IndicatorEntry, Where
from render.errors import Problem, Severity
from render.format import format_number, format_value
from render.labels import LOCALES, fill
from render.model import LEVELS, AreaGoal, Assessment, DirectionGoal, NumberedGoal, Report
from render.period import PeriodKind, Tense, Writer, expected_tense
from render.tables import Column, ComputedTable, FinancialTable, Line, TableKind, TableRow, Wording, compute_table
from render.values import Value

Locate = Callable[[tuple[Any, ...], bool], Where]

WRITERS = (Writer.DISTRICT, Writer.COMMITTEE, Writer.COMPANY)
PENDING = "pending"  # has the goal, has not assessed it
TALLY_LEVELS = (*LEVELS, PENDING)
# Swedish alphabetical order: å, ä, ö after z.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}"})


# 'mnkr' in a Swedish report and 'SEK m' in an English one are the same unit.
_DEFAULT_UNITS = {LOCALES["sv"]["unit"], LOCALES["en"]["unit"]}


def board_order(contribution: Contribution) -> tuple[int, str]:
    """Stadsdelsnämnder first, then facknämnder, then bolag; alphabetically within each."""
    writer = WRITERS.index(Writer(contribution.writer))
    return writer, contribution.board.lower().translate(_SWEDISH_ORDER)


@dataclass(frozen=True)
class Reference:
    """A goal in a contributing report: which report, the goal's number there and its anchor."""

    slug: str
    board: str
    number: str
    anchor: str
    note: str  # "mål 1.2": where to read it, in words, for print

    @property
    def href(self) -> str:
        """The goal in the report's own HTML, relative to this report's build folder."""
        return f"../{self.slug}/index.html#{self.anchor}"


@dataclass(frozen=True)
class Segment:
    """A part of a stacked bar: an assessment level, its count and its share of 100."""

    level: str
    count: int
    start: float
    share: float


@dataclass(frozen=True)
class IndicatorRow:
    """One nämnd's value of a KF indicator, and whether it meets the annual target."""

    reference: Reference
    outcome: str
    forecast: str
    target: str
    council_target: str
    verdict: str  # 'meets', 'misses' or 'unjudged'
    basis: str | None  # 'forecast' or 'outcome': what was compared with the target
    reason: str  # why it cannot be judged


@dataclass
class IndicatorTally:
    """A KF indicator across nämnder: one row each, and how many meet the target."""

    key: str
    name: str
    lower_is_better: bool
    rows: list[IndicatorRow]
    counts: dict[str, int]
    text: str


@dataclass
class GoalTally:
    """A KF goal across nämnder: who assesses it how, and its KF indicators."""

    goal: NumberedGoal
    level: str  # 'direction' or 'area'
    references: dict[str, list[Reference]]  # per assessment level and 'pending'
    total: int
    text: str
    segments: list[Segment]
    indicators: list[IndicatorTally] = field(default_factory=list)


@dataclass(frozen=True)
class DigestGoal:
    """A goal of a contributing report in the digest: where it is and its assessment level."""

    entry: GoalEntry
    reference: Reference
    level: str | None


@dataclass(frozen=True)
class DigestLine:
    """A group of a contributing report's operating table, netto, with its avvikelse."""

    label: str
    budget: Decimal
    compared: Decimal
    deviation: Decimal
    bottom: bool = False


@dataclass(frozen=True)
class Digest:
    """A contributing report in brief: its summary, its goals and its operating budget."""

    contribution: Contribution
    goals: list[DigestGoal]
    budget: str | None  # the bottom line in words
    columns: list[str]  # headings of the lines' figures
    lines: list[DigestLine]


@dataclass
class Consolidated:
    """The consolidated follow-up, derived once from the contributing reports."""

    tallies: list[GoalTally]
    budget_tables: list[ComputedTable]  # the city's, then one per kind of nämnd
    without_budget: list[Contribution]
    digests: list[Digest]
    text: str  # "Sammanställningen bygger på 24 rapporter…"
    levels: list[tuple[str, str]]  # (assessment level, its heading in this report's tense)
    with_forecast: bool  # the indicator tables show a forecast column (tertial reports)
    reused: int = 0  # contributions read from a previous build's data

    def tally(self, goal: NumberedGoal) -> GoalTally | None:
        """The tally of the city's KF goal `goal`."""
        return next((t for t in self.tallies if t.goal is goal), None)


def consolidate(report: Report, contributions: list[tuple[int, Contribution]], labels: dict[str, str],
                locate: Locate, reused: int = 0, named: list[str] | None = None,
                ) -> tuple[Consolidated, list[Problem], list[ComputedTable]]:
    """The consolidated view of `report`, the problems found, and the financial tables it derived.

    `named` lists every report the list names, also those that could not be read (their own
    errors are reported), so that an assignment to one of them is not reported as matching none."""
    names = named if named is not None else [c.slug for _, c in contributions]
    return _Consolidator(report, contributions, labels, locate, names).run(reused)


@dataclass
class _Consolidator:
    report: Report
    entries: list[tuple[int, Contribution]]
    labels: dict[str, str]
    locate: Locate
    named: list[str]
    problems: list[Problem] = field(default_factory=list)

    def here(self, path: tuple[Any, ...], severity: Severity, message: str, key: bool = False) -> None:
        where = self.locate(path, key)
        self.problems.append(Problem(where.file, where.line, where.col, severity, message))

    def there(self, where: Where, severity: Severity, message: str) -> None:
        self.problems.append(Problem(where.file, where.line, where.col, severity, message))

    def run(self, reused: int) -> tuple[Consolidated, list[Problem], list[ComputedTable]]:
        self.city = self._city_goals()
        usable = self._check_entries()
        self.contributions = sorted(usable, key=board_order)
        self._check_assigned()
        matched = {c.slug: self._match(c) for c in self.contributions}
        indicators = self._indicators(matched)
        tallies = []
        for goal, level, _ in self.city.values():
            tally = self._tally(goal, level, matched)
            tally.indicators = indicators.get(goal.id or "", [])
            tallies.append(tally)
        tables, without = self._budget_tables()
        digests = [self._digest(c) for c in self.contributions]
        text = fill(self.labels["city_reports"], {"n": len(self.contributions)})
        tense = expected_tense(self.report.period_kind) or Tense.PRESENT
        levels = [(a.level, self.labels[a.value]) for a in Assessment if a.tense == tense]
        levels.append((PENDING, self.labels["not_assessed_yet"]))
        forecast = self.report.period_kind in (PeriodKind.TERTIAL, PeriodKind.INTERIM)
        view = Consolidated(tallies, tables, without, digests, text, levels, forecast, reused)
        return view, self.problems, tables

    def reference(self, contribution: Contribution, number: str, anchor: str) -> Reference:
        return Reference(contribution.slug, contribution.board, number, anchor,
                         fill(self.labels["city_goal_ref"], {"number": number}))

    # -- the city's KF goals and the contributing reports' ---------------------------

    def _city_goals(self) -> dict[str, tuple[NumberedGoal, str, str | None]]:
        """id -> (goal, level, the direction goal's id): the KF goals the reports are matched by."""
        city: dict[str, tuple[NumberedGoal, str, str | None]] = {}
        for d, direction in enumerate(self.report.goals):
            path: tuple[Any, ...] = ("goals", d)
            self._city_goal(city, direction, "direction", None, path)
            for a, area in enumerate(direction.area_goals):
                self._city_goal(city, area, "area", direction.id, (*path, "area_goals", a))
        return city

    def _city_goal(self, city: dict[str, tuple[NumberedGoal, str, str | None]], goal: NumberedGoal, level: str,
                   parent: str | None, path: tuple[Any, ...]) -> None:
        if goal.id is None:
            self.here((*path, "title"), "error",
                      f"{self.labels[f'{level}_goal']} '{goal.title}' has no id: a consolidated report matches the KF "
                      "goals of its reports by id, expected e.g. id: kf-" + goal.number.replace(".", "-"))
        elif goal.id not in city:
            city[goal.id] = (goal, level, parent)
        if isinstance(goal, AreaGoal):
            for name in ("board_goals", "indicators", "activities"):
                if getattr(goal, name):
                    self.here((*path, name), "error",
                              f"{name}: a consolidated report lists the city's KF goals only; its nämndmål, indicators "
                              "and activities come from the reports it consolidates, expected no "
                              f"{name} here", key=True)

    def _check_entries(self) -> list[Contribution]:
        usable = []
        as_of = self.report.as_of
        for entry, contribution in self.entries:
            path = ("consolidates", "reports", entry)
            if contribution.consolidates:
                self.here(path, "error", f"'{contribution.slug}' is itself a consolidated report, expected the reports "
                                         "of nämnder and bolag")
                continue
            if contribution.as_of != as_of:
                self.here(path, "warning",
                          f"'{contribution.slug}' reports {contribution.period} (as of {contribution.as_of.isoformat()}), "
                          f"this report {self.report.period} (as of {as_of.isoformat()}); expected reports of the same "
                          "period")
            self.problems.extend(contribution.mismatches)
            usable.append(contribution)
        return usable

    def _check_assigned(self) -> None:
        assert self.report.consolidates is not None
        for goal_id, patterns in self.report.consolidates.assigned.items():
            path = ("consolidates", "assigned", goal_id)
            if goal_id not in self.city:
                self.here(path, "error", f"unknown KF goal id '{goal_id}'{self._hint(goal_id)}", key=True)
                continue
            goal, level, _ = self.city[goal_id]
            for index, pattern in enumerate(patterns):
                matched = [c for c in self.contributions if fnmatchcase(c.slug, pattern)]
                if not any(fnmatchcase(name, pattern) for name in self.named):
                    self.here((*path, index), "error",
                              f"'{pattern}' matches none of the consolidated reports, expected a folder name or glob "
                              f"such as '{self.named[0] if self.named else 'sdn-*'}'")
                for contribution in matched:
                    if contribution.goal(goal_id) is None:
                        self.here((*path, index), "error",
                                  f"'{contribution.slug}' ({contribution.board}) has no goal with id '{goal_id}' "
                                  f"({self.labels[f'{level}_goal']} '{goal.title}'), which is assigned to it here; add "
                                  f"the goal with id: {goal_id} to its report ({contribution.where.file}) or leave "
                                  "the report out of this list")

    def _hint(self, goal_id: str) -> str:
        close = difflib.get_close_matches(goal_id, list(self.city), n=1, cutoff=0.6)
        if close:
            return f", did you mean '{close[0]}'?"
        return ", expected one of: " + ", ".join(self.city) if self.city else ""

    def _match(self, contribution: Contribution) -> dict[str, GoalEntry]:
        """The contribution's KF goals by id, with a located error for each that does not match the city's."""
        found: dict[str, GoalEntry] = {}
        by_number = {g.number: g for g in contribution.goals}
        for goal in contribution.goals:
            if goal.level == "board":
                continue
            word = self.labels[f"{goal.level}_goal"]
            if goal.id is None:
                self.there(goal.where, "error",
                           f"{word} '{goal.title}' has no id: the consolidated report {self._name()} matches KF goals "
                           f"by id{self._suggest(goal)}")
                continue
            if goal.id not in self.city:
                # The title says best which goal was meant; else the nearest id.
                close = difflib.get_close_matches(goal.id, list(self.city), n=1, cutoff=0.6)
                hint = self._suggest(goal) if self._titled(goal) or not close else f", did you mean '{close[0]}'?"
                self.there(goal.where, "error",
                           f"unknown KF goal id '{goal.id}': the consolidated report {self._name()} has no such KF "
                           f"goal{hint}")
                continue
            city_goal, level, parent = self.city[goal.id]
            if level != goal.level:
                self.there(goal.where, "error",
                           f"'{goal.id}' is a {self.labels[f'{level}_goal']} in the city's goals ('{city_goal.title}'), "
                           f"found as a {word}; expected it at the same level")
                continue
            above = by_number.get(goal.parent or "")
            if level == "area" and above is not None and above.id is not None and above.id != parent:
                self.there(goal.where, "error",
                           f"'{goal.id}' belongs under the inriktningsmål '{parent}' in the city's goals, found under "
                           f"'{above.id}'; expected it under id: {parent}")
                continue
            if goal.id in found:
                first = found[goal.id].where
                self.there(goal.where, "error", f"KF goal id '{goal.id}' twice in the report (first at "
                                                f"{first.file}:{first.line}), expected each KF goal once")
                continue
            found[goal.id] = goal
        return found

    def _name(self) -> str:
        return f"'{self.report.board}: {self.report.title}'"

    def _titled(self, goal: GoalEntry) -> str | None:
        """The id of the city's goal of that level whose title is closest to `goal`'s, if one is close."""
        candidates = {g.title: goal_id for goal_id, (g, level, _) in self.city.items() if level == goal.level}
        close = difflib.get_close_matches(goal.title, list(candidates), n=1, cutoff=0.6)
        return candidates[close[0]] if close else None

    def _suggest(self, goal: GoalEntry) -> str:
        """', expected id: kf-1-2 (…)': the city's goal of that level with the closest title, or every id."""
        match = self._titled(goal)
        if match is not None:
            return f", expected id: {match} ('{self.city[match][0].title}')"
        ids = [goal_id for goal_id, (_, level, _) in self.city.items() if level == goal.level]
        return ", expected one of: " + ", ".join(ids) if ids else ""

    # -- counts per KF goal ----------------------------------------------------------

    def _tally(self, goal: NumberedGoal, level: str, matched: dict[str, dict[str, GoalEntry]]) -> GoalTally:
        references: dict[str, list[Reference]] = {name: [] for name in TALLY_LEVELS}
        for contribution in self.contributions:
            entry = matched[contribution.slug].get(goal.id or "")
            if entry is None:
                continue
            name = Assessment(entry.assessment).level if entry.assessment else PENDING
            references[name].append(self.reference(contribution, entry.number, entry.anchor))
        counts = {name: len(refs) for name, refs in references.items()}
        total = sum(counts.values())
        segments, start = [], 0.0
        for name in TALLY_LEVELS:
            if counts[name]:
                share = 100.0 * counts[name] / total
                segments.append(Segment(name, counts[name], round(start, 3), round(share, 3)))
                start += share
        return GoalTally(goal, level, references, total, self._tally_text(total, counts), segments)

    def _tally_text(self, total: int, counts: dict[str, int]) -> str:
        labels = self.labels
        if total == 0:
            return labels["city_tally_none"]
        past = "_past" if expected_tense(self.report.period_kind) == Tense.PAST else ""

        def word(name: str) -> str:
            return labels.get(f"count_{name}{past}", labels[f"count_{name}"])

        parts = [fill(labels["count_more"], {"n": counts[name], "assessment": word(name)})
                 for name in TALLY_LEVELS if counts[name]]
        return fill(labels["city_tally"], {"total": total}) + ": " + ", ".join(parts)

    # -- KF indicators across nämnder -------------------------------------------------

    def _indicators(self, matched: dict[str, dict[str, GoalEntry]]) -> dict[str, list[IndicatorTally]]:
        """KF goal id -> the KF indicators reported under it, each across nämnder."""
        assert self.report.consolidates is not None
        lower = set(self.report.consolidates.lower_is_better)
        rows: dict[str, list[tuple[Contribution, IndicatorEntry]]] = {}
        home: dict[str, str] = {}
        for contribution in self.contributions:
            by_number = {g.number: g for g in contribution.goals}
            for entry in contribution.indicators:
                if not entry.council:
                    continue
                goal = by_number.get(entry.goal)
                if goal is not None and goal.level == "board":
                    goal = by_number.get(goal.parent or "")
                if goal is None or goal.id not in matched[contribution.slug]:
                    continue  # its goal did not match: located above
                rows.setdefault(entry.key, []).append((contribution, entry))
                home.setdefault(entry.key, goal.id)
        for index, key in enumerate(self.report.consolidates.lower_is_better):
            if key not in rows:
                self.here(("consolidates", "lower_is_better", index), "warning",
                          f"no KF indicator of the consolidated reports has id '{key}', expected the id of a KF "
                          "indicator (council_indicator: true)")
        out: dict[str, list[IndicatorTally]] = {}
        for key, found in rows.items():
            out.setdefault(home[key], []).append(self._indicator(key, found, key in lower))
        return out

    def _indicator(self, key: str, found: list[tuple[Contribution, IndicatorEntry]], lower: bool) -> IndicatorTally:
        locale = self.report.locale
        names = Counter(entry.name for _, entry in found)
        name = max(names, key=lambda n: (names[n], -[e.name for _, e in found].index(n)))
        rows = []
        for contribution, entry in found:
            verdict, basis, reason = self._verdict(contribution, entry, lower)
            reference = self.reference(contribution, entry.goal,
                                       next(g.anchor for g in contribution.goals if g.number == entry.goal))
            outcome = format_value(entry.outcome, locale) if entry.outcome is not None else (entry.missing_reason or "")
            rows.append(IndicatorRow(reference, outcome, format_value(entry.forecast, locale),
                                     format_value(entry.target, locale), format_value(entry.council_target, locale),
                                     verdict, basis, reason))
        counts = {v: sum(1 for r in rows if r.verdict == v) for v in ("meets", "misses", "unjudged")}
        labels = self.labels
        text = fill(labels["city_indicator_lead"], {"n": counts["meets"], "total": len(rows)})
        if counts["misses"]:
            text += ", " + fill(labels["city_indicator_misses"], {"n": counts["misses"]})
        if counts["unjudged"]:
            text += ", " + fill(labels["city_indicator_unjudged"], {"n": counts["unjudged"]})
        return IndicatorTally(key, name, lower, rows, counts, text)

    def _verdict(self, contribution: Contribution, entry: IndicatorEntry, lower: bool) -> tuple[str, str | None, str]:
        """Meets the target: the forecast (tertial reports) or outcome (annual) >= a numeric årsmål, or <= if lower is better.

        The nämnd's own target counts, else KF's; a range or change ('+/-1 %', '+5 %'), a text
        or another unit cannot be judged, and the table says why."""
        labels = self.labels
        basis = "forecast" if contribution.period_kind in (PeriodKind.TERTIAL, PeriodKind.INTERIM) else "outcome"
        value: Value | None = entry.forecast if basis == "forecast" else entry.outcome
        if value is None:  # the author's reason ('Redovisas i VB') says most
            return "unjudged", None, entry.missing_reason or labels[f"city_reason_{basis}"]
        if not value.is_number:
            return "unjudged", None, labels["city_reason_text"]
        target = next((t for t in (entry.target, entry.council_target) if t is not None and t.is_number), None)
        if target is None:
            return "unjudged", None, labels["city_reason_target"]
        if target.prefix.strip():
            return "unjudged", None, labels["city_reason_relative"]
        if value.unit and target.unit and value.unit != target.unit:
            return "unjudged", None, labels["city_reason_units"]
        assert value.number is not None and target.number is not None
        meets = value.number <= target.number if lower else value.number >= target.number
        return ("meets" if meets else "misses"), basis, ""

    # -- the city's budget -----------------------------------------------------------

    def _budget_tables(self) -> tuple[list[ComputedTable], list[Contribution]]:
        labels = self.labels
        unit = labels["unit"]
        compared = "outcome" if self.report.period_kind == PeriodKind.ANNUAL else "forecast"
        columns = [Column("budget", labels["col_budget"]),
                   Column(compared, labels["col_table_forecast" if compared == "forecast" else "col_table_outcome"]),
                   Column("deviation", labels["col_deviation"], ("budget", compared))]
        without = []
        groups: dict[Writer, list[TableRow]] = {}
        for contribution in self.contributions:
            budget = contribution.budget
            if budget is not None and budget.unit != unit and {budget.unit, unit} != _DEFAULT_UNITS:
                self.there(budget.where, "warning",
                           f"{budget.caption}: the consolidated report adds {unit}, this table is in {budget.unit}; "
                           f"expected the operating budget in {unit}")
                budget = None
            if budget is None:
                without.append(contribution)
                continue
            groups.setdefault(Writer(contribution.writer), []).append(
                TableRow(name=contribution.board, net={"budget": budget.budget, compared: budget.value}))
        tables = []
        for writer in WRITERS:
            if writer in groups:
                stub = labels["city_stub_company" if writer == Writer.COMPANY else "city_stub"]
                rows = [*groups[writer], TableRow(sum=labels[f"city_sum_{writer.value}"])]
                tables.append(self._table(fill(labels[f"city_budget_{writer.value}"], {"unit": unit}), stub, rows,
                                          columns, f"stad-{writer.value.replace('_', '-')}"))
        if not tables:
            return [], without
        city_rows = []
        for writer, table in zip([w for w in WRITERS if w in groups], tables, strict=True):
            bottom = table.bottom_line()
            assert bottom is not None
            city_rows.append(TableRow(name=labels[f"city_group_{writer.value}"],
                                      net={"budget": bottom["budget"].shown, compared: bottom[compared].shown}))
        city = self._table(fill(labels["city_budget_city"], {"unit": unit}), labels["city_stub"],
                           [*city_rows, TableRow(sum=labels["city_total"])], columns, "stad")
        return [city, *tables], without

    def _table(self, caption: str, stub: str, rows: list[TableRow], columns: list[Column], table_id: str) -> ComputedTable:
        labels = self.labels
        spec = FinancialTable(id=table_id, kind=TableKind.OPERATING, caption=caption, stub=stub, lines=[Line.NET],
                              plus_sign=True, chart=True, rows=rows)
        words = {Line.COSTS: labels["line_costs"], Line.INCOME: labels["line_income"], Line.NET: labels["line_net"]}
        sums = {Line.COSTS: labels["sum_costs"], Line.INCOME: labels["sum_income"], Line.NET: labels["sum_net"]}
        wording = Wording(words, sums, labels["sum_row"], labels["city_total"])
        table = compute_table(spec, columns, wording, ("consolidates",), caption, labels["unit"])
        assert not table.problems, table.problems  # rows made here, never by an author
        return table

    # -- the digest of each report ---------------------------------------------------

    def _digest(self, contribution: Contribution) -> Digest:
        goals = [DigestGoal(g, self.reference(contribution, g.number, g.anchor),
                            Assessment(g.assessment).level if g.assessment else None)
                 for g in contribution.goals]
        budget = contribution.budget
        text = None
        columns: list[str] = []
        lines: list[DigestLine] = []
        if budget is not None:
            labels = self.labels
            columns = [labels["chart_budget"], labels[f"chart_{budget.compared}"], labels["col_deviation"]]
            lines = [DigestLine(line.name, line.budget, line.compared, line.budget - line.compared)
                     for line in budget.lines]
            lines.append(DigestLine(budget.label or labels["history_bottom_line"], budget.budget, budget.value,
                                    budget.budget - budget.value, bottom=True))
            locale, places = self.report.locale, budget.decimals
            text = fill(self.labels["city_digest_budget"], {
                "budget_label": self.labels["chart_budget"],
                "budget": format_number(budget.budget, places, locale),
                "compared_label": self.labels[f"chart_{budget.compared}"].lower(),
                "compared": format_number(budget.value, places, locale),
                "deviation": format_number(budget.budget - budget.value, places, locale, plus=True),
                "unit": budget.unit,
            })
        return Digest(contribution, goals, text, columns, lines)


def direction_tallies(consolidated: Consolidated, direction: DirectionGoal) -> list[GoalTally]:
    """The tallies of a direction goal's area goals, in order."""
    return [t for area in direction.area_goals if (t := consolidated.tally(area)) is not None]

