"""Errors and located problems: `file:line:col: error: message`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Literal

import click

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in content, printed like a compiler message."""

    file: str
    line: int
    col: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        # One problem, one line, whatever an author's text (or a folder's name) brought in.
        file = self.file.encode("unicode_escape").decode("ascii") if not self.file.isprintable() else self.file
        where = f"{file}:{self.line}:{self.col}" if self.line else file
        return f"{where}: {self.severity}: {' '.join(self.message.splitlines())}"


def shown(text: str, limit: int = 40) -> str:
    """An author's text inside a message: on one line, and cut short when long."""
    text = " ".join(text.split()) if any(c in text for c in "\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029") else text
    text = text.replace("\0", "\\0")
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ReportError(click.ClickException):
    """Base of every error tul reports without a traceback (exit 1)."""

    exit_code = 1

    def show(self, file: IO[str] | None = None) -> None:
        click.echo(self.format_message(), err=True, file=file)


class ContentError(ReportError):
    """One or more located problems in the content; all of a run at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.col))
        super().__init__(self._text())

    def _text(self) -> str:
        errors = sum(p.severity == "error" for p in self.problems)
        warnings = len(self.problems) - errors
        lines = [str(p) for p in self.problems]
        lines.append(summary_line(errors, warnings))
        return "\n".join(lines)


class BuildError(ReportError):
    """A failure outside the content: templates, output folder, PDF engine."""


def summary_line(errors: int, warnings: int) -> str:
    """'2 errors, 1 warning' with singular and plural right."""
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts) or "no problems"


class UsageProblem(ReportError):
    """A wrong command line (unknown report name, bad --shard): exit 2, like click's usage errors."""

    exit_code = 2

    def format_message(self) -> str:
        return f"error: {self.message}"


BUG_REPORT = "this is a bug in tul, please report it with the file that caused it"


def note_file(exc: BaseException, file: object) -> None:
    """Remember, on an unexpected exception, the file being worked on (the innermost one wins)."""
    if isinstance(exc, ReportError):
        return  # an expected error says where it is itself
    if not any(str(note).startswith("tul-file: ") for note in getattr(exc, "__notes__", ())):
        exc.add_note(f"tul-file: {file}")


def noted_file(exc: BaseException) -> str | None:
    """The file `note_file` recorded on `exc`, if any."""
    for note in getattr(exc, "__notes__", ()):
        if str(note).startswith("tul-file: "):
            return str(note)[len("tul-file: "):]
    return None
