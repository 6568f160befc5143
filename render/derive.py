"""The derived report: everything computed from the content, once, after validation.

Labels filled with the report's names, counts of assessments per goal level, the
indicator tables' columns and cells, every financial table's cells, and the
problems found on the way (tense, columns, stated figures). Check, HTML, chart
and export all read this one object, so a figure is never computed twice.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from render.consolidate import Consolidated, consolidate
from render.contribution import Related, Where, budget_entry
from render.errors import Problem
from render.format import format_number, format_value
from render.history import History, derive_history, period_label
from render.labels import LOCALES, PLACEHOLDERS, fill, labels_for, placeholders, unknown_placeholders
from render.load import LoadedReport, dotted
from render.model import (
    LEVELS,
    DirectionGoal,
    Goal,
    Indicator,
    IndicatorColumn,
    IndicatorColumns,
    Report,
    Section,
)
from render.period import (
    COMPARED_WITH_BUDGET,
    PeriodKind,
    Tense,
    default_indicator_columns,
    default_table_columns,
    expected_tense,
)
from render.tables import Column, ComputedTable, FinancialTable, Line, TableKind, Wording, compute_table
from render.values import Value

Path_ = tuple[Any, ...]

# Default headings of well-known financial table columns.
_TABLE_COLUMN_LABELS = {"budget": "col_budget", "booked": "col_booked", "forecast": "col_table_forecast",
                        "outcome": "col_table_outcome", "deviation": "col_deviation",
                        "previous_outcome": "col_previous_outcome", "previous_budget": "col_previous_budget"}
# Where an indicator keeps the value of each column.
_INDICATOR_FIELDS = ("outcome", "outcome_men", "outcome_women", "previous", "forecast", "target", "council_target")


@dataclass(frozen=True)
class IndicatorCell:
    """One cell of an indicator table: the value as typed and as printed."""

    value: Value | None
    text: str
    numeric: bool
    missing: bool = False  # the text is the reason an outcome is missing


@dataclass(frozen=True)
class IndicatorColumnView:
    """A column of an indicator table: its key (and earlier period), heading and width."""

    key: str
    label: str
    earlier: str | None = None


@dataclass(frozen=True)
class IndicatorTable:
    """A goal's indicator table as printed."""

    columns: list[IndicatorColumnView]
    rows: list[tuple[Indicator, list[IndicatorCell]]]

    @property
    def widths(self) -> list[str]:
        """Column widths in percent: the name column first, the period column narrower."""
        name, period = 22.0, 13.0 if any(c.key == "period" for c in self.columns) else 0.0
        values = [c for c in self.columns if c.key != "period"]
        each = (100.0 - name - period) / max(len(values), 1)
        return [f"{name:g}%"] + [f"{(period if c.key == 'period' else each):.2f}%" for c in self.columns]


@dataclass
class SectionView:
    """A section as printed: its anchor, heading level, tables (computed) and sub-sections."""

    section: Section
    anchor: str
    level: int
    tables: list[ComputedTable]
    sections: list[SectionView]


@dataclass(frozen=True)
class LevelCount:
    """Assessments of one goal level, counted per assessment level (and those not yet assessed)."""

    level: str  # 'direction', 'area' or 'board'
    total: int
    counts: dict[str, int]  # 'fully', 'partly', 'not_met', 'not_assessed', 'pending'
    text: str


@dataclass
class Derived:
    """A validated report with every derived value, and the problems deriving found."""

    loaded: LoadedReport
    labels: dict[str, str]
    tense: Tense | None
    counts: list[LevelCount]
    economy: list[SectionView]
    sections: list[SectionView]
    tables: list[ComputedTable]
    attachments: list[str]
    new_page_per_part: bool
    problems: list[Problem] = field(default_factory=list)
    _indicators: dict[int, IndicatorTable] = field(default_factory=dict)
    history: History | None = None  # earlier periods, from the report's predecessors
    consolidated: Consolidated | None = None  # the city's follow-up, for a report that consolidates others

    @property
    def report(self) -> Report:
        """The validated content."""
        return self.loaded.report

    def indicator_table(self, goal: Goal) -> IndicatorTable | None:
        """The printed indicator table of `goal`, or None if it has no indicators."""
        return self._indicators.get(id(goal))


def derive_report(loaded: LoadedReport, related: Related | None = None) -> Derived:
    """Compute every derived value of `loaded`; problems are collected, never raised.

    `related` holds the reports it names (predecessors, consolidated reports), read by
    render.related; without it the history and the consolidation are left out, as when a
    report is read only for what it gives another."""
    return _Deriver(loaded, related).run()


def _genitive(name: str) -> str:
    return name if name.endswith(("s", "x", "z")) else name + "s"


@dataclass
class _Deriver:
    loaded: LoadedReport
    related: Related | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def report(self) -> Report:
        return self.loaded.report

    def problem(self, path: Path_, severity: str, message: str, key: bool = False) -> None:
        where = self.loaded.positions.locate(path, key=key)
        self.problems.append(Problem(where.file, where.line, where.col, severity, message))  # type: ignore[arg-type]

    def run(self) -> Derived:
        report = self.report
        self.labels = self._labels()
        tense = expected_tense(report.period_kind)
        self._check_tense(tense)
        self.tables: list[ComputedTable] = []
        if self.related is not None:
            self.problems.extend(self.related.problems)  # naming and reading the related reports
        economy = self._sections(report.economy.sections, ("economy", "sections"), "ekonomi", 3) if report.economy else []
        sections = [self._section(s, ("sections", i), f"avsnitt-{i + 1}", 2) for i, s in enumerate(report.sections)]
        consolidated = self._consolidated()
        self.history = self._history()
        self.indicators: dict[int, IndicatorTable] = {}
        self._indicator_tables()
        attachments = ([fill(self.labels["attachment"], {"n": n}) + " " + title
                        for n, title in enumerate(report.front_page.attachments, 1)] if report.front_page else [])
        new_page = report.theme.new_page_per_part
        derived = Derived(
            loaded=self.loaded, labels=self.labels, tense=tense, counts=self._counts(tense),
            economy=economy, sections=sections, tables=self.tables, attachments=attachments,
            new_page_per_part=report.front_page is not None if new_page is None else new_page,
            problems=self.problems, _indicators=self.indicators, history=self.history, consolidated=consolidated,
        )
        return derived

    # -- the reports this one names --------------------------------------------------

    def _where(self, path: Path_, key: bool = False) -> Where:
        pos = self.loaded.positions.locate(path, key=key)
        return Where(pos.file, pos.line, pos.col)

    def _consolidated(self) -> Consolidated | None:
        report = self.report
        if report.consolidates is None or self.related is None:
            return None
        view, problems, tables = consolidate(report, self.related.contributions, self.labels, self._where,
                                             self.related.reused, self.related.named)
        self.problems.extend(problems)
        self.tables.extend(tables)
        return view

    def _history(self) -> History | None:
        report = self.report
        if not report.predecessors or self.related is None:
            return None
        current = next((entry for table in self.tables
                        if (entry := budget_entry(table, self._where(table.path))) is not None), None)
        return derive_history(self.related.predecessors, self.labels, report.comparison_label, current,
                              self._period_label())

    def _period_label(self) -> str:
        report = self.report
        return period_label(report.period_kind, report.period, report.year, self.labels)

    # -- labels --------------------------------------------------------------------

    def _labels(self) -> dict[str, str]:
        report = self.report
        overrides = {}
        for key, text in report.labels.items():
            if key not in LOCALES["sv"]:
                hint = difflib.get_close_matches(key, list(LOCALES["sv"]), n=1, cutoff=0.6)
                self.problem(("labels", key), "error", f"unknown label '{key}'" + (
                    f", did you mean '{hint[0]}'?" if hint else ", expected a label name such as 'page'"), key=True)
                continue
            try:
                wrong = unknown_placeholders(key, text)
            except ValueError as exc:
                self.problem(("labels", key), "error", f"labels.{key}: {exc}")
                continue
            if wrong:
                allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS.get(key, ())) or "none"
                self.problem(("labels", key), "error",
                             f"labels.{key}: unknown placeholder '{{{wrong[0]}}}', expected only: {allowed}")
                continue
            overrides[key] = text  # only a valid override is used: the others are reported above
        labels = labels_for(report.locale, report.writer, report.period_kind, overrides)
        if report.consolidates is not None:  # its charts compare nämnder, not a nämnd's activities
            labels.update({key: labels[f"{key}_city"] for key in ("chart_title", "chart_desc") if key not in overrides})
        values = self._report_values(labels)
        filled: dict[str, str] = {}
        for key, text in labels.items():
            names = set(placeholders(text))
            documented = set(PLACEHOLDERS.get(key, ()))
            # Report-level placeholders are filled now; row-level ones ({n}, {unit}…) where they are used.
            filled[key] = fill(text, values) if names and names <= set(values) and names <= documented else text
        if report.document_kind:
            filled["document_kind"] = report.document_kind
        return filled

    def _report_values(self, labels: dict[str, str]) -> dict[str, object]:
        report = self.report
        return {
            "organisation": report.organisation,
            "administration": report.administration,
            "administration_genitive": _genitive(report.administration),
            "board": report.board,
            "year": report.year,
            "previous_year": report.year - 1,
            "as_of_short": report.as_of.strftime("%y%m%d"),
            "comparison": report.comparison_label or labels["comparison"],
        }

    # -- goals ---------------------------------------------------------------------

    def _check_tense(self, tense: Tense | None) -> None:
        assessed = [(path, goal.assessment) for path, goal in self.report.goal_paths() if goal.assessment is not None]
        kind = self.report.period_kind
        if not assessed:
            return
        if tense is None:
            path, _ = assessed[0]
            self.problem((*path, "assessment"), "warning",
                         f"a plan (period_kind: {kind}) assesses no goals, found {len(assessed)} assessment(s); "
                         "remove them or set the period_kind of a follow-up report")
            return
        wrong = [(path, a) for path, a in assessed if a.tense != tense]
        if not wrong:
            return
        tense_word = "past ('uppfylldes')" if tense == Tense.PAST else "present ('uppfylls')"
        if len(wrong) == len(assessed):
            self.problem(("period_kind",), "warning",
                         f"period_kind is {kind}, whose assessments are in the {tense_word} tense, but every assessment "
                         f"is in the other tense; set period_kind to the report's kind or write e.g. '{wrong[0][1].in_tense(tense).value}'")
            return
        for path, assessment in wrong:
            self.problem((*path, "assessment"), "warning",
                         f"'{assessment.value}' mixes tenses: this {kind} report assesses in the {tense_word} tense, "
                         f"expected '{assessment.in_tense(tense).value}'")

    def _counts(self, tense: Tense | None) -> list[LevelCount]:
        report = self.report
        if tense is None or (report.consolidates is not None and all(g.assessment is None for g in report.all_goals())):
            return []  # a consolidated report counts the nämnder's assessments instead (render.consolidate)
        levels: list[tuple[str, list[Any]]] = [
            ("direction", report.goals),
            ("area", [a for d in report.goals for a in d.area_goals]),
            ("board", [b for d in report.goals for a in d.area_goals for b in a.board_goals]),
        ]
        out = []
        for level, goals in levels:
            if not goals or (level == "direction" and all(g.assessment is None for g in goals)):
                continue
            counts = {name: sum(1 for g in goals if g.assessment is not None and g.assessment.level == name) for name in LEVELS}
            counts["pending"] = sum(1 for g in goals if g.assessment is None)
            out.append(LevelCount(level, len(goals), counts, self._count_text(level, len(goals), counts, tense)))
        return out

    def _count_text(self, level: str, total: int, counts: dict[str, int], tense: Tense) -> str:
        labels = self.labels
        past = "_past" if tense == Tense.PAST else ""

        def word(name: str) -> str:
            return labels.get(f"count_{name}{past}", labels[f"count_{name}"])

        text = fill(labels["count_lead"], {"n": counts["fully"], "total": total,
                                           "what": labels[f"{level}_goals_plural"], "assessment": word("fully")})
        for name in ("partly", "not_met", "not_assessed", "pending"):
            if counts[name]:
                text += ", " + fill(labels["count_more"], {"n": counts[name], "assessment": word(name)})
        return text

    # -- indicator tables ----------------------------------------------------------

    def _indicator_tables(self) -> None:
        report = self.report
        hidden_history = False
        for path, goal in self.report.goal_paths():
            if isinstance(goal, DirectionGoal) or not goal.indicators:
                continue
            spec = goal.indicator_columns or report.indicator_columns
            columns = self._indicator_columns(spec, goal)
            shown = {c.key for c in columns}
            if "earlier" not in shown and any(self._earlier(i, goal) != i.earlier for i in goal.indicators):
                hidden_history = True
            rows: list[tuple[Indicator, list[IndicatorCell]]] = []
            for index, indicator in enumerate(goal.indicators):
                self._hidden_values(indicator, shown, (*path, "indicators", index))
                rows.append((indicator, [self._indicator_cell(indicator, column, goal) for column in columns]))
            self.indicators[id(goal)] = IndicatorTable(columns, rows)
        if hidden_history:
            self.problem(("indicator_columns",) if report.indicator_columns is not None else ("predecessors",), "warning",
                         "the predecessors' outcomes are not shown: indicator_columns has no 'earlier' column; add "
                         "'earlier' to indicator_columns (of the report or of the goal)")

    def _earlier(self, indicator: Indicator, goal: Goal) -> dict[str, Value]:
        """Outcomes of earlier periods: the predecessors', and those the author typed (which win)."""
        if self.history is None:
            return indicator.earlier  # type: ignore[return-value]
        return {**self.history.earlier(indicator, goal.number), **indicator.earlier}  # type: ignore[dict-item]

    def _indicator_columns(self, spec: IndicatorColumns | None, goal: Goal) -> list[IndicatorColumnView]:
        indicators = goal.indicators
        keys: list[tuple[str, str | None]] = []
        defaults = default_indicator_columns(self.report.period_kind)
        if spec is None and self.history is not None and self.history.periods and "earlier" not in defaults:
            # A report with predecessors shows their outcomes before its own forecast and targets.
            at = next((i for i, k in enumerate(defaults) if k in ("forecast", "target")), len(defaults))
            defaults = (*defaults[:at], "earlier", *defaults[at:])
        for item in spec if spec is not None else defaults:
            key, label = (item.column, item.label) if isinstance(item, IndicatorColumn) else (item, None)
            keys.append((key, label))
        out: list[IndicatorColumnView] = []
        history = [p.label for p in self.history.periods] if self.history is not None else []
        for key, label in keys:
            if key == "earlier":
                typed = [name for ind in indicators for name in ind.earlier]
                found = {name for ind in indicators for name in self._earlier(ind, goal)}
                periods = list(dict.fromkeys([*typed, *(p for p in history if p in found)]))
                out.extend(IndicatorColumnView("earlier", label or fill(self.labels["col_earlier"], {"period": p}), p)
                           for p in periods)
                continue
            out.append(IndicatorColumnView(key, label or self.labels[f"col_{key}"]))
        return out

    def _hidden_values(self, indicator: Indicator, shown: set[str], path: Path_) -> None:
        """A value in a column the table does not show would vanish from the document: say so."""
        present = [name for name in _INDICATOR_FIELDS if getattr(indicator, name) is not None]
        if indicator.missing_reason is not None:
            present.append("missing_reason")
        if indicator.earlier:
            present.append("earlier")
        if indicator.period is not None:
            present.append("period")
        for name in present:
            column = "outcome" if name == "missing_reason" else name
            if column in shown:
                continue
            kind = self.report.period_kind
            why = {("forecast", PeriodKind.ANNUAL): " (an annual report has no forecast)",
                   ("outcome", PeriodKind.PLAN): " (a plan has no outcomes)"}.get((column, kind), "")
            self.problem((*path, name), "warning",
                         f"{dotted(self.loaded.positions.relative((*path, name)))}: '{column}' is not a column of this "
                         f"table{why}, so the value would not be shown; remove it or add '{column}' to indicator_columns",
                         key=True)

    def _indicator_cell(self, indicator: Indicator, column: IndicatorColumnView, goal: Goal) -> IndicatorCell:
        locale = self.report.locale
        if column.key == "period":
            return IndicatorCell(None, indicator.period or "", False)
        if column.key == "earlier":
            value = self._earlier(indicator, goal).get(column.earlier or "")
        else:
            value = getattr(indicator, column.key)
        if column.key == "outcome" and value is None and indicator.missing_reason:
            return IndicatorCell(None, indicator.missing_reason, False, missing=True)
        return IndicatorCell(value, format_value(value, locale), value is not None and value.is_number)

    # -- sections and financial tables ---------------------------------------------

    def _sections(self, sections: list[Section], path: Path_, anchor: str, level: int) -> list[SectionView]:
        return [self._section(s, (*path, i), f"{anchor}-{i + 1}", level) for i, s in enumerate(sections)]

    def _section(self, section: Section, path: Path_, anchor: str, level: int) -> SectionView:
        tables = [self._table(t, (*path, "tables", i)) for i, t in enumerate(section.tables)]
        subs = self._sections(section.sections, (*path, "sections"), anchor, level + 1)
        return SectionView(section, anchor, level, tables, subs)

    def _table(self, spec: FinancialTable, path: Path_) -> ComputedTable:
        labels = self.labels
        values = self._report_values(labels)
        unit = spec.unit or labels["unit"]
        columns: list[Column] = []
        declared = spec.columns
        if declared is None:
            for key, difference in default_table_columns(self.report.period_kind):
                columns.append(Column(key, labels[_TABLE_COLUMN_LABELS[key]], difference))
        else:
            for index, column in enumerate(declared):
                label = column.label
                if label is None and column.key in _TABLE_COLUMN_LABELS:
                    label = labels[_TABLE_COLUMN_LABELS[column.key]]
                if label is None:
                    self.problem((*path, "columns", index), "error",
                                 f"column '{column.key}' needs a label, e.g. {{key: {column.key}, label: …}}")
                    label = column.key
                columns.append(Column(column.key, label, column.difference))
        investments = spec.kind == TableKind.INVESTMENTS
        prefix = "investment_" if investments else ""
        lines = {Line.COSTS: labels[f"{prefix}costs" if investments else "line_costs"],
                 Line.INCOME: labels[f"{prefix}income" if investments else "line_income"],
                 Line.NET: labels["line_net"]}
        lines.update(spec.line_labels)
        sums = {Line.COSTS: labels[f"{prefix}sum_costs"], Line.INCOME: labels[f"{prefix}sum_income"],
                Line.NET: labels["sum_net"]}
        wording = Wording(lines, sums, labels["sum_row_operating" if spec.kind == TableKind.OPERATING else "sum_row"],
                          labels["total_row"])
        caption = spec.caption or fill(labels[f"table_{spec.kind.value}"], {**values, "unit": unit})
        table = compute_table(spec, columns, wording, path, caption, unit)
        for problem in table.problems:
            self.problem(problem.path, "error", problem.message, key=problem.key)
        locale = self.report.locale
        for miss in table.mismatches:
            self.problem(miss.path, "warning",
                         f"{caption}: {miss.label} {miss.column}: stated {format_number(miss.stated, spec.decimals, locale)} "
                         f"but the figures add up to {format_number(miss.computed, spec.decimals, locale)}, expected a "
                         "difference of at most rounding; correct the stated figure or the figures it is computed from")
        if spec.chart and not table.problems and table.chart_columns() is None:
            self.problem((*path, "chart"), "error",
                         "a chart compares 'budget' with one of: " + ", ".join(COMPARED_WITH_BUDGET)
                         + "; this table has no such pair of columns")
        self.tables.append(table)
        return table

