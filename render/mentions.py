"""Which earlier periods a text names: 'tertialrapport 1', 'T1 2020', 'per den 30 april', 'Bokfört 200430'.

A report's text may have been carried over from an earlier report (tul new), and a
sentence such as 'Kommunstyrelsen godkänner tertialrapport 1 2020' or 'per den 30
april 2020' left in a Tertialrapport 2 is a mistake nothing else would catch. A
mention counts when it names one of the periods the report could have carried text
from (render.period.Period.carried_from: back to last year's end); a mention without
a year is of the report's own year; a mention just after a comparing word
('jämfört med tertialrapport 1', 'sedan den 30 april') is a comparison, not a
leftover. Swedish and English words; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from render.period import Period

_YEAR = r"(?P<year>(?:19|20|21)\d\d)"
_MENTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:tertialrapport(?:en)?|tertialen|tertial|delårsrapport(?:en)?|tertial report|four-month report)"
                r"\s+(?P<n>[123])\b(?:\s+(?:med\s+delårsbokslut|with\s+interim\s+accounts))?(?:\s+" + _YEAR + r")?\b",
                re.IGNORECASE), "numbered"),
    (re.compile(r"\bT(?P<n>[123])[ -]?" + _YEAR + r"\b"), "numbered"),
    (re.compile(r"\b(?:verksamhetsberättelse(?:n)?|VB|bokslut(?:et)?|årsredovisning(?:en)?|annual report)\s+" + _YEAR
                + r"\b", re.IGNORECASE), "annual"),
    (re.compile(r"\bdelårsbokslut(?:et)?\s+" + _YEAR + r"\b", re.IGNORECASE), "interim"),
    (re.compile(r"\b(?P<day>30|31)(?:e|:e)?\s+(?P<month>april|augusti|august|december)\b(?:\s+" + _YEAR + r")?",
                re.IGNORECASE), "date"),
    (re.compile(r"\b(?P<month>April|August|December)\s+(?P<day>30|31)\b(?:,?\s+" + _YEAR + r")?"), "date"),
    (re.compile(r"\bjan(?:uari)?\s*[-–]\s*(?P<month>apr(?:il)?|aug(?:usti)?|dec(?:ember)?)\b(?:\s+" + _YEAR + r")?",
                re.IGNORECASE), "range"),
    (re.compile(r"(?<![\d/-])(?P<yy>\d\d)(?P<mmdd>0430|0831|1231)(?![\d/-])"), "stamp"),
    (re.compile(r"(?<![\d-])" + _YEAR + r"-(?P<mmdd>04-30|08-31|12-31)(?![\d-])"), "iso"),
]
_MONTH_STEP = {"apr": 1, "aug": 2, "dec": 3}
_DAY_OF_STEP = {1: 30, 2: 31, 3: 31}
# Words that make a mention a comparison rather than a leftover, looked for just before it.
_COMPARING = re.compile(r"(jämfört|jämförelse|sedan|förhållande till|än i|än vid|än per|än den|skillnad från|"
                        r"föregående|compared|since|than)\W+(?:\w+\W+){0,3}$", re.IGNORECASE)




def earlier_mentions(text: str, period: Period) -> Iterator[tuple[int, str]]:
    """(offset, words) of each mention in `text` of a period earlier than `period` that it may have carried text from."""
    earlier = {(p.year, p.step) for p in period.carried_from()}
    for pattern, kind in _MENTIONS:
        for match in pattern.finditer(text):
            if _named_period(match, kind, period.year) not in earlier:
                continue
            if _COMPARING.search(text[max(0, match.start() - 60):match.start()]):
                continue
            yield match.start(), " ".join(match[0].split())


def _named_period(match: re.Match[str], kind: str, year: int) -> tuple[int, int] | None:
    """(year, step) of the period a mention names; a mention without a year is of the report's year."""
    groups = match.groupdict()
    named_year = int(groups["year"]) if groups.get("year") else year
    if kind == "numbered":
        return named_year, int(groups["n"])
    if kind == "annual":
        return named_year, 3
    if kind == "interim":
        return named_year, 2
    if kind in ("stamp", "iso"):
        year = named_year if kind == "iso" else 2000 + int(groups["yy"])
        return year, {"0430": 1, "0831": 2, "1231": 3}[groups["mmdd"].replace("-", "")]
    step = _MONTH_STEP[groups["month"][:3].lower()]
    if kind == "date" and int(groups["day"]) != _DAY_OF_STEP[step]:
        return None
    return named_year, step
