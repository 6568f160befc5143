"""Typed table cell values: numbers with units, or text (Värde)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

# "8 st", "100,5 %", "1 080 ton CO2", "+/- 1 %", "+/-1 %", "+5 %", "-7,0", "90%", "0,1 mnkr".
# A prefix ("+/-", "±", an explicit "+") is kept exactly as typed, spacing included.
# Thousands may be separated by a space or a no-break space; the decimal mark is
# a comma (as authors type it) or a point (as YAML numbers arrive). A minus may be
# the hyphen, the Unicode minus (U+2212) or the en dash (U+2013) that word
# processors put in its place. A unit never starts like an exponent ('1e400').
_SIGN = r"(?P<sign>[-\u2212\u2013+])?"
_DIGITS = r"(?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[,.](?P<frac>\d+))?"
_NUMBER = re.compile(
    rf"""^(?P<prefix>(?:\+/-|±)[ \u00a0]*|\+)?
        (?P<sign>[-\u2212\u2013])?
        {_DIGITS}
        \s*(?P<unit>(?![eE][-+]?\d)[^\d\s].*)?$""",
    re.VERBOSE,
)
_PLAIN_NUMBER = re.compile(rf"^{_SIGN}\s*{_DIGITS}$")
_MINUS = ("-", "\u2212", "\u2013")

# Numbers are printed exactly: at most 15 digits (what a float keeps exactly, and far
# beyond any budget in mnkr), so 1e400, 4301-digit integers and 30 decimals are refused.
MAX_DIGITS = 15


def number_problem(number: Decimal) -> str | None:
    """Why `number` cannot be printed exactly (infinite, or more than MAX_DIGITS digits), or None."""
    if not number.is_finite():
        return "is not a number that can be printed, expected a number such as 12.5"
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers have an integer exponent
    digits = max(number.adjusted() + 1, 1) + max(-exponent, 0)
    if digits > MAX_DIGITS:
        return f"has more than {MAX_DIGITS} digits when written out, expected at most {MAX_DIGITS} digits (e.g. 2351.5)"
    return None


def _decimal(sign: str | None, int_part: str, frac: str | None) -> Decimal:
    digits = re.sub(r"[ \u00a0\u202f]", "", int_part)
    minus = "-" if sign in _MINUS else ""
    return Decimal(f"{minus}{digits}.{frac}" if frac else f"{minus}{digits}")


def parse_number(text: str) -> Decimal | None:
    """A number as an author writes it, without unit: '3,3', '−140.8', '1 080,5'; else None."""
    match = _PLAIN_NUMBER.match(" ".join(text.split()))
    if not match:
        return None
    return _decimal(match["sign"], match["int"], match["frac"])


class Value(BaseModel):
    """A table cell: a number with its unit and decimals as written, or a text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: Decimal | None = None
    places: int = 0
    unit: str = ""
    prefix: str = ""
    text: str | None = None

    @property
    def is_number(self) -> bool:
        """True for a numeric value, False for a text such as 'Tas fram av nämnd'."""
        return self.number is not None

    def to_author(self) -> Any:
        """The value as an author writes it in YAML: 8, '8 st', '100,5 %'."""
        if self.number is None:
            return self.text
        digits = format(self.number, "f")
        if not self.unit and not self.prefix and self.places == 0:
            return int(self.number)
        text = digits.replace(".", ",")
        if self.unit:
            text += " " + self.unit
        return self.prefix + text

    def to_json(self) -> Any:
        """Plain JSON: numbers as numbers, with their unit beside them."""
        if self.number is None:
            return self.text
        number: int | float = int(self.number) if self.places == 0 else float(self.number)
        out: dict[str, Any] = {"value": number}
        if self.unit:
            out["unit"] = self.unit
        if self.prefix:
            out["prefix"] = self.prefix.strip()
        return out


def parse_value(raw: Any) -> Any:
    """Turn what an author typed (YAML number or string) into a Value."""
    if raw is None or isinstance(raw, Value):
        return raw
    if isinstance(raw, bool):
        raise ValueError(f"expected a number or a text, got {str(raw).lower()}")
    if isinstance(raw, int | float | Decimal):
        try:
            dec = Decimal(raw) if isinstance(raw, int | Decimal) else Decimal(repr(raw))
        except (InvalidOperation, ValueError):
            raise ValueError(f"expected a number such as 12.5, got {raw!r}") from None
        _bounded(dec, raw)
        exponent = dec.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) and not isinstance(raw, int) else 0
        return Value(number=dec, places=places)
    if isinstance(raw, str):
        text = " ".join(raw.split())
        if not text:
            return None
        match = _NUMBER.match(text)
        if match:
            number = _decimal(match["sign"], match["int"], match["frac"])
            _bounded(number, text)
            prefix = (match["prefix"] or "").replace("\u00a0", " ")
            return Value(number=number, places=len(match["frac"] or ""), unit=(match["unit"] or "").strip(), prefix=prefix)
        return Value(text=text)
    raise ValueError(f"expected a number or a text, got {type(raw).__name__}")


def _bounded(number: Decimal, raw: Any) -> None:
    problem = number_problem(number)
    if problem:
        shown = str(raw) if len(str(raw)) <= 40 else str(raw)[:37] + "..."
        raise ValueError(f"'{shown}' {problem}")


CellValue = Annotated[
    Value | None,
    BeforeValidator(parse_value),
    PlainSerializer(lambda v: v.to_author() if v is not None else None),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}],
            "description": "A number, a number with its unit ('8 st', '100,5 %'), or a text.",
        }
    ),
]
