"""YAML content -> Report model, with every problem located at file:line:col.

The only module that imports yaml. Safe loading only, with YAML 1.2 style scalars:
'NO', 'yes', '0123' and 'KS 2020/0123' stay text; only true/false are booleans;
dates are real dates and impossible ones (2020-13-45) are errors at their line.

Hostile or broken input is bounded here, whatever the model: files are read
through render.paths (inside the report folder, regular, bounded in size);
nesting is at most MAX_DEPTH levels; aliases expand to at most MAX_ALIAS_NODES
nodes and never into themselves; tags other than YAML's plain ones are errors;
numbers must be finite and fit in 15 digits (render.values). Positions live in
render.positions; numbers typed the Swedish way ('3,3', '−140.8') and pydantic's
errors in plain words in render.validation.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import stat
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from render.errors import ContentError, Problem, note_file, shown
from render.model import Report
from render.paths import REPORT_FILE, Refused, is_plain_name, read_inside, resolve_inside
from render.positions import Pos, Positions, dotted, named
from render.validation import normalise_numbers, validation_problems
from render.values import number_problem

__all__ = ["REPORT_FILE", "LoadedReport", "Pos", "Positions", "dotted", "load_report", "load_yaml_file"]

# Far deeper than any report (the default content nests 8 levels), far shallower than
# Python's recursion limit, which 20 000 levels of '[' would otherwise reach.
MAX_DEPTH = 60
# Aliases may share a value, not multiply one: 9 levels of 9 aliases would otherwise
# expand to 387 million nodes.
MAX_ALIAS_NODES = 10_000
# A report names each included file once; bounds keep a hostile list short and quick.
MAX_INCLUDES = 200
MAX_REPORT_BYTES = 8_000_000  # all of a report's files together (the default report: 102 kB)
# Fields of report.yaml that may name another file instead of holding content.
INCLUDES: dict[str, str] = {"goals": "list", "economy": "one", "sections": "list"}


@dataclass
class LoadedReport:
    """A validated report with where each of its values came from."""

    slug: str
    folder: Path
    report: Report
    positions: Positions
    files: list[Path]


class _Located(Exception):
    def __init__(self, mark: yaml.Mark | None, message: str, named: bool = True) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.named = named  # prefix the field's name (dates keep their long-standing message)


_STR, _INT, _FLOAT, _BOOL, _NULL, _DATE, _SEQ, _MAP = (
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map"))
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _DATE}


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars, located value errors, bounded depth and aliases."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            target: Any = super().compose_node(parent, index)  # type: ignore[misc]
            # A copy that remembers where the alias stood, so its expansion can be counted and located.
            alias = copy.copy(target)
            alias.alias_of = target
            alias.alias_mark = mark
            return alias  # type: ignore[no-any-return]
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Located(self.peek_event().start_mark,
                               f"the content is nested more than {MAX_DEPTH} levels deep here, "
                               "expected a report's few levels of lists and mappings")
            node: yaml.Node = super().compose_node(parent, index)  # type: ignore[misc, assignment]
            return node
        finally:
            self.depth -= 1


_Loader.yaml_implicit_resolvers = {}
for _tag, _regex, _first in [
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (_INT, r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    (
        _FLOAT,
        r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    (_NULL, r"^(?:~|null|Null|NULL|)$", "~nN\0"),
    (_DATE, r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$", "0123456789"),
]:
    _Loader.add_implicit_resolver(_tag, re.compile(_regex), list(_first) if _first != "~nN\0" else ["~", "n", "N", ""])


def _shown(text: str) -> str:
    return shown(text)


def _construct_date(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> dt.date:
    text = str(loader.construct_scalar(node))
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError as exc:
        reason = str(exc) if re.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", text) else "not YYYY-MM-DD"
        raise _Located(node.start_mark, f"impossible date '{_shown(text)}' ({reason}), expected a real date as YYYY-MM-DD",
                       named=False) from None


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    # An explicit '!!int' may carry anything ('abc', '09', 4 301 digits): digits only, bounded.
    text = str(loader.construct_scalar(node)).strip()
    if not re.fullmatch(r"[-+]?[0-9]+", text):
        raise _Located(node.start_mark, f"'{_shown(text)}' is not a whole number, expected digits such as 2020")
    return int(_sane(Decimal(text), text, node))


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).strip()
    if text.lower().lstrip("+-") in (".inf", ".nan"):
        raise _Located(node.start_mark, f"'{_shown(text)}' is not a number that can be printed, "
                                        "expected a finite number such as 12.5")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Located(node.start_mark, f"'{_shown(text)}' is not a number, expected a number such as 12.5") from None
    # At most 15 digits: the float is exactly the number written (repr gives the digits back).
    return float(_sane(number, text, node))


def _sane(number: Decimal, text: str, node: yaml.ScalarNode) -> Decimal:
    """`number`, unless render.values bounds it out (too many digits, too big): then a located error."""
    problem = number_problem(number)
    if problem:
        raise _Located(node.start_mark, f"'{_shown(text)}' {problem}")
    return number


def _construct_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    text = str(loader.construct_scalar(node)).strip()
    if text.lower() not in ("true", "false"):
        raise _Located(node.start_mark, f"'{_shown(text)}' is not true or false, expected true or false")
    return text.lower() == "true"


_Loader.add_constructor(_DATE, _construct_date)
_Loader.add_constructor(_INT, _construct_int)
_Loader.add_constructor(_FLOAT, _construct_float)
_Loader.add_constructor(_BOOL, _construct_bool)


@dataclass
class _Walk:
    """One file's node tree being turned into plain data, with its alias budget."""

    loader: _Loader
    file: str
    root: tuple[Any, ...]  # the model path the file's content stands at
    pos: Positions
    problems: list[Problem]
    expanded: int = 0  # nodes added by aliases so far
    inside_alias: bool = False  # walking an alias's expansion (counted as a whole)
    sizes: dict[int, int | None] = field(default_factory=dict)

    def error(self, mark: yaml.Mark | None, message: str, path: tuple[Any, ...]) -> None:
        self.problems.append(_problem(self.file, mark, message))
        self.pos.failed.add(path)  # already reported: the schema need not complain again


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _expanded_size(node: yaml.Node, walk: _Walk, active: set[int], depth: int = 0) -> int | None:
    """How many nodes `node` becomes with its aliases expanded (capped), or None if it contains itself."""
    target = getattr(node, "alias_of", node)
    key = id(target)
    if key in walk.sizes:
        return walk.sizes[key]
    if key in active:
        return None
    if depth > MAX_DEPTH:
        return MAX_ALIAS_NODES + 1  # an alias chain deeper than any report: as bad as too big
    active.add(key)
    total: int | None = 1
    for child in _children(target):
        size = _expanded_size(child, walk, active, depth + 1)
        if size is None:
            total = None
            break
        total = min((total or 0) + size, MAX_ALIAS_NODES + 1)
    active.discard(key)
    walk.sizes[key] = total
    return total


def _alias_allowed(node: yaml.Node, walk: _Walk, path: tuple[Any, ...]) -> bool:
    """An outermost alias may expand once its whole expansion is known: finite and within the bound."""
    mark = node.alias_mark  # type: ignore[attr-defined]
    found = re.match(r"\*[^\s,\[\]{}]{1,40}", (mark.buffer or "")[mark.pointer:mark.pointer + 41])
    name = found[0] if found else "*"
    size = _expanded_size(node, walk, set())
    if size is None:
        walk.error(mark, named(walk.pos, path, f"the alias '{_shown(name)}' stands inside the value it refers to, "
                                "which would repeat forever, expected an alias to a value written before and outside it"),
                   path)
        walk.pos.failed.add(walk.root)  # the rest of the file is a fragment, as for too many aliases
        return False
    walk.expanded += size
    if walk.expanded <= MAX_ALIAS_NODES:
        return True
    if walk.expanded - size <= MAX_ALIAS_NODES:  # the alias that crossed the bound; later ones quietly
        walk.error(mark, named(walk.pos, path, f"aliases ('{_shown(name)}' and those before it) in this file expand "
                                f"to more than {MAX_ALIAS_NODES} values, expected aliases that share a small value, "
                                "or the values written out"), path)
        # What is left of the file is a fragment: the schema's complaints about it would be noise.
        walk.pos.failed.add(walk.root)
    walk.pos.failed.add(path)
    return False


def _tag_name(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _comma_trap(node: yaml.MappingNode, index: int) -> tuple[yaml.Node, str] | None:
    """In '{budget: 714,3, booked: 226,0}' the comma ends the entry: 714, then a key '3' with no value.

    Returns the value before the comma and the digits after it when entry `index` is such a stray key."""
    if not node.flow_style or index == 0:
        return None
    key, value = node.value[index]
    before = node.value[index - 1][1]
    if not (isinstance(key, yaml.ScalarNode) and key.style is None and re.fullmatch(r"[0-9]+", str(key.value))):
        return None
    if not (isinstance(value, yaml.ScalarNode) and value.tag == _NULL and value.value == ""):
        return None
    if not (isinstance(before, yaml.ScalarNode) and before.style is None and re.fullmatch(r"[-+]?[0-9]+", str(before.value))):
        return None
    between = (key.start_mark.buffer or "")[before.end_mark.pointer:key.start_mark.pointer]
    return (before, str(key.value)) if re.fullmatch(r" *, *", between) else None


def _to_python(node: yaml.Node, walk: _Walk, path: tuple[Any, ...], depth: int = 0) -> Any:
    if hasattr(node, "alias_of"):
        target = node.alias_of  # type: ignore[attr-defined]
        if walk.inside_alias:  # already counted, with everything inside it, by the outermost alias
            return _to_python(target, walk, path, depth)
        if not _alias_allowed(node, walk, path):
            return None
        walk.inside_alias = True
        try:
            return _to_python(target, walk, path, depth)
        finally:
            walk.inside_alias = False
    pos = walk.pos
    if depth > MAX_DEPTH:
        walk.error(node.start_mark, f"aliases nest the content more than {MAX_DEPTH} levels deep here, "
                                    "expected a report's few levels of lists and mappings", path)
        return None
    expected = _MAP if isinstance(node, yaml.MappingNode) else _SEQ if isinstance(node, yaml.SequenceNode) else None
    if node.tag != expected and (expected or node.tag not in _SCALAR_TAGS):
        walk.error(node.start_mark, named(pos, path, f"the tag '{_shown(_tag_name(node.tag))}' is not used in "
                                                      "report files, expected a plain value without a '!' tag"), path)
        return None
    if isinstance(node, yaml.MappingNode):
        return _mapping(node, walk, path, depth)
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            mark = item.start_mark
            pos.at[child] = Pos(walk.file, mark.line + 1, mark.column + 1)
            items.append(_to_python(item, walk, child, depth + 1))
        return items
    try:
        return walk.loader.construct_object(node, deep=True)
    except _Located as exc:
        walk.error(exc.mark, named(pos, path, exc.message) if exc.named else exc.message, path)
    except yaml.YAMLError as exc:
        walk.error(node.start_mark, f"cannot read this value: {exc}", path)
    return None


def _mapping(node: yaml.MappingNode, walk: _Walk, path: tuple[Any, ...], depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    first: dict[str, yaml.Mark] = {}
    for index, (key_node, value_node) in enumerate(node.value):
        if not isinstance(key_node, yaml.ScalarNode) or hasattr(key_node, "alias_of"):
            walk.problems.append(_problem(walk.file, key_node.start_mark, "a key must be a plain word, got a list or mapping"))
            continue
        if key_node.tag not in _SCALAR_TAGS:
            walk.problems.append(_problem(walk.file, key_node.start_mark,
                                          f"the tag '{_shown(_tag_name(key_node.tag))}' is not used in report files, "
                                          "expected a plain key without a '!' tag"))
            continue
        trap = _comma_trap(node, index)
        if trap is not None:
            before, digits = trap
            whole, key_before = f"{before.value},{digits}", str(node.value[index - 1][0].value)
            walk.error(before.start_mark, named(
                walk.pos, (*path, key_before),
                f"'{whole}' is read as {before.value} and a separate key '{digits}': inside {{...}} a comma "
                f"separates entries, expected {before.value}.{digits} with a point (or '{whole}' in quotes)"),
                (*path, key_before))
            continue
        key = str(key_node.value)
        if key in first:
            walk.problems.append(_problem(walk.file, key_node.start_mark,
                                          f"duplicate key '{_shown(key)}' (first at line {first[key].line + 1}), "
                                          "expected each key once per mapping"))
            continue
        first[key] = key_node.start_mark
        child = (*path, key)
        mark = value_node.start_mark
        block = isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">")
        walk.pos.at[child] = Pos(walk.file, mark.line + 1, mark.column + 1, key_node.start_mark.line + 1,
                                 key_node.start_mark.column + 1, block, _block_indent(mark) if block else 0)
        out[key] = _to_python(value_node, walk, child, depth + 1)
    return out


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
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a link that loops: shown as given
        return str(path)


# Word processors paste U+2028/U+2029 (and U+0085) for a line break. YAML 1.1 parsers
# count them as line breaks, editors do not: read as a space, lines and columns stay
# the editor's and a Markdown paragraph reads the same.
_INVISIBLE_BREAKS = str.maketrans({"\u2028": " ", "\u2029": " ", "\u0085": " "})
_LEADING_BREAKS = re.compile(r"(?m)^[\u2028\u2029\u0085]+")  # at a line's start they would read as indentation


def _decode(data: bytes, file: str, problems: list[Problem]) -> str | None:
    try:
        return _LEADING_BREAKS.sub("", data.decode("utf-8")).translate(_INVISIBLE_BREAKS)
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        byte = data[exc.start]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        maybe = f", perhaps '{guess}' saved as Windows-1252" if guess.isprintable() and guess != "\ufffd" else ""
        problems.append(Problem(file, line, col, "error",
                                f"the file is not saved as UTF-8 (byte 0x{byte:02X} here{maybe}), expected UTF-8: "
                                "save the file as UTF-8 (in VS Code: 'Save with Encoding', then 'UTF-8')"))
        return None


def _line_of(text: str, mark: yaml.Mark) -> str:
    lines = text.split("\n")
    return lines[mark.line] if 0 <= mark.line < len(lines) else ""


def _syntax_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[yaml.Mark | None, str]:
    """PyYAML's parser words, for the common mistakes, in words an author can act on."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or ""
    what = " ".join(filter(None, [exc.context, exc.problem]))
    line = _line_of(text, mark) if mark is not None else ""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if mark is not None and ("\t" in indent or "'\\t'" in problem):
        if "\t" in indent:
            return mark, ("this line is indented with a tab, expected spaces: YAML counts spaces for indentation, "
                          "so replace the tab with spaces (in VS Code: 'Convert Indentation to Spaces')")
        return mark, "a tab stands here, expected a space: YAML allows only spaces between a key and its value"
    if "mapping values are not allowed here" in problem:
        return mark, ("a ': ' inside a value starts a new key, expected the value in quotes "
                      "(e.g. title: \"Mål: bättre service\") or the line indented like the lines above it")
    if "could not find expected ':'" in problem:
        return exc.context_mark or mark, ("this line is not 'key: value', expected 'key: value', or text indented "
                                          "further than the key whose value it continues")
    if problem.startswith("expected <block end>") or "did not find expected key" in problem:
        return mark, ("this line is not indented like the lines of its level, expected it to start in the same "
                      "column as the keys above it (count the spaces)")
    if "did not find expected '-' indicator" in problem:
        return mark, "expected a list item starting with '- ' in the same column as the items above it"
    if "expected a single document" in (exc.context or "") + problem:
        return mark, "a second document ('---') starts here, expected one document per file: remove the '---' line"
    if "found undefined alias" in problem:
        return mark, f"{problem.replace('found undefined alias', 'the alias')} refers to no '&' anchor above it, " \
                     "expected an '&name' on a value before the '*name'"
    if "found unexpected end of stream" in problem and exc.context and "quoted" in exc.context:
        return exc.context_mark or mark, "a quote opens here and is never closed, expected the closing quote"
    # An unclosed bracket is best shown where it was opened, not where the file ends.
    opened = exc.context_mark if exc.context and "flow" in exc.context else None
    if opened is not None and mark is not None and (opened.line, opened.column) != (mark.line, mark.column):
        what += f" at line {mark.line + 1}" if opened.line != mark.line else ""
        mark = opened
    return mark, what


def load_yaml_file(
    path: Path, root: tuple[Any, ...], pos: Positions, problems: list[Problem], base: Path | None = None,
    named_at: Pos | None = None,
) -> Any:
    """Read one YAML file into plain data, recording positions under `root`.

    The file is read under the path rule of render.paths: a regular file, bounded in
    size, that stays inside its folder (a report.yaml that links elsewhere is refused).
    A file that cannot be read is reported where it was named (`named_at`), if given."""
    file = _display(path, base)
    try:
        return _load_yaml_file(path, file, root, pos, problems, named_at)
    except Exception as exc:  # a bug: say which file it met, for the CLI's last line of defence
        note_file(exc, file)
        raise


def _load_yaml_file(
    path: Path, file: str, root: tuple[Any, ...], pos: Positions, problems: list[Problem], named_at: Pos | None
) -> Any:
    pos.roots[root] = file
    try:
        data = read_inside(path.parent, path.name)
    except Refused as exc:
        where = named_at or Pos(file, 0, 0)
        problems.append(Problem(where.file, where.line, where.col, "error", exc.reason))
        return None
    text = _decode(data, file, problems)
    if text is None:
        return None
    try:
        node = _composed(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        problems.append(Problem(file, line, col, "error", f"an invisible control character (U+{code:04X}) stands "
                                                          "here, expected printable text: delete it"))
        return None
    except _Located as exc:
        problems.append(_problem(file, exc.mark, exc.message))
        return None
    except yaml.MarkedYAMLError as exc:
        mark, what = _syntax_message(exc, text)
        problems.append(_problem(file, mark, f"YAML syntax: {what}"))
        return None
    if node is None:
        problems.append(Problem(file, 1, 1, "error", "the file is empty, expected key: value lines"))
        return None
    pos.at[root] = Pos(file, node.start_mark.line + 1, node.start_mark.column + 1)
    # A loader of its own constructs the scalars: a kept node tree may be walked by another thread.
    return _to_python(node, _Walk(_Loader(""), file, root, pos, problems), root)


# A preview renders the report again on every save: there an unchanged file's node tree is kept
# (by its text) and not parsed again. Composed trees are only read afterwards; problems are found
# while walking them, anew each time. A build parses each file once and keeps nothing (a big
# report's trees would outlive their use); big files are parsed every time.
COMPOSED_FILES = 64
COMPOSED_TEXT_LIMIT = 256 * 1024  # characters
_COMPOSED: OrderedDict[str, yaml.Node | None] = OrderedDict()
_COMPOSED_LOCK = threading.Lock()
_KEEP = threading.Event()


def keep_parsed_files() -> None:
    """From now on, keep the node trees of small files for loading them again (the preview)."""
    _KEEP.set()


def _composed(text: str) -> yaml.Node | None:
    """The node tree of `text` (a YAML error propagates and is not kept)."""
    with _COMPOSED_LOCK:
        if text in _COMPOSED:
            _COMPOSED.move_to_end(text)
            return _COMPOSED[text]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if _KEEP.is_set() and len(text) <= COMPOSED_TEXT_LIMIT:
        with _COMPOSED_LOCK:
            _COMPOSED[text] = node
            while len(_COMPOSED) > COMPOSED_FILES:
                _COMPOSED.popitem(last=False)
    return node


def _include(
    folder: Path, data: dict[str, Any], pos: Positions, problems: list[Problem], base: Path | None, files: list[Path]
) -> None:
    home = folder.resolve()
    seen: dict[Path, Pos] = {files[0]: Pos(REPORT_FILE, 0, 0)} if files else {}
    count = 0
    total = _size(files[0]) if files else 0
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
            where = pos.locate(path)

            def refuse(message: str, where: Pos = where, path: tuple[Any, ...] = path) -> None:
                problems.append(Problem(where.file, where.line, where.col, "error", message))
                pos.failed.add(path)

            try:
                target = resolve_inside(home, ref)
            except Refused as exc:
                refuse(exc.reason if exc.kind != "outside" else
                       f"'{_shown(ref)}' is not a .yaml file inside the report folder, expected a file name such as 'ekonomi.yaml'")
                continue
            if target.suffix not in (".yaml", ".yml"):
                refuse(f"'{_shown(ref)}' is not a .yaml file inside the report folder, expected a file name such as 'ekonomi.yaml'")
                continue
            if target in seen:
                first = seen[target]
                refuse(f"'{_shown(ref)}' is the report file itself, expected another file" if first.line == 0 else
                       f"'{_shown(ref)}' is already included at line {first.line}, expected each file once")
                continue
            seen[target] = where
            count += 1
            if count > MAX_INCLUDES:
                refuse(f"more than {MAX_INCLUDES} included files, expected at most {MAX_INCLUDES} files per report")
                continue
            if not os.path.lexists(target):
                refuse(f"file '{_shown(ref)}' not found next to {REPORT_FILE}")
                continue
            total += _size(target)
            if total > MAX_REPORT_BYTES:
                refuse(f"the report's files add up to more than {MAX_REPORT_BYTES / 1e6:g} MB with '{_shown(ref)}', "
                       f"expected less than {MAX_REPORT_BYTES / 1e6:g} MB in all")
                continue
            files.append(target)
            pos.refs[path] = target.relative_to(home).as_posix()
            loaded = load_yaml_file(target, path, pos, problems, base, named_at=where)
            if loaded is None:
                pos.failed.add(path)
            if kind == "one":
                data[key] = loaded
            else:
                data[key][path[1]] = loaded


def _size(path: Path) -> int:
    """A regular file's size; anything else counts 0 here and is refused when read."""
    try:
        info = path.stat()
    except (OSError, ValueError):
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link that loops; the read that follows says so, located
        return path


def _report_folder_problem(folder: Path) -> str | None:
    """A report folder that is a link to somewhere outside the content folder is refused."""
    try:
        if folder.is_symlink():
            outer = folder.parent.resolve()
            if outer not in folder.resolve().parents:
                return (f"the report folder is a link to {folder.resolve()}, outside the content folder, "
                        "expected a real folder inside it")
    except (OSError, RuntimeError, ValueError):
        return "the report folder cannot be resolved (a link that leads round in a circle?), expected a folder"
    return None


def load_report(folder: Path, base: Path | None = None) -> LoadedReport:
    """Load and validate the report in `folder`; raise ContentError with every problem."""
    problems: list[Problem] = []
    pos = Positions()
    report_path = folder / REPORT_FILE
    refused = _report_folder_problem(folder)
    if refused:
        raise ContentError([Problem(str(folder), 0, 0, "error", refused)])
    files = [_resolved(report_path)]
    data = load_yaml_file(report_path, (), pos, problems, base)
    if not isinstance(data, dict) and (data is not None or not problems):
        where = pos.locate(())
        problems.append(Problem(where.file, where.line, where.col, "error", "expected key: value lines at the top of the file"))
        data = None
    if data is not None:
        _include(folder, data, pos, problems, base, files)
    report = None
    if data is not None:
        try:
            normalise_numbers(data, Report, (), pos, problems)
            report = Report.model_validate(data)
        except ValidationError as exc:
            problems.extend(validation_problems(exc, pos))
        except Exception as exc:
            note_file(exc, _display(report_path, base))
            raise
    if problems or report is None:
        raise ContentError(problems)
    slug = folder.name if is_plain_name(folder.name) else folder.resolve().name
    return LoadedReport(slug, folder, report, pos, files)
