"""Typed table cell values: numbers with units, or text (Värde)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

# "8 st", "100,5 %", "1 080 ton CO2", "+/- 1 %", "+/-1 %", "+5 %", "-7,0", "90%", "0,1 mnkr".
# A prefix ("+/-", "±", an explicit "+") is kept exactly as typed, spacing included.
# Thousands may be separated by a space or a no-break space; the decimal mark is
# a comma (as authors type it) or a point (as YAML numbers arrive).
_NUMBER = re.compile(
    r"""^(?P<prefix>(?:\+/-|±)[ \u00a0]*|\+)?
        (?P<sign>[-−])?
        (?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)
        (?:[,.](?P<frac>\d+))?
        \s*(?P<unit>[^\d\s].*)?$""",
    re.VERBOSE,
)


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
    if isinstance(raw, int):
        return Value(number=Decimal(raw))
    if isinstance(raw, float):
        dec = Decimal(repr(raw))
        places = max(0, -int(dec.as_tuple().exponent))  # type: ignore[operator]
        return Value(number=dec, places=places)
    if isinstance(raw, str):
        text = " ".join(raw.split())
        if not text:
            return None
        match = _NUMBER.match(text)
        if match:
            digits = re.sub(r"[ \u00a0\u202f]", "", match["int"])
            frac = match["frac"] or ""
            sign = "-" if match["sign"] in ("-", "−") else ""
            try:
                number = Decimal(f"{sign}{digits}.{frac}" if frac else f"{sign}{digits}")
            except InvalidOperation:  # pragma: no cover - the pattern admits digits only
                return Value(text=text)
            prefix = (match["prefix"] or "").replace("\u00a0", " ")
            return Value(number=number, places=len(frac), unit=(match["unit"] or "").strip(), prefix=prefix)
        return Value(text=text)
    raise ValueError(f"expected a number or a text, got {type(raw).__name__}")


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
