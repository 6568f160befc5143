"""Every word the documents and exports print, per locale, in one place.

A label set is the locale's base labels, then the words that differ for the
writer (a company writes "Bolagets mål" where a nämnd writes "Nämndmål"), then
the words that differ for the period kind (an annual report's "Utfall"), then a
report's own overrides (`labels: {page: Sida}`). Templates never hard-code text.

Labels may hold named placeholders such as `{unit}`; `fill` substitutes them and
nothing else: no attribute access, no indexing, and each label may use only the
placeholders documented for it in PLACEHOLDERS.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from render.period import PeriodKind, Writer

SV: dict[str, str] = {
    # page furniture and the front page
    "document_kind": "Tjänsteutlåtande",
    "page": "Sid",
    "reference": "Dnr",
    "date": "Datum",
    "officer": "Handläggare",
    "phone": "Telefon",
    "switchboard": "Växel",
    "to": "Till",
    "proposals_heading": "{administration_genitive} förslag till beslut",
    "summary": "Sammanfattning",
    "background": "Bakgrund",
    "preparation": "Ärendets beredning",
    "considerations": "{administration_genitive} synpunkter och förslag",
    "attachments": "Bilagor",
    "attachment": "Bilaga {n}.",
    "contents": "Innehåll",
    "logo_alt": "{organisation}",
    # the report body
    "summary_analysis": "Sammanfattande analys",
    "goals_section": "Uppföljning av Kommunfullmäktiges inriktningsmål",
    "goal_overview": "Måluppfyllelse i översikt",
    "goal_number": "Nr",
    "direction_goal": "KF:s inriktningsmål",
    "area_goal": "KF:s mål för verksamhetsområdet",
    "board_goal": "Nämndmål",
    "direction_goals_plural": "inriktningsmål",
    "area_goals_plural": "KF:s mål för verksamhetsområdet",
    "board_goals_plural": "nämndmål",
    "goal": "Mål",
    "assessment": "Bedömning",
    "analysis": "Analys",
    "expected_result": "Förväntat resultat",
    "economy": "Uppföljning av ekonomi",
    # derived counts: "8 av 12 nämndmål uppfylls helt, 3 delvis, 1 inte"
    "count_lead": "{n} av {total} {what} {assessment}",
    "count_more": "{n} {assessment}",
    "count_fully": "uppfylls helt",
    "count_partly": "delvis",
    "count_not_met": "inte",
    "count_not_assessed": "bedöms inte",
    "count_fully_past": "uppfylldes helt",
    "count_not_assessed_past": "bedömdes inte",
    "count_pending": "ej bedömda",
    # assessments
    "uppfylls_helt": "Uppfylls helt",
    "uppfylls_delvis": "Uppfylls delvis",
    "uppfylls_inte": "Uppfylls inte",
    "bedoms_inte": "Bedöms inte",
    "uppfylldes_helt": "Uppfylldes helt",
    "uppfylldes_delvis": "Uppfylldes delvis",
    "uppfylldes_inte": "Uppfylldes inte",
    "bedomdes_inte": "Bedömdes inte",
    "not_assessed_yet": "Ej bedömd",
    # indicator tables
    "indicator": "Indikator",
    "col_outcome": "Periodens utfall",
    "col_outcome_men": "Utfall män/ pojkar",
    "col_outcome_women": "Utfall kvinnor/ flickor",
    "col_previous": "Periodens utfall {comparison}",
    "col_earlier": "Utfall {period}",
    "col_forecast": "Prognos helår",
    "col_target": "Årsmål",
    "col_council_target": "KF:s årsmål",
    "col_period": "Period",
    "comparison": "föregående år",
    "council_indicator": "KF:s indikator",
    "council_marker": "KF",
    "indicator_table": "Indikatorer, mål {number}",
    # activity tables
    "activity": "Aktivitet",
    "start": "Startdatum",
    "end": "Slutdatum",
    "deviation": "Avvikelse",
    "activity_table": "Aktiviteter, mål {number}",
    "no_deviation": "Ingen",  # printed in the Avvikelse column: "Avvikelse: Ingen"
    "not_followed_up": "Ej uppföljd",  # an activity whose deviation is left empty (tul new)
    # financial tables
    "unit": "mnkr",
    "table_operating": "Driftbudget, {unit}",
    "table_investments": "Investeringar, {unit}",
    "table_result_transfer": "Resultatöverföring, {unit}",
    "table_budget_adjustments": "Budgetjusteringar, {unit}",
    "table_turnover_changes": "Omslutningsförändringar, {unit}",
    "table_result_statement": "Resultaträkning, {unit}",
    "table_other": "Tabell, {unit}",
    "table_text_column": "Kommentar",
    "line_costs": "Kostnader",
    "line_income": "Intäkter",
    "line_net": "Netto",
    "sum_costs": "Summa kostnader",
    "sum_income": "Summa intäkter",
    "sum_net": "Summa netto",
    "investment_costs": "Utgifter",
    "investment_income": "Inkomster",
    "investment_sum_costs": "Summa utgifter",
    "investment_sum_income": "Summa inkomster",
    "sum_row": "Summa",
    "sum_row_operating": "Summa drift",
    "total_row": "Totalt netto inkl investeringar",
    "col_budget": "Budget {year}",
    "col_booked": "Bokfört {as_of_short}",
    "col_table_forecast": "Prognos helår {year}",
    "col_table_outcome": "Utfall {year}",
    "col_deviation": "Avvikelse",
    "col_previous_outcome": "Utfall {previous_year}",
    "col_previous_budget": "Budget {previous_year}",
    "chart_title": "{budget} och {compared} per verksamhet, netto {unit}",
    "chart_desc": "Stapeldiagram som jämför {budget} med {compared} per verksamhet. Siffrorna finns i tabellen ovan.",
    "chart_rest": "Övriga verksamheter, med egen skala",
    "chart_budget": "Budget",
    "chart_forecast": "Prognos",
    "chart_outcome": "Utfall",
    "chart_booked": "Bokfört",
    "chart_previous_budget": "Budget föregående år",
    # the city's consolidated follow-up (sammanställning)
    "city_reports": "Sammanställningen bygger på {n} rapporter från nämnder och bolag.",
    "city_goals_overview": "Nämndernas och bolagens bedömningar per KF-mål",
    "city_reporting": "Antal",
    "city_distribution": "Fördelning",
    "city_tally": "{total} nämnder och bolag följer upp målet",
    "city_tally_none": "Ingen nämnd och inget bolag följer upp målet.",
    "city_links_note": "Varje nämnd och bolag länkar till målet i sin egen rapport. I den tryckta versionen anges målets nummer i nämndens eller bolagets rapport.",
    "city_goal_ref": "mål {number}",
    "city_indicators": "KF:s indikatorer i nämnderna och bolagen",
    "city_reporter": "Nämnd eller bolag",
    "city_verdict": "Når årsmålet",
    "city_meets": "Ja",
    "city_misses": "Nej",
    "city_unjudged": "Kan inte bedömas",
    "city_on_forecast": "enligt prognos",
    "city_on_outcome": "enligt utfall",
    "city_lower_is_better": "Ett lägre värde når målet.",
    "city_indicator_lead": "{n} av {total} når årsmålet",
    "city_indicator_misses": "{n} når det inte",
    "city_indicator_unjudged": "{n} kan inte bedömas",
    "city_reason_forecast": "prognos saknas",
    "city_reason_outcome": "utfall saknas",
    "city_reason_target": "inget årsmål i siffror",
    "city_reason_relative": "årsmålet är ett intervall eller en förändring",
    "city_reason_text": "värdet är inte en siffra",
    "city_reason_units": "olika enheter",
    "city_economy": "Ekonomi i staden",
    "city_budget_city": "Driftbudget för staden, {unit}",
    "city_budget_district_committee": "Driftbudget per stadsdelsnämnd, {unit}",
    "city_budget_committee": "Driftbudget per facknämnd, {unit}",
    "city_budget_company": "Driftbudget per bolag, {unit}",
    "city_group_district_committee": "Stadsdelsnämnder",
    "city_group_committee": "Facknämnder",
    "city_group_company": "Bolag",
    "city_sum_district_committee": "Summa stadsdelsnämnder",
    "city_sum_committee": "Summa facknämnder",
    "city_sum_company": "Summa bolag",
    "city_total": "Staden totalt",
    "city_stub": "Nämnd",
    "city_stub_company": "Bolag",
    "city_without_budget": "Rapporter utan driftbudget",
    "city_no_operating": "ingen driftbudget i rapporten",
    "city_digest": "Nämndernas och bolagens rapporter i sammandrag",
    "city_digest_budget": "{budget_label} {budget} {unit}, {compared_label} {compared} {unit}, avvikelse {deviation} {unit}.",
    "city_digest_report": "Hela rapporten",
    "city_digest_print": "Hela rapporten publiceras som ett eget dokument.",
    "chart_title_city": "{budget} och {compared} per nämnd, netto {unit}",
    "chart_desc_city": "Stapeldiagram som jämför {budget} med {compared} per nämnd. Siffrorna finns i tabellen ovan.",
    "tally_chart": "Fördelning av bedömningarna",
    # history: earlier periods from a report's predecessors
    "history_tertial": "T{n} {period_year}",
    "history_annual": "VB {period_year}",
    "history_plan": "VP {period_year}",
    "history_col_forecast": "Prognos {period}",
    "history_col_outcome": "Utfall {period}",
    "history_budget_caption": "Driftbudget över perioder, netto {unit}",
    "history_budget_stub": "Verksamhet",
    "history_bottom_line": "Summa",
    "history_current": "denna period",
    # exports
    "export_goal": "Mål",
    "export_goal_title": "Målets titel",
    "export_unit": "Enhet",
    "export_missing_reason": "Orsak till saknat utfall",
    "export_row": "Rad",
    "export_group": "Grupp",
    "export_yes": "ja",
    "export_no": "nej",
    "file_goals": "mal",
    "file_indicators": "indikatorer",
    "file_activities": "aktiviteter",
    "file_operating": "driftbudget",
    "file_investments": "investeringar",
    "file_result_transfer": "resultatoverforing",
    "file_budget_adjustments": "budgetjusteringar",
    "file_turnover_changes": "omslutningsforandringar",
    "file_result_statement": "resultatrakning",
    "file_other": "tabell",
    "file_series": "serier",
    "file_city_goals": "malbedomningar",
    "file_city_indicators": "kf-indikatorer",
    "export_period": "Period",
    "export_as_of": "Per datum",
    "export_report": "Rapport",
    "export_series": "Serie",
    "export_value": "Värde",
    "export_verdict": "Når årsmålet",
    # preview
    "preview_errors": "Innehållet har fel; senaste fungerande version visas",
}

EN: dict[str, str] = {
    "document_kind": "Official report",
    "page": "Page",
    "reference": "Ref. no.",
    "date": "Date",
    "officer": "Officer",
    "phone": "Telephone",
    "switchboard": "Switchboard",
    "to": "To",
    "proposals_heading": "Proposed decision of {administration}",
    "summary": "Summary",
    "background": "Background",
    "preparation": "Preparation of the matter",
    "considerations": "Views and proposals of {administration}",
    "attachments": "Attachments",
    "attachment": "Attachment {n}.",
    "contents": "Contents",
    "logo_alt": "{organisation}",
    "summary_analysis": "Summary analysis",
    "goals_section": "Follow-up of the City Council's strategic goals",
    "goal_overview": "Goal attainment at a glance",
    "goal_number": "No.",
    "direction_goal": "City Council strategic goal",
    "area_goal": "City Council goal for the area",
    "board_goal": "Committee goal",
    "direction_goals_plural": "strategic goals",
    "area_goals_plural": "City Council area goals",
    "board_goals_plural": "committee goals",
    "goal": "Goal",
    "assessment": "Assessment",
    "analysis": "Analysis",
    "expected_result": "Expected result",
    "economy": "Financial follow-up",
    "count_lead": "{n} of {total} {what} {assessment}",
    "count_more": "{n} {assessment}",
    "count_fully": "fully met",
    "count_partly": "partly",
    "count_not_met": "not met",
    "count_not_assessed": "not assessed",
    "count_fully_past": "were fully met",
    "count_not_assessed_past": "were not assessed",
    "count_pending": "not yet assessed",
    "uppfylls_helt": "Fully met",
    "uppfylls_delvis": "Partly met",
    "uppfylls_inte": "Not met",
    "bedoms_inte": "Not assessed",
    "uppfylldes_helt": "Was fully met",
    "uppfylldes_delvis": "Was partly met",
    "uppfylldes_inte": "Was not met",
    "bedomdes_inte": "Was not assessed",
    "not_assessed_yet": "Not yet assessed",
    "indicator": "Indicator",
    "col_outcome": "Outcome for the period",
    "col_outcome_men": "Outcome men/ boys",
    "col_outcome_women": "Outcome women/ girls",
    "col_previous": "Outcome {comparison}",
    "col_earlier": "Outcome {period}",
    "col_forecast": "Full-year forecast",
    "col_target": "Annual target",
    "col_council_target": "Council's annual target",
    "col_period": "Period",
    "comparison": "previous year",
    "council_indicator": "City Council indicator",
    "council_marker": "CC",
    "indicator_table": "Indicators, goal {number}",
    "activity": "Activity",
    "start": "Start date",
    "end": "End date",
    "deviation": "Deviation",
    "activity_table": "Activities, goal {number}",
    "no_deviation": "None",
    "not_followed_up": "Not followed up",
    "unit": "SEK m",
    "table_operating": "Operating budget, {unit}",
    "table_investments": "Investments, {unit}",
    "table_result_transfer": "Carry-over of results, {unit}",
    "table_budget_adjustments": "Budget adjustments, {unit}",
    "table_turnover_changes": "Changes in turnover, {unit}",
    "table_result_statement": "Income statement, {unit}",
    "table_other": "Table, {unit}",
    "table_text_column": "Comment",
    "line_costs": "Costs",
    "line_income": "Income",
    "line_net": "Net",
    "sum_costs": "Total costs",
    "sum_income": "Total income",
    "sum_net": "Total net",
    "investment_costs": "Expenditure",
    "investment_income": "Revenue",
    "investment_sum_costs": "Total expenditure",
    "investment_sum_income": "Total revenue",
    "sum_row": "Total",
    "sum_row_operating": "Total operations",
    "total_row": "Total net including investments",
    "col_budget": "Budget {year}",
    "col_booked": "Booked {as_of_short}",
    "col_table_forecast": "Full-year forecast {year}",
    "col_table_outcome": "Outcome {year}",
    "col_deviation": "Deviation",
    "col_previous_outcome": "Outcome {previous_year}",
    "col_previous_budget": "Budget {previous_year}",
    "chart_title": "{budget} and {compared} per activity, net {unit}",
    "chart_desc": "Bar chart comparing {budget} with {compared} per activity. The figures are in the table above.",
    "chart_rest": "Other activities, on a scale of their own",
    "chart_budget": "Budget",
    "chart_forecast": "Forecast",
    "chart_outcome": "Outcome",
    "chart_booked": "Booked",
    "chart_previous_budget": "Previous year's budget",
    "city_reports": "This consolidation is derived from {n} reports of committees and companies.",
    "city_goals_overview": "Assessments of the committees and companies per City Council goal",
    "city_reporting": "Number",
    "city_distribution": "Distribution",
    "city_tally": "{total} committees and companies follow up the goal",
    "city_tally_none": "No committee or company follows up the goal.",
    "city_links_note": "Each committee and company links to the goal in its own report. The printed version gives the goal's number in that report.",
    "city_goal_ref": "goal {number}",
    "city_indicators": "City Council indicators across committees and companies",
    "city_reporter": "Committee or company",
    "city_verdict": "Meets the annual target",
    "city_meets": "Yes",
    "city_misses": "No",
    "city_unjudged": "Cannot be judged",
    "city_on_forecast": "by forecast",
    "city_on_outcome": "by outcome",
    "city_lower_is_better": "A lower value meets the target.",
    "city_indicator_lead": "{n} of {total} meet the annual target",
    "city_indicator_misses": "{n} do not",
    "city_indicator_unjudged": "{n} cannot be judged",
    "city_reason_forecast": "no forecast",
    "city_reason_outcome": "no outcome",
    "city_reason_target": "no numeric annual target",
    "city_reason_relative": "the target is a range or a change",
    "city_reason_text": "the value is not a number",
    "city_reason_units": "different units",
    "city_economy": "The city's finances",
    "city_budget_city": "Operating budget of the city, {unit}",
    "city_budget_district_committee": "Operating budget per district committee, {unit}",
    "city_budget_committee": "Operating budget per committee, {unit}",
    "city_budget_company": "Operating budget per company, {unit}",
    "city_group_district_committee": "District committees",
    "city_group_committee": "Committees",
    "city_group_company": "Companies",
    "city_sum_district_committee": "Total district committees",
    "city_sum_committee": "Total committees",
    "city_sum_company": "Total companies",
    "city_total": "City total",
    "city_stub": "Committee",
    "city_stub_company": "Company",
    "city_without_budget": "Reports without an operating budget",
    "city_no_operating": "no operating budget in the report",
    "city_digest": "The committees' and companies' reports in brief",
    "city_digest_budget": "{budget_label} {budget} {unit}, {compared_label} {compared} {unit}, deviation {deviation} {unit}.",
    "city_digest_report": "The whole report",
    "city_digest_print": "The whole report is published as a document of its own.",
    "chart_title_city": "{budget} and {compared} per committee, net {unit}",
    "chart_desc_city": "Bar chart comparing {budget} with {compared} per committee. The figures are in the table above.",
    "tally_chart": "Distribution of the assessments",
    "history_tertial": "T{n} {period_year}",
    "history_annual": "AR {period_year}",
    "history_plan": "Plan {period_year}",
    "history_col_forecast": "Forecast {period}",
    "history_col_outcome": "Outcome {period}",
    "history_budget_caption": "Operating budget across periods, net {unit}",
    "history_budget_stub": "Activity",
    "history_bottom_line": "Total",
    "history_current": "this period",
    "export_goal": "Goal",
    "export_goal_title": "Goal title",
    "export_unit": "Unit",
    "export_missing_reason": "Reason for missing outcome",
    "export_row": "Row",
    "export_group": "Group",
    "export_yes": "yes",
    "export_no": "no",
    "file_goals": "goals",
    "file_indicators": "indicators",
    "file_activities": "activities",
    "file_operating": "operating-budget",
    "file_investments": "investments",
    "file_result_transfer": "carry-over",
    "file_budget_adjustments": "budget-adjustments",
    "file_turnover_changes": "turnover-changes",
    "file_result_statement": "income-statement",
    "file_other": "table",
    "file_series": "series",
    "file_city_goals": "goal-assessments",
    "file_city_indicators": "council-indicators",
    "export_period": "Period",
    "export_as_of": "As of",
    "export_report": "Report",
    "export_series": "Series",
    "export_value": "Value",
    "export_verdict": "Meets the annual target",
    "preview_errors": "The content has errors; the last good version is shown",
}

# Words that differ by who writes the report.
_WRITER: dict[str, dict[Writer, dict[str, str]]] = {
    "sv": {
        Writer.COMPANY: {
            "proposals_heading": "Bolagets förslag till beslut",
            "considerations": "Bolagets synpunkter och förslag",
            "board_goal": "Bolagets mål",
            "board_goals_plural": "bolagsmål",
        },
    },
    "en": {
        Writer.COMPANY: {
            "proposals_heading": "Proposed decision of the company",
            "considerations": "Views and proposals of the company",
            "board_goal": "Company goal",
            "board_goals_plural": "company goals",
        },
    },
}

# Words that differ by the period kind.
_PERIOD: dict[str, dict[PeriodKind, dict[str, str]]] = {
    "sv": {
        PeriodKind.ANNUAL: {"col_outcome": "Utfall", "col_previous": "Utfall {comparison}",
                            "city_verdict": "Nådde årsmålet", "city_indicator_lead": "{n} av {total} nådde årsmålet",
                            "city_indicator_misses": "{n} nådde det inte"},
        PeriodKind.PLAN: {"col_previous": "Utfall {comparison}"},
    },
    "en": {
        PeriodKind.ANNUAL: {"col_outcome": "Outcome", "city_verdict": "Met the annual target",
                            "city_indicator_lead": "{n} of {total} met the annual target", "city_indicator_misses": "{n} did not"},
        PeriodKind.PLAN: {},
    },
}

LOCALES: Mapping[str, Mapping[str, str]] = MappingProxyType({"sv": SV, "en": EN})

# Words tul writes into an author's content files rather than into a document, and that the
# document then shows: the name and title of a period (tul new, tul init), the mark on text
# carried over from an earlier period and the word of a placeholder (render.draft).
_AUTHOR_SV = {
    "period_0": "Verksamhetsåret {year}",
    "period_1": "Tertial 1 {year}",
    "period_2": "Tertial 2 {year}",
    "period_3": "Verksamhetsåret {year}",
    "title_0": "Verksamhetsplan {year}",
    "title_1": "Tertialrapport 1 {year}",
    "title_2": "Tertialrapport 2 med delårsbokslut {year}",
    "title_3": "Verksamhetsberättelse {year}",
    "draft": "UTKAST från {period}, granska och ta bort markeringen",
    "write": "SKRIV",
}
_AUTHOR_EN = {
    "period_0": "Financial year {year}",
    "period_1": "Tertial 1 {year}",
    "period_2": "Tertial 2 {year}",
    "period_3": "Financial year {year}",
    "title_0": "Operational plan {year}",
    "title_1": "Tertial report 1 {year}",
    "title_2": "Tertial report 2 with interim accounts {year}",
    "title_3": "Annual report {year}",
    "draft": "DRAFT from {period}, review and remove this mark",
    "write": "WRITE",
}
AUTHOR_WORDS: Mapping[str, Mapping[str, str]] = MappingProxyType({"sv": _AUTHOR_SV, "en": _AUTHOR_EN})


def period_name(locale: str, step: int, year: int) -> str:
    """The period field of a report at `step` (0 plan, 1 and 2 tertials, 3 the year): 'Tertial 2 2020'."""
    return fill(AUTHOR_WORDS[locale][f"period_{step}"], {"year": year})


def period_title(locale: str, step: int, year: int) -> str:
    """The usual title of a report at `step`: 'Tertialrapport 1 2020', 'Verksamhetsberättelse 2020'."""
    return fill(AUTHOR_WORDS[locale][f"title_{step}"], {"year": year})
# BCP 47 tags for <html lang> and the PDF /Lang entry, and Babel locales for numbers.
LANGUAGE_TAGS = MappingProxyType({"sv": "sv-SE", "en": "en-GB"})
BABEL_LOCALES = MappingProxyType({"sv": "sv_SE", "en": "en_GB"})

# The placeholders each label may use; a label not listed here takes none.
_REPORT = ("organisation", "administration", "administration_genitive", "board")
_YEAR = ("year", "previous_year", "as_of_short")
PLACEHOLDERS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "proposals_heading": _REPORT,
    "considerations": _REPORT,
    "logo_alt": _REPORT,
    "attachment": ("n",),
    "count_lead": ("n", "total", "what", "assessment"),
    "count_more": ("n", "assessment"),
    "col_previous": ("comparison", *_YEAR),
    "col_earlier": ("period",),
    "indicator_table": ("number",),
    "activity_table": ("number",),
    **{key: ("unit", *_YEAR) for key in SV if key.startswith("table_") and key != "table_text_column"},
    **{key: _YEAR for key in ("col_budget", "col_booked", "col_table_forecast", "col_table_outcome",
                              "col_deviation", "col_previous_outcome", "col_previous_budget")},
    "chart_title": ("budget", "compared", "unit"),
    "chart_desc": ("budget", "compared", "unit"),
    "chart_title_city": ("budget", "compared", "unit"),
    "chart_desc_city": ("budget", "compared", "unit"),
    "city_reports": ("n",),
    "city_tally": ("total",),
    "city_goal_ref": ("number",),
    "city_indicator_lead": ("n", "total"),
    "city_indicator_misses": ("n",),
    "city_indicator_unjudged": ("n",),
    **{key: ("unit",) for key in SV if key.startswith("city_budget_")},
    "city_digest_budget": ("budget_label", "budget", "compared_label", "compared", "deviation", "unit"),
    "history_tertial": ("n", "period_year"),  # not {year}: that is filled with this report's year
    "history_annual": ("period_year",),
    "history_plan": ("period_year",),
    "history_col_forecast": ("period",),
    "history_col_outcome": ("period",),
    "history_budget_caption": ("unit",),
})

_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def placeholders(template: str) -> list[str]:
    """The placeholder names in `template`; ValueError for anything that is not a plain `{name}`."""
    names: list[str] = []
    for match in _FIELD.finditer(template):
        token = match[0]
        if token in ("{{", "}}"):
            continue
        name = match[1]
        if name is None or not _NAME.fullmatch(name):
            raise ValueError(f"'{token}' is not a placeholder: write a name such as {{unit}}, or {{{{ and }}}} for a brace")
        names.append(name)
    return names


def fill(template: str, values: Mapping[str, object]) -> str:
    """`template` with each `{name}` replaced by str(values[name]); `{{`/`}}` are literal braces."""

    def substitute(match: re.Match[str]) -> str:
        token = match[0]
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match[1]
        if name is None or name not in values:
            raise ValueError(f"unknown placeholder '{token}' in label '{template}'")
        return str(values[name])

    return _FIELD.sub(substitute, template)


def unknown_placeholders(key: str, template: str) -> list[str]:
    """Placeholders in `template` that label `key` may not use (raises ValueError if malformed)."""
    allowed = PLACEHOLDERS.get(key, ())
    return [name for name in placeholders(template) if name not in allowed]


def labels_for(locale: str, writer: Writer = Writer.COMMITTEE, period_kind: PeriodKind = PeriodKind.TERTIAL,
               overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The unfilled label set of `locale` for a writer and period kind, with a report's overrides."""
    labels = dict(LOCALES[locale])
    labels.update(_WRITER[locale].get(writer, {}))
    labels.update(_PERIOD[locale].get(period_kind, {}))
    labels.update(overrides or {})
    return labels
