"""The `tul` command line: parses flags, calls the pipeline, prints calmly."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from render import __version__
from render.build import (
    BuildOptions,
    build_many,
    default_assets,
    default_content_dir,
    discover_reports,
    select_shard,
    validate_report,
    write_atomic,
)
from render.errors import ContentError, Problem, ReportError, summary_line
from render.schema import SCHEMA_KINDS, schema_text

# Repeated from render.pdf so that `tul check` and no-op builds never import WeasyPrint
# (0.4 s); tests/test_architecture.py keeps the two equal.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-2b", "plain")


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

    STAGES = {"load": "loading and checking", "html": "rendering HTML", "pdf": "laying out the PDF",
              "write": "writing"}

    def __init__(self, quiet: bool, verbose: bool) -> None:
        self.quiet, self.verbose = quiet, verbose
        self.terminal = sys.stderr.isatty()
        self.colour = self.terminal
        self._transient = False

    def progress(self, slug: str, stage: str) -> None:
        text = f"{slug}: {self.STAGES.get(stage, stage)}"
        if self.verbose:
            click.echo(f"  {text}", err=True)
        elif self.terminal and not self.quiet:
            # One status line that the next message overwrites: calm, but alive during a long build.
            click.echo(f"\r\033[K{text}…", err=True, nl=False)
            self._transient = True

    def _clear(self) -> None:
        if self._transient:
            click.echo("\r\033[K", err=True, nl=False)
            self._transient = False

    def info(self, text: str) -> None:
        self._clear()
        if not self.quiet:
            click.echo(text, err=True)

    def problem(self, problem: Problem) -> None:
        self._clear()
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
    # Fewer garbage collections: a build allocates millions of short-lived objects and the
    # collector's scans of them cost 15-20 % of a cold build (bench/); the output is the same.
    gc.set_threshold(100_000, 50, 100)


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
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes: reports, or a report's chunks, built in parallel (default: number of cores).")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Keep laid-out chunks in OUT/.cache so an edit lays out only its chunk (same output either way).")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
@click.option("--shard", metavar="I/N", default=None, help="Build only every N-th report from the I-th (CI matrix).")
@strict_option
@quiet_option
@verbose_option
def build(
    reports: tuple[str, ...], content: Path | None, out_dir: Path, formats: tuple[str, ...], pdf_variant: str,
    template_dirs: tuple[Path, ...], style_dirs: tuple[Path, ...], jobs: int | None, cache: bool, force: bool,
    shard: str | None, strict: bool | None, quiet: bool, verbose: bool,
) -> None:
    """Render REPORTS (all under the content folder by default) to HTML and PDF."""
    out = _Output(quiet, verbose)
    strict = _strict_default() if strict is None else strict
    options = BuildOptions(
        out_dir=out_dir, formats=formats or ("html", "pdf"), pdf_variant=pdf_variant, strict=strict, force=force,
        assets=default_assets(template_dirs, style_dirs), cache=cache,
    )
    content_dir = _content_dir(content)
    folders = select_shard(discover_reports(content_dir, reports), shard)
    if not folders:
        if shard:
            out.info(f"shard {shard}: no reports to build")
            return
        raise ReportError(f"no reports found under {content_dir}, expected folders with a report.yaml")
    failed = 0
    for outcome in build_many(folders, options, jobs or os.cpu_count() or 1, out.progress):
        if outcome.result is None:
            failed += 1
            for problem in outcome.problems:
                out.problem(problem)
            if not outcome.problems:
                click.echo(outcome.message, err=True)
            continue
        result = outcome.result
        for problem in result.warnings:
            out.problem(problem)
        if result.skipped:
            out.info(f"{result.slug}: up to date (use --force to rebuild)")
            continue
        pages = f", {result.pages} pages" if result.pages else ""
        if result.chunks > 1:
            pages += f" in {result.chunks} chunks ({result.laid_out} laid out)"
        out.info(f"built {result.slug} in {result.seconds:.1f} s{pages}: " + ", ".join(str(p) for p in result.outputs))
    if failed:
        raise ReportError(f"{failed} of {len(folders)} report(s) failed")


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


@main.command()
@click.argument("reports", nargs=-1)
@content_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build/export"),
              show_default=True, help="Folder for <report>/*.csv and *.json.")
@quiet_option
def export(reports: tuple[str, ...], content: Path | None, out_dir: Path, quiet: bool) -> None:
    """Write indicators, activities and budget as CSV (Swedish Excel) and JSON."""
    from render.export import export_tables

    out = _Output(quiet, False)
    for folder in discover_reports(_content_dir(content), reports):
        loaded, problems = validate_report(folder)
        for problem in problems:
            out.problem(problem)
        for name, data in export_tables(loaded.report).items():
            write_atomic(out_dir / loaded.slug / name, data)
        out.info(f"exported {loaded.slug} to {out_dir / loaded.slug}")


@main.command()
@click.option("--kind", type=click.Choice(SCHEMA_KINDS), default="report", show_default=True,
              help="Which content file the schema describes.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write every kind as <kind>.schema.json into this folder instead of printing one.")
def schema(kind: str, out_dir: Path | None) -> None:
    """Print the JSON Schema of the content files (for editors and CI)."""
    if out_dir is None:
        click.echo(schema_text(kind), nl=False)
        return
    for each in SCHEMA_KINDS:
        write_atomic(out_dir / f"{each}.schema.json", schema_text(each).encode("utf-8"))
    click.echo(f"wrote {len(SCHEMA_KINDS)} schemas to {out_dir}", err=True)


@main.command()
@click.argument("slug")
@click.option("--from", "source", required=True, help="The previous report to start from.")
@content_option
@click.option("--period", default=None, help="The new period label (default: the next tertial).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The date the figures will refer to (default: the period's last day).")
def new(slug: str, source: str, content: Path | None, period: str | None, as_of: object) -> None:
    """Start report SLUG for the next period from report --from."""
    import re

    from render.load import dump_yaml, split_report
    from render.successor import successor_data

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise click.BadParameter("use lower-case letters, digits and '-', e.g. ks-t2-2020", param_hint="SLUG")
    content_dir = _content_dir(content)
    (folder,) = discover_reports(content_dir, (source,))
    target = folder.parent / slug
    if target.exists():
        raise ReportError(f"{target} already exists, expected a new report name")
    loaded, _ = validate_report(folder)
    data = successor_data(loaded.report, period, as_of.date() if as_of else None)  # type: ignore[attr-defined]
    for name, (kind, part) in split_report(data, loaded.positions).items():
        write_atomic(target / name, dump_yaml(part, f"../schema/{kind}.schema.json").encode("utf-8"))
    validate_report(target)
    click.echo(f"created {target} for {data['period']} from {folder.name}", err=True)


@main.command()
@click.argument("reports", nargs=-1)
@content_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; only loopback is safe.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--templates", "template_dirs", type=click.Path(file_okay=False, exists=True, path_type=Path),
              multiple=True)
@click.option("--styles", "style_dirs", type=click.Path(file_okay=False, exists=True, path_type=Path), multiple=True)
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Also serve the PDF, re-made in warm worker processes through OUT/.cache on every save.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
              show_default=True, help="Output folder whose chunk cache the PDF preview uses.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for the PDF (default: number of cores).")
def preview(reports: tuple[str, ...], content: Path | None, host: str, port: int, template_dirs: tuple[Path, ...],
            style_dirs: tuple[Path, ...], pdf: bool, out_dir: Path, jobs: int | None) -> None:
    """Serve REPORTS (default: all, with an index) on 127.0.0.1, re-rendered and reloaded on every save."""
    from render.preview import PreviewServer
    from render.worker import cpu_count

    folders = discover_reports(_content_dir(content), reports)
    if not folders:
        raise ReportError("no report to preview")
    # serve_forever warns when the bind is not loopback (is_loopback).
    try:
        server = PreviewServer(folders, default_assets(template_dirs, style_dirs), host=host, port=port,
                               out_dir=out_dir if pdf else None, jobs=jobs or cpu_count())
    except OSError as exc:
        raise ReportError(f"error: cannot listen on {host}:{port} ({exc.strerror}), expected a free port, e.g. --port 0") from None
    server.serve_forever()
