"""The one Jinja environment: loaders, autoescape, StrictUndefined, sv-SE filters.

Templates only loop and branch; every number and date is formatted by render.format.
An organisation's own template folder comes first on the search path; the
shipped templates stay reachable as 'default/...' so an override can extend one
and change a single block.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from render.format import format_iso_date, format_long_date, format_number, format_value
from render.markup import render_markdown


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


class _ContainedLoader(jinja2.FileSystemLoader):
    """A template folder whose templates may not be links to files outside it (the path rule)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(Path(folder).resolve()) for folder in self.searchpath):
            # Not TemplateNotFound: the next folder's template would be used without a word.
            raise jinja2.TemplateError(f"{filename} links to {real}, outside the template folder; "
                                       "expected a template file inside it")
        return source, filename, uptodate


def make_environment(template_dirs: list[Path], locale: str = "sv") -> jinja2.Environment:
    """The environment: user folders first, shipped defaults last and as 'default/'.

    One per folders, locale and the template files the folders hold, kept: a long-running
    preview compiles each template once, and again only when its file changes (Jinja checks) or a
    template is added or removed (a new override is found)."""
    listing = tuple(tuple(sorted(str(p.relative_to(d)) for p in Path(d).rglob("*") if p.is_file()))
                    for d in template_dirs)
    return _environment(tuple(str(d) for d in template_dirs), locale, listing)


@lru_cache(maxsize=8)
def _environment(template_dirs: tuple[str, ...], locale: str, listing: tuple[tuple[str, ...], ...]) -> jinja2.Environment:
    *user_dirs, default_dir = template_dirs
    default_loader = _ContainedLoader(default_dir)
    loader = jinja2.ChoiceLoader(
        [
            *(_ContainedLoader(d) for d in user_dirs),
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
        "number": lambda v, places=1, plus=False: format_number(v, places, locale, plus),
        "cell": lambda v: format_value(v, locale),
        "isodate": format_iso_date,
        "longdate": lambda v: format_long_date(v, locale),
        "markdown": render_markdown,
        "cssstr": css_string,
    }
    env.filters.update(filters)
    env.globals["Markup"] = Markup
    return env
