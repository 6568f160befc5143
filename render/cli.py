"""The `tul` command line: parses flags, calls the pipeline, prints calmly."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from render import __version__
from render.build import (
    BuildOptions,
    build_report,
    default_assets,
    default_content_dir,
    discover_reports,
    validate_report,
)
from render.errors import ContentError, Problem, ReportError, summary_line
from render.pdf import PDF_VARIANTS


def _strict_default() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _content_dir(content: Path | None) -> Path:
    if content is not None:
        return content
    local = Path("content")
    if local.is_dir() and any(local.glob("*/report.yaml")):
        return local
    return default_content_dir()


class _Output:
    """Calm output: progress on stderr, colour only on a terminal."""

    def __init__(self, quiet: bool, verbose: bool) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.colour = sys.stderr.isatty()

    def progress(self, slug: str, stage: str) -> None:
        if self.verbose:
            click.echo(f"  {slug}: {stage}", err=True)

    def info(self, text: str) -> None:
        if not self.quiet:
            click.echo(text, err=True)

    def problem(self, problem: Problem) -> None:
        text = str(problem)
        if self.colour:
            colour = "red" if problem.severity == "error" else "yellow"
            text = text.replace(f": {problem.severity}:", ": " + click.style(problem.severity, fg=colour, bold=True) + ":", 1)
        click.echo(text, err=True)


content_option = click.option(
    "--content", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder holding one folder per report (default: ./content, else the embedded default).",
)
strict_option = click.option(
    "--strict/--no-strict", default=None, help="Treat warnings as errors (on by default when CI=true).",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Print each stage of each report.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tul")
def main() -> None:
    """tul: the tjänsteutlåtande report generator (YAML + Markdown -> HTML and PDF)."""


@main.command()
@click.argument("reports", nargs=-1)
@content_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Output folder.")
@click.option("--format", "formats", type=click.Choice(["html", "pdf"]), multiple=True,
              help="Formats to write (default: both).")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS), default="pdf/ua-1", show_default=True,
              help="PDF/UA-1 (accessible), PDF/A-2b (archive) or plain.")
@click.option("--templates", "template_dirs", type=click.Path(file_okay=False, exists=True, path_type=Path),
              multiple=True, help="An organisation's template folder, searched before the shipped one.")
@click.option("--styles", "style_dirs", type=click.Path(file_okay=False, exists=True, path_type=Path),
              multiple=True, help="An organisation's style folder, searched before the shipped one.")
@strict_option
@quiet_option
@verbose_option
def build(
    reports: tuple[str, ...], content: Path | None, out_dir: Path, formats: tuple[str, ...], pdf_variant: str,
    template_dirs: tuple[Path, ...], style_dirs: tuple[Path, ...], strict: bool | None, quiet: bool, verbose: bool,
) -> None:
    """Render REPORTS (all under the content folder by default) to HTML and PDF."""
    out = _Output(quiet, verbose)
    strict = _strict_default() if strict is None else strict
    options = BuildOptions(
        out_dir=out_dir, formats=formats or ("html", "pdf"), pdf_variant=pdf_variant, strict=strict,
        assets=default_assets(template_dirs, style_dirs),
    )
    folders = discover_reports(_content_dir(content), reports)
    if not folders:
        raise ReportError(f"no reports found under {_content_dir(content)}, expected folders with a report.yaml")
    failures: list[ReportError] = []
    for folder in folders:
        started = time.perf_counter()
        try:
            result = build_report(folder, options, out.progress)
        except ReportError as exc:
            failures.append(exc)
            if isinstance(exc, ContentError):
                for problem in exc.problems:
                    out.problem(problem)
            else:
                click.echo(exc.format_message(), err=True)
            continue
        for problem in result.warnings:
            out.problem(problem)
        pages = f", {result.pages} pages" if result.pages else ""
        out.info(f"built {result.slug} in {time.perf_counter() - started:.1f} s{pages}: "
                 + ", ".join(str(p) for p in result.outputs))
    if failures:
        raise ReportError(f"{len(failures)} of {len(folders)} report(s) failed")


@main.command()
@click.argument("reports", nargs=-1)
@content_option
@strict_option
@quiet_option
def check(reports: tuple[str, ...], content: Path | None, strict: bool | None, quiet: bool) -> None:
    """Validate REPORTS without rendering; print every problem as file:line:col."""
    out = _Output(quiet, False)
    strict = _strict_default() if strict is None else strict
    folders = discover_reports(_content_dir(content), reports)
    errors = warnings = 0
    for folder in folders:
        try:
            _, problems = validate_report(folder, strict)
        except ContentError as exc:
            problems = exc.problems
        for problem in problems:
            out.problem(problem)
        errors += sum(p.severity == "error" for p in problems)
        warnings += sum(p.severity == "warning" for p in problems)
    if errors:
        raise ReportError(summary_line(errors, warnings))
    out.info(f"checked {len(folders)} report(s): {summary_line(errors, warnings)}")
