"""Content files written back in their author's layout: the only `import ruamel`, used only for writing.

Reading stays with render.load (PyYAML, located errors, YAML 1.2 scalars). When
`tul new` makes the next report, each of the previous report's files is read here
a second time, round trip, so that what tul does not change is written back as the
author wrote it: comments, key order, flow style (`{budget: 1.0, …}`), block
scalars with their chomping (`|` stays `|`), quotes, and the file split (each
included file stays its own file, at its own relative path). Indentation follows
each file's dominant style.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.util import load_yaml_guess_indent

from render.errors import ReportError, shown
from render.load import REPORT_FILE, LoadedReport
from render.paths import Refused, read_inside
from render.successor import Step, Successor, Tree

_SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=\S*\n")
_KINDS = {"goals": "goal", "economy": "economy", "sections": "section"}


class _Editor:
    """The successor's Editor for ruamel's round-trip values."""

    def text(self, old: Any, new: str) -> Any:
        if isinstance(old, LiteralScalarString):
            return LiteralScalarString(new)
        if isinstance(old, FoldedScalarString):
            # Keep the folds that still fall on a space after the new text's first line.
            folded = FoldedScalarString(new)
            shift = len(new) - len(str(old))
            folds = [p + shift for p in getattr(old, "fold_pos", []) if 0 <= p + shift < len(new) and new[p + shift] == " "]
            if folds:
                folded.fold_pos = folds  # type: ignore[attr-defined]
            return folded
        if isinstance(old, SingleQuotedScalarString):
            return SingleQuotedScalarString(new)
        if isinstance(old, DoubleQuotedScalarString):
            return DoubleQuotedScalarString(new)
        return new

    def empty(self, mapping: Tree, key: str, comment: str, after: tuple[str, ...] = ()) -> None:
        if key not in mapping and isinstance(mapping, CommentedMap):
            keys = list(mapping)
            present = [keys.index(k) for k in after if k in keys]
            mapping.insert(max(present) + 1 if present else len(keys), key, None)
        else:
            mapping[key] = None
        if isinstance(mapping, CommentedMap) and not mapping.fa.flow_style() and comment:
            # Two spaces after 'key:', whatever the comments around it.
            indent = mapping.lc.col
            mapping.yaml_add_eol_comment(comment, key, column=indent + len(key) + 3 if indent is not None else None)

    def mapping_like(self, like: Any, data: dict[str, Any]) -> Any:
        new = CommentedMap(data)
        if isinstance(like, CommentedMap) and like.fa.flow_style():
            new.fa.set_flow_style()
        return new


@dataclass
class _File:
    """One content file of the report: its name, kind, parsed tree and the layout to write it in."""

    name: str
    kind: str
    tree: Any
    yaml: YAML
    start: bool  # the file opened with an explicit '---'


def _mapping_indent(text: str) -> int:
    """How far the file indents a nested mapping's keys (2 unless the author used more)."""
    lines = [line for line in text.split("\n") if line.strip() and not line.lstrip().startswith("#")]
    for this, following in zip(lines, lines[1:], strict=False):
        outer, inner = len(this) - len(this.lstrip()), len(following) - len(following.lstrip())
        if this.rstrip().endswith(":") and not this.lstrip().startswith("- ") and not following.lstrip().startswith("- ") \
                and inner > outer:
            return inner - outer
    return 2


def _read(loaded: LoadedReport, name: str, kind: str) -> _File:
    try:
        text = read_inside(loaded.folder, name).decode("utf-8")
    except (Refused, UnicodeDecodeError) as exc:  # already read once by render.load: it changed since
        raise ReportError(f"{loaded.folder / name}: error: cannot read it again ({exc}), expected it unchanged "
                          "while tul new runs") from None
    try:
        _, sequence, offset = load_yaml_guess_indent(text)
    except YAMLError:
        sequence, offset = None, None  # reported by the load below
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap an author's long line
    yaml.indent(mapping=_mapping_indent(text), sequence=sequence or 4, offset=offset if offset is not None else 2)
    try:
        tree = yaml.load(text)
    except YAMLError as exc:
        detail = shown(" ".join(str(exc).split()), 160)
        raise ReportError(f"{loaded.folder / name}: error: tul new cannot keep this file's layout ({detail}), "
                          "expected plain YAML; write the new report's file by hand from a copy") from None
    return _File(name, kind, tree, yaml, text.lstrip().startswith("---"))


def _dump(file: _File) -> str:
    out = io.StringIO()
    file.yaml.explicit_start = file.start
    file.yaml.dump(file.tree, out)
    text = out.getvalue()
    depth = file.name.count("/")
    schema = f"# yaml-language-server: $schema={'../' * (depth + 1)}schema/{file.kind}.schema.json\n"
    # The editor's schema line names the schema from where the file stands; added if it was missing.
    return _SCHEMA_LINE.sub(lambda _: schema, text, count=1) if _SCHEMA_LINE.match(text) else schema + text


def successor_files(loaded: LoadedReport, step: Step) -> dict[str, str]:
    """The next report's files, by name relative to the report folder, each in its source file's layout."""
    report_file = _read(loaded, REPORT_FILE, "report")
    files = [report_file]
    tree = report_file.tree
    if not isinstance(tree, CommentedMap):
        raise ReportError(f"{loaded.folder / REPORT_FILE}: error: expected key: value lines at the top of the file")
    # Included files are put in their place for the rules, and their names put back afterwards.
    placed: list[tuple[Any, Any, Any]] = []
    for root, name in sorted(loaded.positions.refs.items(), key=lambda item: str(item[0])):
        included = _read(loaded, name, _KINDS[root[0]])
        files.append(included)
        container: Any = tree
        for part in root[:-1]:
            container = container[part]
        placed.append((container, root[-1], container[root[-1]]))
        container[root[-1]] = included.tree
    Successor(loaded.report, step, _Editor(), source=loaded.slug).move_on(tree)
    for container, key, name in placed:
        container[key] = name
    return {file.name: _dump(file) for file in files}

