"""Numbers, values and dates as the documents print them, per locale (sv-SE first).

The one owner of formatting: templates, charts, checks and exports all call these,
so "2 351,0" is written the same way everywhere and `tul check` never loads Jinja.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

from render.labels import BABEL_LOCALES
from render.values import Value

NBSP = "\u00a0"


def format_number(number: Decimal | float | int, places: int = 0, locale: str = "sv", plus: bool = False) -> str:
    """'2 351,0': decimal comma, no-break space between thousands, ASCII minus; '+' if asked."""
    quant = Decimal(1).scaleb(-places)
    rounded = Decimal(str(number)).quantize(quant, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never print '-0,0'
    pattern = "#,##0" + ("." + "0" * places if places else "")
    text = format_decimal(rounded, format=pattern, locale=BABEL_LOCALES[locale])
    # Babel gives U+2212 and U+00A0/U+202F; official Stockholm documents print an
    # ASCII hyphen-minus and a no-break space.
    text = text.replace("\u2212", "-").replace("\u202f", NBSP).replace("\u00a0", NBSP)
    return "+" + text if plus and rounded > 0 else text


def format_value(value: Value | None, locale: str = "sv") -> str:
    """A table cell as printed: '8 st', '100,5 %', '+/-1 %', 'Tas fram av nämnd'."""
    if value is None:
        return ""
    if value.number is None:
        return value.text or ""
    text = format_number(value.number, value.places, locale)
    if value.unit:
        text += NBSP + value.unit
    return value.prefix.replace(" ", NBSP) + text


def format_iso_date(value: dt.date | None) -> str:
    """Dates in tables: ISO 8601, as Swedish official documents write them."""
    return value.isoformat() if value else ""


def format_long_date(value: dt.date, locale: str = "sv") -> str:
    """'30 april 2020'."""
    return format_date(value, format="long", locale=BABEL_LOCALES[locale])
