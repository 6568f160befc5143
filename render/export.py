"""Indicators, activities and budget as data: CSV for Swedish Excel, and JSON.

CSV: UTF-8 with BOM, semicolon separators, decimal comma, so that Excel with a
Swedish locale opens it correctly. JSON: plain numbers (no formatting), units beside.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from render.budget import compute_budget
from render.labels import labels_for
from render.model import Report
from render.values import Value


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


_INDICATOR_FIELDS = ("outcome", "outcome_men", "outcome_women", "comparison", "forecast", "target", "kf_target")


def export_tables(report: Report) -> dict[str, bytes]:
    """File name -> bytes: indicators, activities and budget as .csv and .json."""
    indicator_rows, indicator_json = [], []
    activity_rows, activity_json = [], []
    for goal in report.assessed_goals():
        number, title = goal.number, goal.title
        for ind in goal.indicators:
            units = [getattr(ind, f).unit if getattr(ind, f) is not None else "" for f in _INDICATOR_FIELDS]
            indicator_rows.append(
                [number, title, ind.name, "ja" if ind.kf_indicator else "nej",
                 *(_cell_csv(getattr(ind, f)) for f in _INDICATOR_FIELDS),
                 next((u for u in units if u), ""), ind.period, ind.analysis or ""]
            )
            indicator_json.append(
                {"goal": number, "goal_title": title, "name": ind.name, "kf_indicator": ind.kf_indicator,
                 **{f: (getattr(ind, f).to_json() if getattr(ind, f) is not None else None) for f in _INDICATOR_FIELDS},
                 "period": ind.period, "analysis": ind.analysis}
            )
        for act in goal.activities:
            activity_rows.append([number, title, act.text, act.start.isoformat(), act.end.isoformat(),
                                  "ja" if act.deviation else "nej", act.analysis or ""])
            activity_json.append({"goal": number, "goal_title": title, "text": act.text, "start": act.start.isoformat(),
                                  "end": act.end.isoformat(), "deviation": act.deviation, "analysis": act.analysis})

    table = report.economy.budget
    budget = compute_budget(table)
    labels = labels_for(report.locale, report.labels)
    budget_rows, budget_json = [], []
    heading = ""
    for row in budget.rows:
        if row.kind == "group":
            heading = row.label
            continue
        if row.line == "grand_total":
            label = row.label
        else:
            label = labels[f"sum_{row.line}" if row.kind == "total" else str(row.line)]
        figures = {col: row.cells[col].shown for col in ("budget", "booked", "forecast", "deviation")}
        budget_rows.append([heading if row.line != "grand_total" else "", label or "",
                            *(_excel_number(v.quantize(Decimal("0.1"))) for v in figures.values())])
        budget_json.append({"group": heading if row.line != "grand_total" else None, "line": label,
                            **{k: float(v) for k, v in figures.items()}, "unit": table.unit})

    columns = table.columns
    return {
        "indikatorer.csv": _csv(
            ["Mål", "Målets titel", "Indikator", "KF:s indikator", "Periodens utfall", "Utfall män/pojkar",
             "Utfall kvinnor/flickor", f"Periodens utfall {report.comparison_label}", "Prognos helår", "Årsmål",
             "KF:s årsmål", "Enhet", "Period", "Analys"], indicator_rows),
        "indikatorer.json": _json(indicator_json),
        "aktiviteter.csv": _csv(["Mål", "Målets titel", "Aktivitet", "Startdatum", "Slutdatum", "Avvikelse", "Analys"],
                                activity_rows),
        "aktiviteter.json": _json(activity_json),
        "budget.csv": _csv([table.stub, "Rad", columns.budget, columns.booked, columns.forecast, columns.deviation],
                           budget_rows),
        "budget.json": _json(budget_json),
    }


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
