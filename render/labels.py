"""Every label the documents print, per locale, in one place.

A report picks a locale (`locale: sv`) and may override single labels
(`labels: {page: Sida}`) for an older house style; templates never hard-code text.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SV: dict[str, str] = {
    # page furniture
    "page": "Sid",
    "page_of": "{page} ({pages})",
    "dnr": "Dnr",
    "date": "Datum",
    "handlaggare": "Handläggare",
    "phone": "Telefon",
    "switchboard": "Växel",
    "to": "Till",
    "proposals_heading": "{forvaltning_genitive} förslag till beslut",
    "summary": "Sammanfattning",
    "background": "Bakgrund",
    "contents": "Innehåll",
    "logo_alt": "{organisation}",
    # report body
    "summary_analysis": "Sammanfattande analys",
    "goals_section": "Uppföljning av Kommunfullmäktiges inriktningsmål",
    "goal_overview": "Måluppfyllelse i översikt",
    "goal_overview_caption": "Bedömning av samtliga mål",
    "direction_goal": "KF:s inriktningsmål",
    "area_goal": "KF:s mål för verksamhetsområdet",
    "board_goal": "Nämndmål",
    "area_goals_plural": "KF:s mål för verksamhetsområdet",
    "board_goals_plural": "nämndmål",
    "goal": "Mål",
    "assessment": "Bedömning",
    "count_fully": "{n} av {total} {what} uppfylls helt",
    "count_fully_past": "{n} av {total} {what} uppfylldes helt",
    "analysis": "Analys",
    "expected_result": "Förväntat resultat",
    "economy": "Uppföljning av ekonomi",
    # assessments
    "uppfylls_helt": "Uppfylls helt",
    "uppfylls_delvis": "Uppfylls delvis",
    "uppfylls_inte": "Uppfylls inte",
    "bedoms_inte": "Bedöms inte",
    "uppfylldes_helt": "Uppfylldes helt",
    "uppfylldes_delvis": "Uppfylldes delvis",
    "uppfylldes_inte": "Uppfylldes inte",
    "not_assessed_yet": "Ej bedömd",
    # indicator table
    "indicators_caption": "Indikatorer",
    "indicator": "Indikator",
    "outcome": "Periodens utfall",
    "outcome_men": "Utfall män/ pojkar",
    "outcome_women": "Utfall kvinnor/ flickor",
    "comparison": "Periodens utfall {comparison_label}",
    "forecast": "Prognos helår",
    "target": "Årsmål",
    "kf_target": "KF:s årsmål",
    "period": "Period",
    "kf_indicator": "KF:s indikator",
    # activity table
    "activities_caption": "Aktiviteter",
    "activity": "Aktivitet",
    "start": "Startdatum",
    "end": "Slutdatum",
    "deviation": "Avvikelse",
    "no_deviation": "Ingen avvikelse",
    # budget table
    "budget_caption": "Driftbudget, {unit}",
    "costs": "Kostnader",
    "income": "Intäkter",
    "net": "Netto",
    "sum_costs": "Summa kostnader",
    "sum_income": "Summa intäkter",
    "sum_net": "Summa netto",
    "chart_title": "Budget och prognos per verksamhet, netto {unit}",
    "chart_desc": "Stapeldiagram som jämför justerad budget och prognos för helåret per verksamhet. Siffrorna finns i tabellen ovan.",
    "chart_budget": "Budget",
    "chart_forecast": "Prognos",
    # preview
    "preview_errors": "Innehållet har fel; senaste fungerande version visas",
}

EN: dict[str, str] = {
    **SV,
    "page": "Page",
    "dnr": "Ref. no.",
    "date": "Date",
    "handlaggare": "Officer",
    "phone": "Telephone",
    "switchboard": "Switchboard",
    "to": "To",
    "proposals_heading": "Proposed decision of {forvaltning}",
    "summary": "Summary",
    "background": "Background",
    "contents": "Contents",
    "summary_analysis": "Summary analysis",
    "goals_section": "Follow-up of the City Council's strategic goals",
    "goal_overview": "Goal attainment at a glance",
    "goal_overview_caption": "Assessment of every goal",
    "direction_goal": "City Council strategic goal",
    "area_goal": "City Council goal for the area",
    "board_goal": "Committee goal",
    "area_goals_plural": "City Council area goals",
    "board_goals_plural": "committee goals",
    "goal": "Goal",
    "assessment": "Assessment",
    "count_fully": "{n} of {total} {what} fully met",
    "count_fully_past": "{n} of {total} {what} were fully met",
    "analysis": "Analysis",
    "expected_result": "Expected result",
    "economy": "Financial follow-up",
    "uppfylls_helt": "Fully met",
    "uppfylls_delvis": "Partly met",
    "uppfylls_inte": "Not met",
    "bedoms_inte": "Not assessed",
    "uppfylldes_helt": "Was fully met",
    "uppfylldes_delvis": "Was partly met",
    "uppfylldes_inte": "Was not met",
    "not_assessed_yet": "Not yet assessed",
    "indicators_caption": "Indicators",
    "indicator": "Indicator",
    "outcome": "Outcome for the period",
    "outcome_men": "Outcome men/ boys",
    "outcome_women": "Outcome women/ girls",
    "comparison": "Outcome {comparison_label}",
    "forecast": "Full-year forecast",
    "target": "Annual target",
    "kf_target": "Council's annual target",
    "period": "Period",
    "kf_indicator": "City Council indicator",
    "activities_caption": "Activities",
    "activity": "Activity",
    "start": "Start date",
    "end": "End date",
    "deviation": "Deviation",
    "no_deviation": "No deviation",
    "budget_caption": "Operating budget, {unit}",
    "costs": "Costs",
    "income": "Income",
    "net": "Net",
    "sum_costs": "Total costs",
    "sum_income": "Total income",
    "sum_net": "Total net",
    "chart_title": "Budget and forecast per activity, net {unit}",
    "chart_desc": "Bar chart comparing the adjusted budget with the full-year forecast per activity. The figures are in the table above.",
    "chart_budget": "Budget",
    "chart_forecast": "Forecast",
    "preview_errors": "The content has errors; the last good version is shown",
}

LOCALES: Mapping[str, Mapping[str, str]] = MappingProxyType({"sv": SV, "en": EN})
# BCP 47 tags for <html lang> and the PDF /Lang entry, and Babel locales for numbers.
LANGUAGE_TAGS = MappingProxyType({"sv": "sv-SE", "en": "en-GB"})
BABEL_LOCALES = MappingProxyType({"sv": "sv_SE", "en": "en_GB"})


def labels_for(locale: str, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The label set of `locale` with a report's own overrides applied."""
    labels = dict(LOCALES[locale])
    labels.update(overrides or {})
    return labels
