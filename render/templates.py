"""The one Jinja environment: loaders, autoescape, StrictUndefined, sv-SE filters.

Templates only loop and branch; every number and date is formatted here.
An organisation's own template folder comes first on the search path; the
shipped templates stay reachable as 'default/...' so an override can extend one
and change a single block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from render.labels import BABEL_LOCALES
from render.markup import render_markdown
from render.values import Value

NBSP = "\u00a0"


def format_number(number: Decimal | float | int, places: int = 0, locale: str = "sv") -> str:
    """'2 351,0': decimal comma, no-break space between thousands, ASCII minus."""
    quant = Decimal(1).scaleb(-places)
    rounded = Decimal(str(number)).quantize(quant, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never print '-0,0'
    pattern = "#,##0" + ("." + "0" * places if places else "")
    text = format_decimal(rounded, format=pattern, locale=BABEL_LOCALES[locale])
    # Babel gives U+2212 and U+00A0/U+202F; official Stockholm documents print an
    # ASCII hyphen-minus and a no-break space.
    return text.replace("\u2212", "-").replace("\u202f", NBSP).replace("\u00a0", NBSP)


def format_value(value: Value | None, locale: str = "sv") -> str:
    """A table cell as printed: '8 st', '100,5 %', '+/- 1 %', 'Tas fram av nämnd'."""
    if value is None:
        return ""
    if value.number is None:
        return value.text or ""
    text = format_number(value.number, value.places, locale)
    if value.unit:
        text += NBSP + value.unit
    if value.prefix:
        text = value.prefix + NBSP + text
    return text


def format_iso_date(value: dt.date | None) -> str:
    """Dates in tables: ISO 8601, as Swedish official documents write them."""
    return value.isoformat() if value else ""


def format_long_date(value: dt.date, locale: str = "sv") -> str:
    """'30 april 2020'."""
    return format_date(value, format="long", locale=BABEL_LOCALES[locale])


def css_string(value: object) -> Markup:
    """A CSS string literal's content: safe inside <style>, where HTML escaping does not apply."""
    out = []
    for char in str(value):
        if char in '\\"\'<>&' or ord(char) < 32:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return Markup("".join(out))


def describe_template_error(exc: BaseException) -> str | None:
    """A located one-line message for a template failure, or None if it is not one."""
    import traceback

    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or exc.name}:{exc.lineno}: error: template syntax: {exc.message}"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"error: template not found: {exc.name}"
    if isinstance(exc, jinja2.TemplateError):
        # Jinja rewrites tracebacks so that runtime errors have a frame in the template file.
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".j2", ".jinja"))]
        where = f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""
        return f"{where}error: template: {exc.message or type(exc).__name__}"
    return None


def make_environment(template_dirs: list[Path], locale: str = "sv") -> jinja2.Environment:
    """The environment: user folders first, shipped defaults last and as 'default/'."""
    *user_dirs, default_dir = template_dirs
    default_loader = jinja2.FileSystemLoader(str(default_dir))
    loader = jinja2.ChoiceLoader(
        [
            *(jinja2.FileSystemLoader(str(d)) for d in user_dirs),
            default_loader,
            jinja2.PrefixLoader({"default": default_loader}),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    filters: dict[str, Callable[..., Any]] = {
        "number": lambda v, places=1: format_number(v, places, locale),
        "cell": lambda v: format_value(v, locale),
        "isodate": format_iso_date,
        "longdate": lambda v: format_long_date(v, locale),
        "markdown": render_markdown,
        "cssstr": css_string,
    }
    env.filters.update(filters)
    env.globals["Markup"] = Markup
    return env
