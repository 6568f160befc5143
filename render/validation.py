"""From plain data to the model: numbers as authors type them, and pydantic's errors in plain words.

Both walk the model's field types, so they hold for whatever fields the model has:
a numeric field takes '3,3' and '−140.8' as the number meant, and each error of
the schema becomes a located Problem ('unknown key ..., did you mean ...?').
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ValidationError

from render.errors import Problem, shown
from render.model import Report
from render.positions import Positions, dotted
from render.values import number_problem, parse_number

# -- numbers typed the way an author types them ------------------------------------

def _numeric(tp: Any) -> type | None:
    tp = _unwrap(tp)
    return tp if tp in (Decimal, int, float) else None


def normalise_numbers(data: Any, tp: Any, path: tuple[Any, ...], pos: Positions, problems: list[Problem]) -> Any:
    """Numbers written as text in numeric fields ('3,3', '−140.8', '1 080,5') become the number meant.

    Walks the data along the model's field types, so it holds for every numeric field of
    whatever model; text that is no number is left for the schema to refuse, except forms
    the schema would take but an author never means ('1e400', 'Infinity')."""
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(data, dict):
        for key, value in data.items():
            info = tp.model_fields.get(key)
            if info is not None:
                data[key] = normalise_numbers(value, info.annotation, (*path, key), pos, problems)
    elif origin is list and isinstance(data, list):
        (item,) = typing.get_args(tp) or (Any,)
        for index, value in enumerate(data):
            data[index] = normalise_numbers(value, item, (*path, index), pos, problems)
    elif origin is dict and isinstance(data, dict):
        args = typing.get_args(tp)
        for key, value in data.items():
            data[key] = normalise_numbers(value, args[1] if len(args) == 2 else Any, (*path, key), pos, problems)
    elif _numeric(tp) and isinstance(data, str) and path not in pos.failed:
        return _number_from_text(data, _numeric(tp), path, pos, problems)
    return data


def _number_from_text(text: str, kind: type | None, path: tuple[Any, ...], pos: Positions, problems: list[Problem]) -> Any:
    number = parse_number(text)
    where = pos.locate(path)
    name = dotted(pos.relative(path))
    if number is None:
        try:
            Decimal(text.strip())
        except InvalidOperation:
            if not re.search(r"[0-9]", text):
                return text  # no number at all: the schema says "expected a number, got 'tio'"
            message = f"expected a number such as 2351.5 or 2 351,5, got '{shown(text)}'"
        else:
            message = f"expected a number written out, such as 2351.5, got '{shown(text)}'"
        problems.append(Problem(where.file, where.line, where.col, "error", f"{name}: {message}"))
        pos.failed.add(path)
        return None
    problem = number_problem(number)
    if problem:
        problems.append(Problem(where.file, where.line, where.col, "error", f"{name}: '{shown(text)}' {problem}"))
        pos.failed.add(path)
        return None
    if kind is int:
        return int(number) if number == number.to_integral_value() else text
    return number


# -- turning pydantic's errors into located, plain-language messages ---------------

_EXPECTED = {
    "date_type": "expected a date as YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date as YYYY-MM-DD",
    "date_parsing": "expected a date as YYYY-MM-DD",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "decimal_type": "expected a number",
    "decimal_parsing": "expected a number",
    "string_type": "expected a text",
    "list_type": "expected a list (lines starting with '- ')",
    "model_type": "expected a mapping (key: value lines)",
    "model_attributes_type": "expected a mapping (key: value lines)",
    "dict_type": "expected a mapping (key: value lines)",
    "string_too_short": "expected a non-empty text",
}


def _got(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def _model_at(path: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping at `path`, if any."""
    current: Any = Report
    for part in path:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            current = info.annotation if info else None
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                return tp
        else:
            return tp


# pydantic names the validator inside a union or wrapper in `loc`; an author never wrote it.
_INTERNAL_LOC = re.compile(r"^(function-(after|before|wrap|plain)|lax-or-strict|json-or-python|chain|nullable|union|tagged-union)\[")


def validation_problems(exc: ValidationError, pos: Positions) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(part for part in err["loc"] if not (isinstance(part, str) and _INTERNAL_LOC.match(part)))
        kind = err["type"]
        if any(loc[: len(bad)] == bad for bad in pos.failed):
            continue
        rel = pos.relative(loc)
        name = dotted(rel)
        if kind == "extra_forbidden":
            where = pos.locate(loc, key=True)
            key = str(loc[-1])
            model = _model_at(loc[:-1])
            allowed = list(model.model_fields) if model else []
            hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            msg = f"unknown key '{shown(key)}'"
            msg += f", did you mean '{hint[0]}'?" if hint else (f", expected one of: {', '.join(allowed)}" if allowed else "")
        elif kind == "missing":
            where = pos.locate(loc[:-1])
            parent = dotted(pos.relative(loc[:-1]))
            msg = f"missing required key '{loc[-1]}'" + (f" in {parent}" if parent else "")
            model = _model_at(loc[:-1])
            info = model.model_fields.get(str(loc[-1])) if model else None
            if info and info.description:
                msg += f", expected {info.description[0].lower()}{info.description[1:].rstrip('.')}"
        else:
            where = pos.locate(loc)
            if kind in ("enum", "literal_error"):
                expected = f"expected one of: {err['ctx']['expected']}"
                allowed = re.findall(r"'([^']*)'", str(err["ctx"]["expected"]))
                hint = difflib.get_close_matches(str(err.get("input")), allowed, n=1, cutoff=0.6)
                if hint:  # a misspelt value: name the one meant, as for a misspelt key
                    expected = f"unknown value {_got(err.get('input'))}, did you mean '{hint[0]}'?"
                    kind = "value_error"  # the value is already named
            elif kind in ("too_short",):
                expected = f"expected at least {err['ctx']['min_length']} item(s)"
            elif kind == "string_pattern_mismatch":
                expected = f"expected text matching {err['ctx']['pattern']}"
            elif kind in ("greater_than_equal", "less_than_equal"):
                expected = err["msg"].replace("Input should be", "expected a value")
            elif kind == "value_error":
                expected = str(err["ctx"].get("error", err["msg"])) if err.get("ctx") else err["msg"]
            else:
                expected = _EXPECTED.get(kind, err["msg"])
            msg = f"{name}: {expected}" if name else expected
            if kind != "value_error":
                msg += f", got {_got(err.get('input'))}"
        problems.append(Problem(where.file, where.line, where.col, "error", msg))
    return problems
