"""YAML content -> Report model, with every problem located at file:line:col.

The only module that imports yaml. Safe loading only, with YAML 1.2 style scalars:
'NO', 'yes', '0123' and 'KS 2020/0123' stay text; only true/false are booleans;
dates are real dates and impossible ones (2020-13-45) are errors at their line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from render.errors import ContentError, Problem
from render.model import Report

REPORT_FILE = "report.yaml"
# Fields of report.yaml that may name another file instead of holding content.
INCLUDES: dict[str, str] = {"goals": "list", "economy": "one", "sections": "list"}


@dataclass(frozen=True)
class Pos:
    """Where a value (and its key) stands in a content file; lines are 1-based."""

    file: str
    line: int
    col: int
    key_line: int = 0
    key_col: int = 0
    block: bool = False  # a literal/folded block scalar: text starts on the next line
    indent: int = 0  # a block scalar's indentation, so its lines can be located to the column


@dataclass
class Positions:
    """Model path -> position, and the file each included part came from."""

    at: dict[tuple[Any, ...], Pos] = field(default_factory=dict)
    roots: dict[tuple[Any, ...], str] = field(default_factory=dict)
    failed: set[tuple[Any, ...]] = field(default_factory=set)

    def locate(self, path: tuple[Any, ...], key: bool = False) -> Pos:
        """The position of `path`, or of its nearest located ancestor."""
        probe = tuple(path)
        while probe not in self.at and probe:
            probe = probe[:-1]
        pos = self.at.get(probe) or Pos(next(iter(self.roots.values()), "?"), 0, 0)
        if key and probe == tuple(path) and pos.key_line:
            return Pos(pos.file, pos.key_line, pos.key_col)
        return pos

    def relative(self, path: tuple[Any, ...]) -> tuple[Any, ...]:
        """`path` from the root of the file it lives in."""
        best: tuple[Any, ...] = ()
        for root in self.roots:
            if path[: len(root)] == root and len(root) >= len(best):
                best = root
        return tuple(path[len(best):])


@dataclass
class LoadedReport:
    """A validated report with where each of its values came from."""

    slug: str
    folder: Path
    report: Report
    positions: Positions
    files: list[Path]


class _Located(Exception):
    def __init__(self, mark: yaml.Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars and located date errors."""


_Loader.yaml_implicit_resolvers = {}
for _tag, _regex, _first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN\0"),
    ("tag:yaml.org,2002:timestamp", r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$", "0123456789"),
]:
    _Loader.add_implicit_resolver(_tag, re.compile(_regex), list(_first) if _first != "~nN\0" else ["~", "n", "N", ""])


def _construct_date(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> dt.date:
    text = str(loader.construct_scalar(node))
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError as exc:
        raise _Located(node.start_mark, f"impossible date '{text}' ({exc}), expected a real date as YYYY-MM-DD") from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)


def _to_python(
    node: yaml.Node, loader: _Loader, file: str, path: tuple[Any, ...], pos: Positions, problems: list[Problem]
) -> Any:
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        first: dict[str, yaml.Mark] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(_problem(file, key_node.start_mark, "a key must be a plain word, got a list or mapping"))
                continue
            key = str(key_node.value)
            if key in first:
                problems.append(
                    _problem(
                        file,
                        key_node.start_mark,
                        f"duplicate key '{key}' (first at line {first[key].line + 1}), expected each key once per mapping",
                    )
                )
                continue
            first[key] = key_node.start_mark
            child = (*path, key)
            mark = value_node.start_mark
            block = isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">")
            pos.at[child] = Pos(file, mark.line + 1, mark.column + 1, key_node.start_mark.line + 1,
                                key_node.start_mark.column + 1, block, _block_indent(mark) if block else 0)
            out[key] = _to_python(value_node, loader, file, child, pos, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            mark = item.start_mark
            pos.at[child] = Pos(file, mark.line + 1, mark.column + 1)
            items.append(_to_python(item, loader, file, child, pos, problems))
        return items
    try:
        return loader.construct_object(node, deep=True)
    except _Located as exc:
        problems.append(_problem(file, exc.mark, exc.message))
    except yaml.YAMLError as exc:
        problems.append(_problem(file, node.start_mark, f"cannot read this value: {exc}"))
    pos.failed.add(path)  # already reported: the schema need not complain again
    return None


def _block_indent(mark: yaml.Mark) -> int:
    """Indentation of a block scalar's first text line (the line after '|' or '>')."""
    buffer = mark.buffer or ""
    for line in buffer[mark.pointer:].split("\n")[1:]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def _problem(file: str, mark: yaml.Mark | None, message: str) -> Problem:
    if mark is None:
        return Problem(file, 0, 0, "error", message)
    return Problem(file, mark.line + 1, mark.column + 1, "error", message)


def _display(path: Path, base: Path | None) -> str:
    try:
        return str(path.resolve().relative_to((base or Path.cwd()).resolve()))
    except ValueError:
        return str(path)


def load_yaml_file(
    path: Path, root: tuple[Any, ...], pos: Positions, problems: list[Problem], base: Path | None = None
) -> Any:
    """Read one YAML file into plain data, recording positions under `root`."""
    file = _display(path, base)
    pos.roots[root] = file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(file, 0, 0, "error", "file not found"))
        return None
    except UnicodeDecodeError as exc:
        problems.append(Problem(file, 1, exc.start + 1, "error", "the file is not UTF-8 text, expected UTF-8"))
        return None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        problems.append(Problem(file, line, col, "error",
                                f"character {exc.character!r} is not allowed in YAML, expected printable text"))
        return None
    except yaml.MarkedYAMLError as exc:
        loader.dispose()
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(filter(None, [exc.context, exc.problem]))
        # An unclosed bracket is best shown where it was opened, not where the file ends.
        opened = exc.context_mark if exc.context and "flow" in exc.context else None
        if opened is not None and mark is not None and (opened.line, opened.column) != (mark.line, mark.column):
            what += f" at line {mark.line + 1}" if opened.line != mark.line else ""
            mark = opened
        problems.append(_problem(file, mark, f"YAML syntax: {what}"))
        return None
    loader.dispose()
    if node is None:
        problems.append(Problem(file, 1, 1, "error", "the file is empty, expected key: value lines"))
        return None
    pos.at[root] = Pos(file, node.start_mark.line + 1, node.start_mark.column + 1)
    return _to_python(node, loader, file, root, pos, problems)


def _include(
    folder: Path, data: dict[str, Any], pos: Positions, problems: list[Problem], base: Path | None, files: list[Path]
) -> None:
    for key, kind in INCLUDES.items():
        value = data.get(key)
        refs: list[tuple[tuple[Any, ...], Any]]
        if kind == "one":
            refs = [((key,), value)]
        elif isinstance(value, list):
            refs = [((key, i), item) for i, item in enumerate(value)]
        else:
            continue
        for path, ref in refs:
            if not isinstance(ref, str):
                continue  # content written inline
            target = (folder / ref).resolve()
            where = pos.locate(path)
            if folder.resolve() not in target.parents or target.suffix not in (".yaml", ".yml"):
                problems.append(Problem(where.file, where.line, where.col, "error",
                                        f"'{ref}' is not a .yaml file inside the report folder, expected a file name such as 'ekonomi.yaml'"))
                pos.failed.add(path)
                continue
            if not target.is_file():
                problems.append(Problem(where.file, where.line, where.col, "error",
                                        f"file '{ref}' not found next to {REPORT_FILE}"))
                pos.failed.add(path)
                continue
            files.append(target)
            loaded = load_yaml_file(target, path, pos, problems, base)
            if loaded is None:
                pos.failed.add(path)
            if kind == "one":
                data[key] = loaded
            else:
                data[key][path[1]] = loaded


def load_report(folder: Path, base: Path | None = None) -> LoadedReport:
    """Load and validate the report in `folder`; raise ContentError with every problem."""
    problems: list[Problem] = []
    pos = Positions()
    report_path = folder / REPORT_FILE
    files = [report_path.resolve()]
    data = load_yaml_file(report_path, (), pos, problems, base)
    if not problems and not isinstance(data, dict):
        where = pos.locate(())
        problems.append(Problem(where.file, where.line, where.col, "error", "expected key: value lines at the top of the file"))
        data = None
    if data is not None:
        _include(folder, data, pos, problems, base, files)
    report = None
    if data is not None:
        try:
            report = Report.model_validate(data)
        except ValidationError as exc:
            problems.extend(_validation_problems(exc, pos))
    if problems or report is None:
        raise ContentError(problems)
    return LoadedReport(folder.name, folder, report, pos, files)


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


def dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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


def _validation_problems(exc: ValidationError, pos: Positions) -> list[Problem]:
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
            msg = f"unknown key '{key}'"
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
            if kind == "enum":
                expected = f"expected one of: {err['ctx']['expected']}"
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


class _Dumper(yaml.SafeDumper):
    """Block style, long lines kept, Markdown as literal blocks, no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    return dumper.represent_float(float(value))


def _represent_enum(dumper: yaml.SafeDumper, value: Enum) -> yaml.Node:
    return _represent_str(dumper, str(value.value))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_multi_representer(Enum, _represent_enum)


def dump_yaml(data: Any, schema_ref: str | None = None) -> str:
    """Content data as YAML an author can read, with the editor schema line."""
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    return (f"# yaml-language-server: $schema={schema_ref}\n" if schema_ref else "") + text


def split_report(data: dict[str, Any], positions: Positions) -> dict[str, tuple[str, Any]]:
    """Plain report data -> {file name: (schema kind, data)} in the source's file layout."""
    data = dict(data)
    files: dict[str, tuple[str, Any]] = {}
    for root, file in positions.roots.items():
        if not root:
            continue
        name = Path(file).name
        key = root[0]
        kind = {"goals": "goal", "economy": "economy", "sections": "section"}[key]
        if len(root) == 1:
            files[name] = (kind, data[key])
            data[key] = name
        else:
            items = list(data[key])
            files[name] = (kind, items[root[1]])
            items[root[1]] = name
            data[key] = items
    return {REPORT_FILE: ("report", data), **files}
