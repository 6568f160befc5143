"""An invented city: nämnd and bolag reports and the city's consolidated report, from a seed.

Test input and benchmark input alike (never committed: generate it into a temporary
folder). Every name is generic or invented; no person is named. The generator keeps
its own records of what it wrote (each KF goal's assessment per report, each operating
budget's bottom line summed here in Decimal, each KF indicator's figures), so tests
compare tul's derived figures with facts computed independently of tul.

    python tests/citygen.py OUT [--seed 1] [--reports 24] [--history]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

YEAR = 2021
AS_OF = dt.date(2021, 4, 30)
ORG = "Exempelstad"

# The city's KF goals: (id, title, [(area id, title)]).
KF_GOALS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("kf-1", "En stad där alla kan växa och leva ett gott liv", [
        ("kf-1-1", "Barn och unga har goda förutsättningar att utvecklas och lära"),
        ("kf-1-2", "Äldre har en trygg och meningsfull vardag"),
        ("kf-1-3", "Invånarna har arbete och egen försörjning"),
        ("kf-1-4", "Alla har tillgång till ett rikt kultur- och idrottsliv"),
    ]),
    ("kf-2", "En hållbar stad med trygga och levande stadsmiljöer", [
        ("kf-2-1", "Stadsmiljön är trygg, ren och tillgänglig"),
        ("kf-2-2", "Invånarna är delaktiga i stadens utveckling"),
        ("kf-2-3", "Stadens luft, mark och vatten är rena"),
        ("kf-2-4", "Bostadsbyggandet ökar och bostadsmarknaden fungerar väl"),
    ]),
    ("kf-3", "En ekonomiskt hållbar stad med effektiv verksamhet", [
        ("kf-3-1", "Stadens ekonomi är långsiktigt hållbar"),
        ("kf-3-2", "Stadens medarbetare har en god arbetsmiljö"),
        ("kf-3-3", "Stadens verksamheter är digitala och effektiva"),
    ]),
]
AREA_TITLES = {area: title for _, _, areas in KF_GOALS for area, title in areas}
DIRECTION_OF = {area: direction for direction, _, areas in KF_GOALS for area, _ in areas}

DISTRICT_GOALS = ["kf-1-1", "kf-1-2", "kf-1-3", "kf-2-1", "kf-2-2", "kf-3-1", "kf-3-2"]
DISTRICTS = ["Norra", "Södra", "Östra", "Västra", "Centrala", "Hamnens", "Dalens", "Skogens", "Bergets", "Sjöns",
             "Ängens", "Kvarnens", "Brons", "Åsens"]
COMMITTEES = [
    ("Utbildningsnämnden", "Utbildningsförvaltningen", "utbildning", ["kf-1-1", "kf-3-1", "kf-3-2"]),
    ("Äldrenämnden", "Äldreförvaltningen", "aldre", ["kf-1-2", "kf-3-2"]),
    ("Arbetsmarknadsnämnden", "Arbetsmarknadsförvaltningen", "arbetsmarknad", ["kf-1-3", "kf-3-1"]),
    ("Kulturnämnden", "Kulturförvaltningen", "kultur", ["kf-1-4", "kf-2-2"]),
    ("Idrottsnämnden", "Idrottsförvaltningen", "idrott", ["kf-1-4", "kf-3-1"]),
    ("Miljö- och hälsoskyddsnämnden", "Miljöförvaltningen", "miljo", ["kf-2-3", "kf-2-1"]),
    ("Trafiknämnden", "Trafikkontoret", "trafik", ["kf-2-1", "kf-2-3", "kf-3-3"]),
    ("Exploateringsnämnden", "Exploateringskontoret", "exploatering", ["kf-2-4", "kf-3-1"]),
    ("Servicenämnden", "Serviceförvaltningen", "service", ["kf-3-3", "kf-3-2"]),
    ("Socialnämnden", "Socialförvaltningen", "social", ["kf-1-3", "kf-1-2"]),
    ("Stadsbyggnadsnämnden", "Stadsbyggnadskontoret", "stadsbyggnad", ["kf-2-4", "kf-2-2"]),
]
COMPANIES = [
    ("Exempelbostäder AB", "bostader", ["kf-2-4", "kf-3-1"]),
    ("Exempelstad Energi AB", "energi", ["kf-2-3", "kf-3-1"]),
    ("Exempelstad Hamn AB", "hamn", ["kf-3-1", "kf-2-1"]),
    ("Exempelstad Parkering AB", "parkering", ["kf-2-1"]),
    ("Exempelstad Fastigheter AB", "fastigheter", ["kf-2-4", "kf-3-3"]),
    ("Exempelstad Vatten AB", "vatten", ["kf-2-3"]),
]
AREAS_OF_DISTRICT = ["Förskola", "Äldreomsorg", "Individ- och familjeomsorg",
                     "Stöd och service till personer med funktionsnedsättning", "Ekonomiskt bistånd", "Stadsmiljö",
                     "Kultur och fritid", "Nämnd- och förvaltningsövergripande verksamhet"]

# KF indicators: id -> (name, unit, KF goal, lower is better, target range, council target or None for a number).
KF_INDICATORS: dict[str, tuple[str, str, str, bool, tuple[float, float], str | None]] = {
    "forskollarare": ("Andel legitimerade förskollärare", "%", "kf-1-1", False, (38, 52), None),
    "behorighet": ("Andel elever som är behöriga till gymnasiet", "%", "kf-1-1", False, (80, 92), None),
    "personalkontinuitet": ("Antal personal som en hemtjänsttagare möter under 14 dagar", "st", "kf-1-2", True, (9, 14), None),
    "nojda-aldre": ("Andel nöjda brukare i äldreomsorgen", "%", "kf-1-2", False, (78, 90), None),
    "egen-forsorjning": ("Andel vuxna med ekonomiskt bistånd som gått till arbete", "%", "kf-1-3", False, (25, 40), "Tas fram av nämnd"),
    "kulturbesok": ("Antal besök i kultur- och idrottsanläggningar, tusental", "", "kf-1-4", False, (200, 900), "Tas fram av nämnd"),
    "trygghet": ("Andel invånare som känner sig trygga i sitt närområde", "%", "kf-2-1", False, (70, 82), None),
    "dialoger": ("Antal medborgardialoger", "st", "kf-2-2", False, (4, 20), "Tas fram av nämnd"),
    "kvavedioxid": ("Andel mätstationer under gränsvärdet för kvävedioxid", "%", "kf-2-3", False, (90, 100), None),
    "fardigstallda": ("Antal färdigställda lägenheter", "st", "kf-2-4", False, (150, 900), None),
    "budgetavvikelse": ("Budgetavvikelse", "%", "kf-3-1", False, (1, 1), None),
    "sjukfranvaro": ("Sjukfrånvaro", "%", "kf-3-2", True, (5.5, 8.5), None),
    "digitala-arenden": ("Andel ärenden som kan skötas digitalt", "%", "kf-3-3", False, (40, 80), None),
}
LOWER_IS_BETTER = sorted(k for k, v in KF_INDICATORS.items() if v[3])
INDICATORS_OF_GOAL: dict[str, list[str]] = {}
for _key, _spec in KF_INDICATORS.items():
    INDICATORS_OF_GOAL.setdefault(_spec[2], []).append(_key)

PRESENT = ["uppfylls_helt", "uppfylls_delvis", "uppfylls_inte", "bedoms_inte"]
PAST = ["uppfylldes_helt", "uppfylldes_delvis", "uppfylldes_inte", "bedomdes_inte"]


@dataclass
class IndicatorRecord:
    """A KF indicator as the generator wrote it."""

    id: str
    name: str
    kf_goal: str
    unit: str
    outcome: Decimal | None
    forecast: Decimal | None
    target: Decimal | None  # None when the target is not a plain number
    target_text: str
    missing_reason: str | None


@dataclass
class ReportRecord:
    """One generated report: what it says, as the generator knows it."""

    slug: str
    board: str
    writer: str
    folder: Path
    goals: dict[str, str | None] = field(default_factory=dict)  # KF goal id -> assessment value (None: not assessed)
    budget: tuple[Decimal, Decimal] | None = None  # operating table: (budget, forecast), netto, summed here
    indicators: list[IndicatorRecord] = field(default_factory=list)
    predecessor: str | None = None


@dataclass
class City:
    """A generated city: its content folder, the consolidated report and the records of every report."""

    content: Path
    consolidated: str
    reports: list[ReportRecord]
    assigned: dict[str, list[str]]
    predecessors: dict[str, ReportRecord] = field(default_factory=dict)  # by the successor's slug

    def report(self, slug: str) -> ReportRecord:
        return next(r for r in self.reports if r.slug == slug)


# -- prose -------------------------------------------------------------------------------

_OPENINGS = [
    "{board} har under perioden fortsatt arbetet med att {verb} {object}.",
    "Arbetet med att {verb} {object} har fortsatt enligt plan under perioden.",
    "Under perioden har {board} prioriterat att {verb} {object}.",
    "Förvaltningen har tillsammans med andra nämnder arbetat för att {verb} {object}.",
]
_MIDDLES = [
    "Resultaten följs upp månadsvis och redovisas för nämnden i samband med tertialrapporterna.",
    "Pandemin har påverkat verksamheten, och vissa aktiviteter har skjutits fram till hösten.",
    "En ny arbetsmodell har införts i två verksamheter och ska utvärderas under året.",
    "Samverkan med civilsamhället och näringslivet har stärkts genom gemensamma aktiviteter.",
    "Efterfrågan har ökat mer än beräknat, vilket har påverkat både kvalitet och ekonomi.",
    "Vakanser inom flera yrkesgrupper har gjort att arbetet gått långsammare än planerat.",
    "Medarbetarna har deltagit i utbildningar om bemötande, tillgänglighet och informationssäkerhet.",
    "Uppföljningen visar att insatserna når fler invånare än föregående år.",
    "Nämnden har tagit fram en handlingsplan med tydliga ansvarsområden och tidplaner.",
    "Arbetet sker i nära dialog med invånare, brukare och vårdnadshavare.",
    "Kostnaderna för lokaler och material har ökat mer än den allmänna prisutvecklingen.",
    "Digitala tjänster har utvecklats så att fler ärenden kan hanteras utan att invånaren behöver besöka förvaltningen.",
]
_CLOSINGS = [
    "Nämnden bedömer att arbetet under året bidrar till att målet nås.",
    "Arbetet fortsätter under hösten med fokus på de verksamheter som ännu inte nått målen.",
    "Förvaltningen följer utvecklingen noga och vidtar åtgärder vid behov.",
    "Sammantaget går utvecklingen i rätt riktning, men takten behöver öka.",
]
_VERBS = ["stärka", "utveckla", "förbättra", "säkra", "öka tillgängligheten till", "följa upp"]
_OBJECTS = ["kvaliteten i verksamheten", "samverkan mellan verksamheterna", "invånarnas delaktighet",
            "tryggheten i offentliga miljöer", "kompetensförsörjningen", "den ekonomiska styrningen",
            "stödet till barn och unga", "omsorgen om äldre", "arbetet med hållbar utveckling"]


def _paragraphs(rng: random.Random, board: str, count: int) -> str:
    out = []
    for _ in range(count):
        sentences = [rng.choice(_OPENINGS).format(board=board, verb=rng.choice(_VERBS), object=rng.choice(_OBJECTS))]
        sentences += rng.sample(_MIDDLES, rng.randint(2, 4))
        sentences.append(rng.choice(_CLOSINGS))
        out.append(" ".join(sentences))
    return "\n\n".join(out) + "\n"


# -- one report --------------------------------------------------------------------------

def _dump(path: Path, data: Any, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    Dumper.add_representer(str, text)
    body = yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=110)
    path.write_text(f"# yaml-language-server: $schema=../schema/{kind}.schema.json\n"
                    "# Generated by tests/citygen.py: every name and figure is invented.\n" + body, encoding="utf-8")


def _number(value: Decimal, unit: str) -> Any:
    text = format(value, "f").replace(".", ",")
    return f"{text} {unit}" if unit else (float(value) if "," in text else int(value))


def _indicator(rng: random.Random, key: str, period_kind: str, size: int) -> tuple[dict[str, Any], IndicatorRecord]:
    name, unit, goal, lower, (low, high), council_text = KF_INDICATORS[key]
    places = 1 if unit == "%" and key in ("sjukfranvaro",) else 0
    quant = Decimal(1).scaleb(-places)
    target = Decimal(str(rng.uniform(low, high))).quantize(quant)
    spread = max(abs(target) * Decimal("0.15"), Decimal(1))
    ceiling = Decimal(100) if unit == "%" else Decimal("1e9")  # a share is at most 100 %
    outcome = min(ceiling, (target + Decimal(str(rng.uniform(-1, 1))) * spread).quantize(quant))
    forecast = min(ceiling, (target + Decimal(str(rng.uniform(-1, 1))) * spread).quantize(quant))
    data: dict[str, Any] = {"id": key, "name": name, "council_indicator": True}
    record = IndicatorRecord(key, name, goal, unit, outcome, forecast, target, "", None)
    if key == "budgetavvikelse":
        data.update({"outcome": _number(outcome, unit), "forecast": _number(forecast, unit), "target": "+/-1 %",
                     "council_target": "+/-1 %"})
        record.target, record.target_text = None, "+/-1 %"
    else:
        roll = rng.random()
        if roll < 0.12:
            reason = rng.choice(["Redovisas i VB", "Utfall saknas"])
            data.update({"missing_reason": reason})
            record.outcome, record.forecast, record.missing_reason = None, None, reason
        else:
            data["outcome"] = _number(outcome, unit)
            if period_kind != "annual" and roll > 0.2:
                data["forecast"] = _number(forecast, unit)
            else:
                record.forecast = None
            if size > 1 and unit == "%" and rng.random() < 0.5:
                data["outcome_women"] = _number(outcome + 1, unit)
                data["outcome_men"] = _number(outcome - 1, unit)
        data["previous"] = _number((target * Decimal("0.95")).quantize(quant), unit)
        data["target"] = _number(target, unit)
        data["council_target"] = council_text or _number(target, unit)
    if period_kind == "annual":
        data.pop("forecast", None)
        record.forecast = None
    data["period"] = "Tertial 1 2021" if period_kind != "annual" else "2020"
    return data, record


def _activities(rng: random.Random, count: int, year: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(count):
        act: dict[str, Any] = {"text": f"Nämnden ska {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}.",
                               "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)}
        if rng.random() < 0.25:
            act["deviation"] = True
            act["analysis"] = rng.choice(_MIDDLES)
        out.append(act)
    return out


@dataclass
class _Spec:
    board: str
    administration: str
    slug: str
    writer: str
    goals: list[str]
    size: int  # 1 small, 2 medium, 3 large


def _assessment(rng: random.Random, tense: list[str]) -> str | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    return rng.choices(tense, weights=[40, 35, 15, 10])[0]


def _report(root: Path, spec: _Spec, rng: random.Random, period_kind: str, *, predecessor: str | None = None,
            mismatch: bool = False) -> ReportRecord:
    annual = period_kind == "annual"
    year = YEAR - 1 if annual else YEAR
    as_of = dt.date(year, 12, 31) if annual else AS_OF
    tense = PAST if annual else PRESENT
    folder = root / spec.slug
    record = ReportRecord(spec.slug, spec.board, spec.writer, folder, predecessor=predecessor)
    company = spec.writer == "company"
    paragraphs = {1: 1, 2: 2, 3: 3}[spec.size]
    goals = []
    for direction_id, direction_title, areas in KF_GOALS:
        mine = [a for a, _ in areas if a in spec.goals]
        if not mine:
            continue
        direction: dict[str, Any] = {"id": direction_id, "title": direction_title}
        if rng.random() < 0.5:
            direction["assessment"] = record.goals[direction_id] = _assessment(rng, tense) or tense[1]
        else:
            record.goals[direction_id] = None
        direction["summary"] = _paragraphs(rng, spec.board, paragraphs)
        direction["area_goals"] = []
        for area_id in mine:
            area: dict[str, Any] = {"id": area_id, "title": AREA_TITLES[area_id]}
            assessment = _assessment(rng, tense)
            record.goals[area_id] = assessment
            if assessment:
                area["assessment"] = assessment
                area["analysis"] = _paragraphs(rng, spec.board, rng.randint(2, paragraphs + 1))
            indicators = []
            for key in INDICATORS_OF_GOAL.get(area_id, []):
                if rng.random() < 0.85:
                    data, ind = _indicator(rng, key, period_kind, spec.size)
                    indicators.append(data)
                    record.indicators.append(ind)
            for n in range(rng.randint(0, spec.size)):
                indicators.append({"id": f"egen-{area_id}-{n + 1}", "name": f"Egen indikator {n + 1} för målet",
                                   "outcome": f"{rng.randint(10, 99)} %", "target": f"{rng.randint(10, 99)} %",
                                   "council_target": "Tas fram av nämnd",
                                   "period": "2020" if annual else "Tertial 1 2021",
                                   **({} if annual else {"forecast": f"{rng.randint(10, 99)} %"})})
            if indicators:
                area["indicators"] = indicators
            activities = _activities(rng, rng.randint(0, 2 * spec.size), year)
            if activities:
                area["activities"] = activities
            boards = []
            for n in range(rng.randint(1, spec.size + 1)):
                board_goal: dict[str, Any] = {"title": f"{'Bolagets' if company else 'Nämndens'} mål {n + 1} inom "
                                                       f"{AREA_TITLES[area_id][0].lower()}{AREA_TITLES[area_id][1:]}"}
                value = _assessment(rng, tense)
                if value:
                    board_goal["assessment"] = value
                board_goal["expected_result"] = rng.choice(_MIDDLES)
                board_goal["analysis"] = _paragraphs(rng, spec.board, 1)
                boards.append(board_goal)
            area["board_goals"] = boards
            direction["area_goals"].append(area)
        goals.append(direction)
    files: dict[str, tuple[str, Any]] = {}
    goal_files = []
    for index, direction in enumerate(goals, 1):
        name = f"mal-{index}.yaml"
        files[name] = ("goal", direction)
        goal_files.append(name)
    economy = _economy(rng, spec, record, annual, mismatch)
    report: dict[str, Any] = {
        "organisation": ORG, "web_address": "exempelstad.se", "address": "Stadshuset, 100 00 Exempelstad",
        "administration": spec.administration, "board": spec.board, "writer": spec.writer,
        "title": f"Verksamhetsberättelse {year}" if annual else f"Tertialrapport 1 {YEAR}",
        "period_kind": period_kind, "period": f"Verksamhetsåret {year}" if annual else f"Tertial 1 {YEAR}",
        "year": year, "as_of": as_of, "comparison_label": f"T1 {YEAR - 1}" if not annual else None,
        "table_of_contents": spec.size > 1,
    }
    report = {k: v for k, v in report.items() if v is not None}
    below = [goal for direction in goals for area in direction.get("area_goals", [])
             for goal in (area, *area.get("board_goals", []))]
    if any("assessment" not in goal for goal in below):
        # A nämnd that has not yet assessed a goal has not finished its report (tul status).
        report["draft"] = True
    if predecessor:
        report["predecessors"] = [predecessor]
    if spec.size > 1:
        report["front_page"] = {
            "department": "Avdelningen för ekonomi och styrning", "reference": f"{spec.slug[:3].upper()} {year}/0001",
            "date": as_of + dt.timedelta(days=20), "officer": {"name": "Förnamn Efternamn", "phone": "010-000 00 00"},
            "to": spec.board,
            "proposals": [f"{'Styrelsen' if company else spec.board} godkänner rapporten."],
            "signatures": [{"name": "Förnamn Efternamn", "title": "Verkställande direktör" if company else "Förvaltningsdirektör"}],
            "summary": _paragraphs(rng, spec.board, 1),
        }
    report["summary"] = _paragraphs(rng, spec.board, paragraphs + 2)
    report["goals"] = goal_files
    if economy is not None:
        files["ekonomi.yaml"] = ("economy", economy)
        report["economy"] = "ekonomi.yaml"
    if spec.size > 1:
        report["sections"] = [{"title": "Medarbetare", "text": _staff_table(rng) + "\n" + _paragraphs(rng, spec.board, 1)},
                              {"title": "Intern kontroll", "text": _paragraphs(rng, spec.board, spec.size - 1)}]
    _dump(folder / "report.yaml", report, "report")
    for name, (kind, data) in files.items():
        _dump(folder / name, data, kind)
    return record


def _staff_table(rng: random.Random) -> str:
    rows = ["| Sjukfrånvaro, % | Kvinnor | Män | Totalt |", "|---|---:|---:|---:|"]
    for group in ("Chefer", "Medarbetare", "Totalt"):
        women, men = rng.uniform(4, 9), rng.uniform(3, 7)
        rows.append(f"| {group} | {women:.1f} | {men:.1f} | {(women + men) / 2:.1f} |".replace(".", ","))
    return "\n".join(rows) + "\n"


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 1)))


def _economy(rng: random.Random, spec: _Spec, record: ReportRecord, annual: bool, mismatch: bool) -> dict[str, Any] | None:
    year = YEAR - 1 if annual else YEAR
    compared = "outcome" if annual else "forecast"
    extra = "previous_outcome" if annual else "booked"
    if spec.writer == "company":
        if spec.slug.startswith("ab-parkering"):
            return None  # a small report without economy tables
        income, costs = _money(rng, 300, 2000), -_money(rng, 250, 1800)
        rows = [{"name": "Intäkter", "net": {"budget": float(income), extra: float(round(income / 3, 1)),
                                              compared: float(income + 5)}},
                {"name": "Kostnader", "net": {"budget": float(costs), extra: float(round(costs / 3, 1)),
                                               compared: float(costs - 3)}},
                {"name": "Finansiella poster", "net": {"budget": -12.0, extra: -4.0, compared: -11.5}},
                {"sum": "Resultat efter finansiella poster"}]
        return {"title": "Ekonomi", "sections": [{"title": "Resultaträkning", "text": _paragraphs(rng, spec.board, 1), "tables": [
            {"id": "resultat", "kind": "result_statement", "plus_sign": True,
             "columns": [{"key": "budget", "label": f"Budget {year}"},
                         {"key": extra, "label": f"Utfall {year - 1}" if annual else "Utfall jan-apr"},
                         {"key": compared, "label": f"Utfall {year}" if annual else f"Prognos {year}"},
                         {"key": "deviation", "label": "Avvikelse", "difference": [compared, "budget"]}],
             "rows": rows}]}]}
    table: dict[str, Any] = {"id": "drift", "kind": "operating", "plus_sign": True, "chart": spec.size > 1}
    total_budget = total_compared = Decimal(0)
    rows: list[dict[str, Any]] = []
    if spec.writer == "district_committee":
        table.update({"stub": "Verksamhetsområde", "lines": ["net"]})
        for area in AREAS_OF_DISTRICT:
            budget = _money(rng, 20, 420)
            value = budget + _money(rng, -9, 7)
            total_budget += budget
            total_compared += value
            rows.append({"name": area, "net": {"budget": float(budget), extra: float(round(value / 3, 1)),
                                               compared: float(value)}})
    else:
        table["stub"] = "Verksamhet"
        for n in range(rng.randint(2, 2 + spec.size)):
            costs, income = _money(rng, 50, 900), -_money(rng, 5, 120)
            costs_value, income_value = costs + _money(rng, -8, 6), income + _money(rng, -3, 3)
            total_budget += costs + income
            total_compared += costs_value + income_value
            rows.append({"name": f"Verksamhet {n + 1}",
                         "costs": {"budget": float(costs), extra: float(round(costs_value / 3, 1)), compared: float(costs_value)},
                         "income": {"budget": float(income), extra: float(round(income_value / 3, 1)), compared: float(income_value)}})
    sum_row: dict[str, Any] = {"sum": "Summa nämndens verksamhet"}
    if mismatch:
        sum_row["stated"] = {"net": {"budget": float(total_budget + 5)}}
    rows.append(sum_row)
    table["rows"] = rows
    record.budget = (total_budget, total_compared)
    sections = [{"title": "Driftbudget", "text": _paragraphs(rng, spec.board, 1), "tables": [table]}]
    if spec.size > 1:
        sections.append({"title": "Investeringar", "tables": [{
            "kind": "investments", "stub": "Projekt",
            "rows": [{"name": f"Projekt {n + 1}",
                      "costs": {"budget": float(_money(rng, 1, 40)), extra: 0.5, compared: float(_money(rng, 1, 40))},
                      "income": {"budget": 0.0, extra: 0.0, compared: 0.0}} for n in range(spec.size)] + [{"sum": True}]}]})
    return {"sections": sections}


# -- the city ------------------------------------------------------------------------------

def _specs(count: int, rng: random.Random) -> list[_Spec]:
    districts = max(1, round(count * 0.4))
    companies = max(1, round(count * 0.2))
    committees = count - districts - companies
    if districts > len(DISTRICTS) or committees > len(COMMITTEES) or companies > len(COMPANIES) or committees < 1:
        raise ValueError(f"cannot invent {count} reports, expected 3 to {len(DISTRICTS) + len(COMMITTEES) + len(COMPANIES)}")
    specs = []
    for name in DISTRICTS[:districts]:
        slug = "sdn-" + name.lower().removesuffix("s").translate(str.maketrans("åäö", "aao"))
        # "Norra stadsdelsnämnden", "Hamnens stadsdelsnämnd"
        ending = "" if name.endswith("s") else "en"
        specs.append(_Spec(f"{name} stadsdelsnämnd{ending}", f"{name} stadsdelsförvaltning{ending}", slug,
                           "district_committee", list(DISTRICT_GOALS), rng.choice([1, 2, 3, 3, 3])))
    for board, administration, slug, goals in COMMITTEES[:committees]:
        specs.append(_Spec(board, administration, "fn-" + slug, "committee", goals, rng.choice([1, 2, 2, 3])))
    for board, slug, goals in COMPANIES[:companies]:
        specs.append(_Spec(f"Styrelsen för {board}", board, "ab-" + slug, "company", goals, rng.choice([1, 1, 2])))
    return specs


def generate_city(root: Path, seed: int = 1, reports: int = 28, history: bool = False,
                  mismatch: str | None = None) -> City:
    """Write a city of `reports` nämnd and bolag reports and its consolidated report into `root`.

    `history` also writes each report's Verksamhetsberättelse of the year before, named as its
    predecessor; `mismatch` names a report whose operating table states a sum that does not add up."""
    rng = random.Random(seed)
    specs = _specs(reports, rng)
    records = []
    earlier = {}
    for spec in specs:
        slug = f"{spec.slug}-t1-{YEAR}"
        predecessor = None
        if history:
            predecessor = f"{spec.slug}-vb-{YEAR - 1}"
            earlier[slug] = _report(root, _Spec(spec.board, spec.administration, predecessor, spec.writer, spec.goals,
                                                spec.size), random.Random(f"{seed}-{spec.slug}-vb"), "annual")
        records.append(_report(root, _Spec(spec.board, spec.administration, slug, spec.writer, spec.goals, spec.size),
                               random.Random(f"{seed}-{spec.slug}"), "tertial", predecessor=predecessor,
                               mismatch=mismatch == slug))
    assigned: dict[str, list[str]] = {}
    for spec in specs:
        for goal in spec.goals:
            pattern = f"sdn-*-t1-{YEAR}" if spec.writer == "district_committee" else f"{spec.slug}-t1-{YEAR}"
            if pattern not in assigned.setdefault(goal, []):
                assigned[goal].append(pattern)
    consolidated = f"stad-t1-{YEAR}"
    _consolidated(root / consolidated, rng, {k: assigned[k] for k in AREA_TITLES if k in assigned})
    return City(root, consolidated, records, assigned, earlier)


def _consolidated(folder: Path, rng: random.Random, assigned: dict[str, list[str]]) -> None:
    goals = []
    for direction_id, title, areas in KF_GOALS:
        goals.append({"id": direction_id, "title": title, "summary": _paragraphs(rng, "Staden", 3),
                      "area_goals": [{"id": a, "title": t, "analysis": _paragraphs(rng, "Staden", 3)} for a, t in areas]})
    report = {
        "organisation": ORG, "web_address": "exempelstad.se", "address": "Stadshuset, 100 00 Exempelstad",
        "switchboard": "010-000 00 00", "administration": "Stadsledningskontoret", "board": "Kommunstyrelsen",
        "title": f"Stadens tertialrapport 1 {YEAR}", "period_kind": "tertial", "period": f"Tertial 1 {YEAR}",
        "year": YEAR, "comparison_label": f"T1 {YEAR - 1}", "as_of": AS_OF, "table_of_contents": True,
        "front_page": {
            "department": "Avdelningen för ekonomi och finans", "reference": f"KS {YEAR}/0100",
            "date": AS_OF + dt.timedelta(days=30), "officer": {"name": "Förnamn Efternamn", "phone": "010-000 00 01"},
            "to": "Kommunstyrelsen",
            "proposals": ["Kommunstyrelsen godkänner stadens tertialrapport 1 och överlämnar den till kommunfullmäktige.",
                          "Kommunstyrelsen uppdrar åt nämnderna att vidta åtgärder för en budget i balans."],
            "signatures": [{"name": "Förnamn Efternamn", "title": "Stadsdirektör"},
                           {"name": "Förnamn Efternamn", "title": "Ekonomidirektör"}],
            "summary": _paragraphs(rng, "Staden", 2),
            "background": _paragraphs(rng, "Staden", 1),
        },
        "summary": _paragraphs(rng, "Staden", 4),
        "consolidates": {"reports": [f"sdn-*-t1-{YEAR}", f"fn-*-t1-{YEAR}", f"ab-*-t1-{YEAR}"],
                         "assigned": assigned, "lower_is_better": LOWER_IS_BETTER},
        "goals": goals,
        "sections": [{"title": "Stadens medarbetare", "text": _paragraphs(rng, "Staden", 4)},
                     {"title": "Intern kontroll i staden", "text": _paragraphs(rng, "Staden", 3)}],
    }
    _dump(folder / "report.yaml", report, "report")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reports", type=int, default=28)
    parser.add_argument("--history", action="store_true")
    args = parser.parse_args()
    city = generate_city(args.out, args.seed, args.reports, args.history)
    print(f"wrote {len(city.reports)} reports and {city.consolidated} to {args.out}")


if __name__ == "__main__":
    main()
