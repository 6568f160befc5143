"""Goals, indicators, activities and financial tables as data: CSV for Swedish Excel, and JSON.

CSV: UTF-8 with BOM, semicolon separators, decimal comma, so that Excel with a
Swedish locale opens it correctly; every header is the edition's own label, and
indicator columns are named for what they hold in this report. JSON: plain
numbers (no formatting), units beside, English keys.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from render.derive import Derived
from render.history import period_label
from render.values import Value

Header = tuple[str, str | None]  # (column key, earlier period)


def _excel_number(number: Decimal) -> str:
    # No thousands separator: Excel would read "2 351,0" as text.
    return format(number, "f").replace(".", ",")


def _cell_csv(value: Value | None) -> str:
    if value is None:
        return ""
    if value.number is None:
        return value.text or ""
    return _excel_number(value.number)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_tables(derived: Derived) -> dict[str, bytes]:
    """File name -> bytes: goals, indicators, activities and every financial table as .csv and .json."""
    labels = derived.labels
    files: dict[str, bytes] = {}
    files.update(_goals(derived))
    files.update(_indicators(derived))
    files.update(_activities(derived))
    files.update(_series(derived))
    files.update(_consolidated(derived))
    used: dict[str, int] = {}
    for table in derived.tables:
        base = table.spec.id or labels[f"file_{table.spec.kind.value}"]
        used[base] = used.get(base, 0) + 1
        name = base if used[base] == 1 else f"{base}-{used[base]}"
        header, rows, data = _table(derived, table)
        files[f"{name}.csv"] = _csv(header, rows)
        files[f"{name}.json"] = _json(data)
    return files


def _assessment(derived: Derived, goal: Any) -> dict[str, str] | None:
    if goal.assessment is None:
        return None
    return {"level": goal.assessment.level, "tense": goal.assessment.tense.value,
            "label": derived.labels[goal.assessment.value]}


def _goals(derived: Derived) -> dict[str, bytes]:
    labels = derived.labels
    rows, data = [], []
    for goal in derived.report.all_goals():
        assessment = _assessment(derived, goal)
        rows.append([goal.number, goal.title, assessment["label"] if assessment else labels["not_assessed_yet"]])
        data.append({"goal": goal.number, "id": goal.id, "title": goal.title, "assessment": assessment})
    counts = [{"level": c.level, "total": c.total, **c.counts, "text": c.text} for c in derived.counts]
    name = labels["file_goals"]
    return {f"{name}.csv": _csv([labels["export_goal"], labels["export_goal_title"], labels["assessment"]], rows),
            f"{name}.json": _json({"goals": data, "counts": counts})}


def _indicators(derived: Derived) -> dict[str, bytes]:
    """One row per indicator; the columns are every column any of the report's tables shows."""
    labels = derived.labels
    headers: dict[Header, str] = {}
    tables = [(goal, derived.indicator_table(goal)) for goal in derived.report.assessed_goals()]
    for _, table in tables:
        for column in table.columns if table else []:
            headers.setdefault((column.key, column.earlier), column.label)
    rows, data = [], []
    for goal, table in tables:
        if table is None:
            continue
        for indicator, cells in table.rows:
            by_key = {(c.key, c.earlier): cell for c, cell in zip(table.columns, cells, strict=True)}
            # An earlier period's value may come from a predecessor (render.history): the table's cell has it.
            values = [by_key[key].value if key[0] == "earlier" and key in by_key else _value(indicator, key)
                      for key in headers]
            unit = next((v.unit for v in values if isinstance(v, Value) and v.unit), "")
            rows.append([goal.number, goal.title, indicator.name,
                         labels["export_yes" if indicator.council_indicator else "export_no"],
                         *(_cell_csv(v) if isinstance(v, Value) or v is None else str(v) for v in values),
                         unit, indicator.missing_reason or "", indicator.analysis or ""])
            data.append({"goal": goal.number, "goal_title": goal.title, "id": indicator.id, "name": indicator.name,
                         "council_indicator": indicator.council_indicator,
                         **{_json_key(key): (v.to_json() if isinstance(v, Value) else v)
                            for key, v in zip(headers, values, strict=True) if key in by_key or v is not None},
                         "missing_reason": indicator.missing_reason, "analysis": indicator.analysis})
    header = [labels["export_goal"], labels["export_goal_title"], labels["indicator"], labels["council_indicator"],
              *headers.values(), labels["export_unit"], labels["export_missing_reason"], labels["analysis"]]
    name = labels["file_indicators"]
    return {f"{name}.csv": _csv(header, rows), f"{name}.json": _json(data)}


def _value(indicator: Any, key: Header) -> Value | str | None:
    column, earlier = key
    if column == "earlier":
        return indicator.earlier.get(earlier or "")
    return getattr(indicator, column)  # type: ignore[no-any-return]


def _json_key(key: Header) -> str:
    column, earlier = key
    return f"earlier:{earlier}" if column == "earlier" else column


def _activities(derived: Derived) -> dict[str, bytes]:
    labels = derived.labels
    rows, data = [], []
    for goal in derived.report.assessed_goals():
        for act in goal.activities:
            rows.append([goal.number, goal.title, act.text, act.start.isoformat(), act.end.isoformat(),
                         _deviation(act.deviation, labels), act.analysis or ""])
            data.append({"goal": goal.number, "goal_title": goal.title, "text": act.text, "start": act.start.isoformat(),
                         "end": act.end.isoformat(), "deviation": act.deviation, "analysis": act.analysis})
    header = [labels["export_goal"], labels["export_goal_title"], labels["activity"], labels["start"], labels["end"],
              labels["deviation"], labels["analysis"]]
    name = labels["file_activities"]
    return {f"{name}.csv": _csv(header, rows), f"{name}.json": _json(data)}


def _deviation(deviation: bool | None, labels: dict[str, str]) -> str:
    """Avvikelse as a CSV cell: yes, no, or not yet followed up (left empty in the content; null in JSON)."""
    if deviation is None:
        return labels["not_followed_up"]
    return labels["export_yes" if deviation else "export_no"]


def _table(derived: Derived, table: Any) -> tuple[list[str], list[list[str]], dict[str, Any]]:
    labels = derived.labels
    places = Decimal(1).scaleb(-table.spec.decimals)
    rows: list[list[str]] = []
    items: list[dict[str, Any]] = []
    group = ""
    for row in table.rows:
        if row.kind in ("heading", "sum_heading"):
            group = row.label
            continue
        in_group = row.kind in ("line", "sum_line")
        figures = {c.key: row.cells[c.key].shown for c in table.columns}
        rows.append([group if in_group else "", row.label,
                     *(_excel_number(v.quantize(places)) for v in figures.values()),
                     *([row.text or ""] if table.spec.text_column else [])])
        items.append({"group": group if in_group else None, "row": row.label, "kind": row.kind,
                      "line": row.line.value if row.line else None, **{k: float(v) for k, v in figures.items()},
                      **({"text": row.text} if table.spec.text_column else {})})
    header = [labels["export_group"], table.spec.stub or labels["export_row"], *(c.label for c in table.columns),
              *([table.spec.text_column] if table.spec.text_column else [])]
    data = {"caption": table.caption, "kind": table.spec.kind.value, "unit": table.unit,
            "columns": [{"key": c.key, "label": c.label, **({"difference": list(c.difference)} if c.difference else {})}
                        for c in table.columns],
            "rows": items}
    return header, rows, data



def _series(derived: Derived) -> dict[str, bytes]:
    """Each indicator's and budget line's values across the report's predecessors and this period."""
    history = derived.history
    if history is None or not history.periods:
        return {}
    labels = derived.labels
    report = derived.report
    current = period_label(report.period_kind, report.period, report.year, labels)
    periods = [{"period": p.label, "as_of": p.as_of.isoformat(), "report": p.slug} for p in history.periods]
    periods.append({"period": current, "as_of": report.as_of.isoformat(), "report": derived.loaded.slug})
    rows: list[list[str]] = []
    indicators = []
    for goal in report.assessed_goals():
        for indicator in goal.indicators:
            points = [(p.label, p.as_of.isoformat(), p.slug, e.outcome) for p, e in history.entries(indicator, goal.number)]
            points.append((current, report.as_of.isoformat(), derived.loaded.slug, indicator.outcome))
            for label, as_of, slug, value in points:
                rows.append([labels["indicator"], indicator.id or "", indicator.name, label, as_of, slug,
                             _cell_csv(value), value.unit if value is not None else ""])
            indicators.append({"goal": goal.number, "id": indicator.id, "name": indicator.name,
                               "values": {label: (v.to_json() if v is not None else None) for label, _, _, v in points}})
    budget = None
    if history.budget is not None:
        table = history.budget
        for row in table.rows:
            for column, figure in zip(table.columns, row.values, strict=True):
                rows.append([table.caption, "", row.label, column, "", "",
                             _excel_number(figure) if figure is not None else "", table.unit])
        budget = {"caption": table.caption, "unit": table.unit, "columns": table.columns,
                  "rows": [{"row": r.label, "bottom_line": r.bottom,
                            "values": [float(v) if v is not None else None for v in r.values]} for r in table.rows]}
    header = [labels["export_series"], "Id", labels["export_row"], labels["export_period"], labels["export_as_of"],
              labels["export_report"], labels["export_value"], labels["export_unit"]]
    name = labels["file_series"]
    return {f"{name}.csv": _csv(header, rows),
            f"{name}.json": _json({"periods": periods, "indicators": indicators, "budget": budget})}


def _consolidated(derived: Derived) -> dict[str, bytes]:
    """The consolidated counts per KF goal, nämnd by nämnd, and the KF indicators across nämnder."""
    view = derived.consolidated
    if view is None:
        return {}
    labels = derived.labels
    goal_rows: list[list[str]] = []
    goals = []
    for tally in view.tallies:
        for level, heading in view.levels:
            for ref in tally.references[level]:
                goal_rows.append([tally.goal.number, tally.goal.id or "", tally.goal.title, ref.board, ref.slug,
                                  ref.number, heading])
        goals.append({"goal": tally.goal.number, "id": tally.goal.id, "title": tally.goal.title, "total": tally.total,
                      "counts": {level: len(tally.references[level]) for level, _ in view.levels}, "text": tally.text,
                      "reports": {level: [{"report": r.slug, "board": r.board, "goal": r.number, "href": r.href}
                                          for r in tally.references[level]] for level, _ in view.levels}})
    indicator_rows: list[list[str]] = []
    indicators = []
    for tally in view.tallies:
        for ind in tally.indicators:
            for row in ind.rows:
                verdict = labels[f"city_{row.verdict}"]
                indicator_rows.append([tally.goal.number, ind.key, ind.name, row.reference.board, row.reference.slug,
                                       row.outcome, row.forecast, row.target, row.council_target, verdict, row.reason])
            indicators.append({"goal": tally.goal.id, "id": ind.key, "name": ind.name,
                               "lower_is_better": ind.lower_is_better, "counts": ind.counts, "text": ind.text,
                               "reports": [{"report": r.reference.slug, "board": r.reference.board,
                                            "outcome": r.outcome, "forecast": r.forecast, "target": r.target,
                                            "council_target": r.council_target, "verdict": r.verdict,
                                            "basis": r.basis, "reason": r.reason} for r in ind.rows]})
    goal_header = [labels["export_goal"], "Id", labels["export_goal_title"], labels["city_reporter"],
                   labels["export_report"], labels["export_goal"], labels["assessment"]]
    indicator_header = [labels["export_goal"], "Id", labels["indicator"], labels["city_reporter"], labels["export_report"],
                        labels["col_outcome"], labels["col_forecast"], labels["col_target"], labels["col_council_target"],
                        labels["export_verdict"], labels["city_unjudged"]]
    goals_name, indicators_name = labels["file_city_goals"], labels["file_city_indicators"]
    return {f"{goals_name}.csv": _csv(goal_header, goal_rows), f"{goals_name}.json": _json(goals),
            f"{indicators_name}.csv": _csv(indicator_header, indicator_rows), f"{indicators_name}.json": _json(indicators)}
