"""Where each value of a report came from: model path -> file, line and column.

Filled by the loader from the YAML node tree, read by every later check that
locates a problem (pydantic's errors, Markdown, stated budget figures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    # Included part -> its file relative to the report folder ('goals/1-mal.yaml').
    refs: dict[tuple[Any, ...], str] = field(default_factory=dict)

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


def dotted(path: tuple[Any, ...]) -> str:
    """A model path as an author reads it: goals[0].area_goals[1].assessment."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def named(pos: Positions, path: tuple[Any, ...], message: str) -> str:
    """'economy.budget.groups[0].costs.budget: <message>', as the schema's messages read."""
    name = dotted(pos.relative(path))
    return f"{name}: {message}" if name else message
