"""The `tul` command line: parses flags, calls the pipeline, prints calmly.

Exit codes: 0 success, 1 content or build errors, 2 usage errors (click's own, a
wrong report name, --shard, a --content that does not exist or holds no report,
tul init where a project is, tul new where none is). Which reports a command works
on is render.project's discovery: the project around the working folder. An exception that
escapes a command is a bug in tul: the last line of defence (`_Main.invoke`) says so
in one line, naming the file when it is known, and shows the traceback only with -v.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from render import __version__
from render.build import BuildOptions, Outcome, build_many, default_assets, validate_report
from render.errors import (
    BUG_REPORT,
    BuildError,
    ContentError,
    Problem,
    ReportError,
    UsageProblem,
    note_file,
    noted_file,
    summary_line,
)
from render.html import Assets
from render.output import current_umask, write_atomic
from render.period import PeriodKind, Writer
from render.project import (
    MARKER,
    Project,
    discover_reports,
    find_project,
    is_shipped,
    project_for_content,
    select_shard,
)
from render.related import consolidates_others
from render.schema import SCHEMA_KINDS, schema_text

# Repeated from render.pdf so that `tul check` and no-op builds never import WeasyPrint
# (0.4 s); tests/test_architecture.py keeps the two equal.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-2a", "pdf/a-2b", "plain")


def _strict_default() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _noting(outcomes: Iterator[Outcome], folder: Path | None) -> Iterator[Outcome]:
    """Pass outcomes through; an exception on the way names `folder` (when one report is built)."""
    try:
        yield from outcomes
    except Exception as exc:
        if folder is not None:
            note_file(exc, folder / "report.yaml")
        raise


def _project(content: Path | None) -> Project:
    """The project an explicit --content belongs to, else the one around the working folder (render.project)."""
    return project_for_content(content) if content is not None else find_project(Path.cwd())


def _folders(project: Project, names: tuple[str, ...], out: _Output) -> list[Path]:
    """The report folders a command works on: the named ones, the one it was started in, or all of them."""
    if project.report is not None and not names:
        return [project.report]
    if project.shipped and not names:
        out.info(f"no tul project in {Path.cwd()} or above it (no {MARKER} or content/ with reports): using tul's "
                 "shipped examples; 'tul init' starts a project of your own")
    folders = discover_reports(project.content, names)
    if not folders:
        raise UsageProblem(f"no report in {project.content}, expected a folder per report with a report.yaml "
                           "('tul init' makes a project with one, 'tul new' adds the next)")
    return folders


def _assets_of(project: Project, template_dirs: tuple[Path, ...], style_dirs: tuple[Path, ...]) -> Assets:
    """The --templates/--styles folders first, then the project's own templates/ and styles/, then tul's."""
    templates, styles = project.override("templates"), project.override("styles")
    return default_assets((*template_dirs, *([templates] if templates else [])),
                          (*style_dirs, *([styles] if styles else [])))


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
    "--content", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
    help="Folder holding one folder per report (default: the project's content/, found from here upwards).",
)
strict_option = click.option(
    "--strict/--no-strict", default=None, help="Treat warnings as errors (on by default when CI=true).",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Print each stage of each report.")
# Every command takes -v: should tul fail unexpectedly (a bug), it then shows the traceback.
debug_option = click.option("-v", "--verbose", is_flag=True, expose_value=False,
                            help="Show the traceback should tul fail unexpectedly.")


_VERBOSE_FLAG = re.compile(r"--verbose|-[a-zA-Z]*v[a-zA-Z]*")


class _Main(click.Group):
    """The click group, with the last line of defence around every command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        words = args[: args.index("--")] if "--" in args else args
        ctx.meta["tul.verbose"] = any(_VERBOSE_FLAG.fullmatch(word) for word in words)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # the reader went away (tul schema | head): click leaves quietly
            self._defend(ctx, exc)
        except Exception as exc:
            self._defend(ctx, exc)

    @staticmethod
    def _defend(ctx: click.Context, exc: Exception) -> None:
        if ctx.meta.get("tul.verbose"):
            raise exc
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())
        detail = detail if len(detail) <= 160 else detail[:157] + "..."
        file = noted_file(exc)
        where = f"{file}: " if file else ""
        raise ReportError(f"{where}error: tul stopped on an unexpected problem ({detail}); {BUG_REPORT} "
                          "(run again with -v for the details)") from None


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tul")
def main() -> None:
    """tul: the tjänsteutlåtande report generator (YAML + Markdown -> HTML and PDF)."""
    # Fewer garbage collections: a build allocates millions of short-lived objects and the
    # collector's scans of them cost 15-20 % of a cold build (bench/); the output is the same.
    gc.set_threshold(100_000, 50, 100)


@main.command()
@click.argument("reports", nargs=-1)
@content_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: the project's build/).")
@click.option("--format", "formats", type=click.Choice(["html", "pdf"]), multiple=True,
              help="Formats to write (default: both).")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS), default="pdf/ua-1", show_default=True,
              help="PDF/UA-1 (accessible), PDF/A-2a (archive, tagged and PDF/UA-1 too; pdf/a-2b names it "
                   "as well) or plain.")
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
@click.option("--from-build", "from_build", type=click.Path(file_okay=False, exists=True, path_type=Path), multiple=True,
              help="Output folder of an earlier build (a CI shard's artifact): the reports a report consolidates or "
                   "follows are read from there, and must all be there, built from the current content.")
@click.option("--consolidated", "consolidated", type=click.Choice(["include", "skip", "only"]), default="include",
              show_default=True, help="Reports that consolidate others: skip them (a CI matrix) or build only them "
                                      "(the final job, with --from-build).")
@strict_option
@quiet_option
@verbose_option
def build(
    reports: tuple[str, ...], content: Path | None, out_dir: Path, formats: tuple[str, ...], pdf_variant: str,
    template_dirs: tuple[Path, ...], style_dirs: tuple[Path, ...], jobs: int | None, cache: bool, force: bool,
    shard: str | None, from_build: tuple[Path, ...], consolidated: str, strict: bool | None, quiet: bool,
    verbose: bool,
) -> None:
    """Render REPORTS (all of the project's, or the one you are in) to HTML and PDF."""
    out = _Output(quiet, verbose)
    strict = _strict_default() if strict is None else strict
    project = _project(content)
    options = BuildOptions(
        out_dir=out_dir or project.output(), formats=formats or ("html", "pdf"), pdf_variant=pdf_variant,
        strict=strict, force=force, assets=_assets_of(project, template_dirs, style_dirs), from_build=from_build,
        cache=cache,
    )
    found = _folders(project, reports, out)
    if consolidated != "include":
        found = [folder for folder in found if consolidates_others(folder) == (consolidated == "only")]
    folders = select_shard(found, shard)
    if not folders:
        out.info(f"shard {shard}: no reports to build")
        return
    failed = 0
    outcomes = build_many(folders, options, jobs or os.cpu_count() or 1, out.progress)
    for outcome in _noting(outcomes, folders[0] if len(folders) == 1 else None):
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
@debug_option
def check(reports: tuple[str, ...], content: Path | None, strict: bool | None, quiet: bool) -> None:
    """Validate REPORTS without rendering; print every problem as file:line:col."""
    out = _Output(quiet, False)
    strict = _strict_default() if strict is None else strict
    folders = _folders(_project(content), reports, out)
    errors = warnings = 0
    for folder in folders:
        try:
            _, problems = validate_report(folder, strict)
        except ContentError as exc:
            problems = exc.problems
        except Exception as exc:
            note_file(exc, folder / "report.yaml")
            raise
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
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for <report>/*.csv and *.json (default: the project's build/export).")
@quiet_option
@debug_option
def export(reports: tuple[str, ...], content: Path | None, out_dir: Path | None, quiet: bool) -> None:
    """Write indicators, activities and budget as CSV (Swedish Excel) and JSON."""
    from render.export import export_tables

    out = _Output(quiet, False)
    project = _project(content)
    out_dir = out_dir or project.output() / "export"
    for folder in _folders(project, reports, out):
        try:
            derived, problems = validate_report(folder)
            loaded = derived.loaded
            tables = export_tables(derived)
        except Exception as exc:
            note_file(exc, folder / "report.yaml")
            raise
        for problem in problems:
            out.problem(problem)
        for name, data in tables.items():
            write_atomic(out_dir / loaded.slug / name, data, root=out_dir)
        out.info(f"exported {loaded.slug} to {out_dir / loaded.slug}")


@main.command()
@click.option("--kind", type=click.Choice(SCHEMA_KINDS), default="report", show_default=True,
              help="Which content file the schema describes.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write every kind as <kind>.schema.json into this folder instead of printing one.")
@debug_option
def schema(kind: str, out_dir: Path | None) -> None:
    """Print the JSON Schema of the content files (for editors and CI)."""
    if out_dir is None:
        click.echo(schema_text(kind), nl=False)
        return
    for each in SCHEMA_KINDS:
        write_atomic(out_dir / f"{each}.schema.json", schema_text(each).encode("utf-8"), root=out_dir)
    click.echo(f"wrote {len(SCHEMA_KINDS)} schemas to {out_dir}", err=True)


@main.command()
@click.argument("slug", metavar="[NAME]", required=False)
@click.option("--from", "source", default=None,
              help="The previous report to start from (default: the report you are in, or the project's only one).")
@content_option
@click.option("--kind", type=click.Choice([k.value for k in PeriodKind]), default=None,
              help="The new report's period kind (default: the next: T1 -> T2 -> annual -> next year's T1).")
@click.option("--period", default=None, help="The new period's name (default: e.g. 'Tertial 2 2020').")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The date the figures will refer to (default: the period's last day).")
@debug_option
def new(slug: str | None, source: str | None, content: Path | None, kind: str | None, period: str | None,
        as_of: dt.datetime | None) -> None:
    """Start the next period's report, NAME, next to the previous one in your project.

    Goals, targets, activities and budgets are kept with their comments and layout;
    outcomes, assessments and follow-ups are left empty to fill in; every period-bound
    text is kept as a draft marked [UTKAST från ...] for you to check (tul status lists them)."""
    from render.roundtrip import successor_files
    from render.status import report_status
    from render.successor import plan_step

    project = _project(content)
    if project.shipped or is_shipped(project.content):
        raise UsageProblem(f"no tul project in {Path.cwd()} or above it to add a report to (tul new never writes "
                           "into tul's own examples), expected to be run in a project: 'tul init' makes one, "
                           "'tul init --example ks-t1-2020' with an example in it")
    folder = _source(project, source)
    derived, _ = validate_report(folder)
    loaded = derived.loaded
    step = plan_step(loaded.report, PeriodKind(kind) if kind else None, period, as_of.date() if as_of else None)
    slug = slug or _next_slug(folder.name, step.new.step, step.new.year)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", slug):
        raise click.BadParameter("use lower-case letters, digits and '-', e.g. ks-t2-2020", param_hint="NAME")
    target = folder.parent / slug
    if os.path.lexists(target):
        raise ReportError(f"{target} already exists, expected a new report name")
    files = successor_files(loaded, step)
    # All or nothing: the report is made in a hidden folder next to its place and renamed
    # into it only when every file is written and the whole report validates.
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".tul-new-{slug}-", dir=folder.parent))
        os.chmod(staging, 0o777 & ~current_umask())
    except OSError as exc:
        raise BuildError(f"{folder.parent}: error: cannot create a report here ({exc.strerror}), "
                         "expected a content folder you may write to") from None
    try:
        for name, text in files.items():
            write_atomic(staging / name, text.encode("utf-8"), root=staging)
        logo = loaded.report.theme.logo
        if logo:
            from render.paths import read_svg

            write_atomic(staging / logo, read_svg(folder, logo), root=staging)
        try:
            made, _ = validate_report(staging)
        except ContentError as exc:
            raise ContentError([Problem(p.file.replace(staging.name, slug), p.line, p.col, p.severity, p.message)
                                for p in exc.problems]) from None
        status = report_status(made.loaded)
        if os.path.lexists(target):
            raise ReportError(f"{target} already exists, expected a new report name")
        try:
            os.rename(staging, target)
        except OSError as exc:
            raise BuildError(f"{target}: error: cannot create the report ({exc.strerror})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    click.echo(f"created {target} for {step.new_label} from {folder.name}: {status.share()}; "
               f"'tul status {slug}' lists what is left to write", err=True)


def _source(project: Project, source: str | None) -> Path:
    """The report `tul new` starts from: --from, else the report you are in, else the project's only one."""
    if source is not None:
        (folder,) = discover_reports(project.content, (source,))
        return folder
    if project.report is not None:
        return project.report
    folders = discover_reports(project.content)
    if len(folders) == 1:
        return folders[0]
    names = ", ".join(f.name for f in folders) or "none"
    raise UsageProblem(f"which report should the new one follow? expected --from with one of: {names}")


_SLUG_PERIOD = re.compile(r"(?<![a-z0-9])(?:t[123]|vb|vp)-(?:19|20|21)\d\d(?![0-9])")


def _next_slug(name: str, step: int, year: int) -> str:
    """'ks-t1-2020' -> 'ks-t2-2020': the period in a report's folder name moved on."""
    from render.scaffold import STEP_TOKEN

    if not _SLUG_PERIOD.search(name):
        raise UsageProblem(f"cannot tell a name for the new report from '{name}', expected a name: "
                           "tul new NAME (e.g. ks-t2-2020)")
    return _SLUG_PERIOD.sub(f"{STEP_TOKEN[step]}-{year}", name, count=1)


@main.command()
@click.argument("reports", nargs=-1)
@content_option
@click.option("--all", "show_all", is_flag=True, help="List every item left (default: the first 50 of each report).")
@quiet_option
@debug_option
def status(reports: tuple[str, ...], content: Path | None, show_all: bool, quiet: bool) -> None:
    """List what is left to write in REPORTS, per file and line, and the share done."""
    from render.load import load_report
    from render.status import report_status

    out = _Output(quiet, False)
    errors = 0
    for folder in _folders(_project(content), reports, out):
        try:
            state = report_status(load_report(folder))
        except ContentError as exc:
            for problem in exc.problems:
                out.problem(problem)
            errors += sum(p.severity == "error" for p in exc.problems)
            continue
        except Exception as exc:
            note_file(exc, folder / "report.yaml")
            raise
        reasons = state.reasons
        shown_reasons = reasons if show_all else reasons[:50]
        for reason in shown_reasons:
            click.echo(str(reason))
        if len(reasons) > len(shown_reasons):
            click.echo(f"... and {len(reasons) - len(shown_reasons)} more (tul status --all lists them)")
        draft = " (draft: true)" if state.draft else ""
        summary = f"all {state.total} items done (100 %)" if not state.left else f"{state.share()}, {len(state.left)} left"
        click.echo(f"{state.slug}{draft}: {summary}")
    if errors:
        raise ReportError(summary_line(errors, 0))


@main.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--example", default=None, help="Start from a copy of one of tul's examples, e.g. ks-t1-2020.")
@click.option("--kind", type=click.Choice([k.value for k in PeriodKind]), default=None,
              help="The skeleton's period kind (default: tertial, a Tertialrapport 1).")
@click.option("--writer", type=click.Choice([w.value for w in Writer]), default=None,
              help="Who writes it (default: committee, a facknämnd).")
@click.option("--year", type=click.IntRange(1900, 2200), default=None, help="The report's year (default: this year).")
@click.option("--report", "slug", default=None, help="The report's folder name (default: e.g. rapport-t1-2026).")
@debug_option
def init(folder: Path, example: str | None, kind: str | None, writer: str | None, year: int | None,
         slug: str | None) -> None:
    """Make FOLDER (default: here) a project of your own, with a report to start from.

    content/ holds a blank report of the chosen kind (or a copy of an example), with
    the JSON Schemas for the editor; tul.toml marks the project, so tul finds it from
    any folder inside. Nothing that is already there is overwritten."""
    from render.scaffold import create_project, example_files, project_files, skeleton, skeleton_slug

    if example and (kind or writer or year):
        raise UsageProblem("--example copies a finished report as it is, expected either --example or "
                           "--kind/--writer/--year for a blank one")
    around = find_project(folder)
    if around.root is not None and around.root.absolute() != folder.absolute():
        raise UsageProblem(f"{folder} is inside the tul project {around.root} already, expected a folder outside it "
                           "(tul new adds a report to that project)")
    if example:
        report_files = example_files(example)
        slug = slug or example
    else:
        period_kind = PeriodKind(kind or PeriodKind.TERTIAL)
        year = year or dt.date.today().year
        report_files = {name: text.encode("utf-8")
                        for name, text in skeleton(period_kind, Writer(writer or Writer.COMMITTEE), year).items()}
        slug = slug or skeleton_slug(period_kind, year)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", slug):
        raise click.BadParameter("use lower-case letters, digits and '-', e.g. ks-t1-2026", param_hint="--report")
    create_project(folder, project_files(slug, report_files))
    where = "" if folder.absolute() == Path.cwd() else f"cd {folder} && "
    click.echo(f"created a tul project in {folder.absolute()}: your report is content/{slug}/report.yaml\n"
               f"next: {where}tul status (what is left to write), tul build (the PDF and HTML in build/)", err=True)


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
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder whose chunk cache the PDF preview uses (default: the project's build/).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for the PDF (default: number of cores).")
def preview(reports: tuple[str, ...], content: Path | None, host: str, port: int, template_dirs: tuple[Path, ...],
            style_dirs: tuple[Path, ...], pdf: bool, out_dir: Path, jobs: int | None) -> None:
    """Serve REPORTS (default: all, with an index) on 127.0.0.1, re-rendered and reloaded on every save."""
    from render.preview import PreviewServer
    from render.worker import cpu_count

    project = _project(content)
    folders = _folders(project, reports, _Output(False, False))
    # serve_forever warns when the bind is not loopback (is_loopback).
    try:
        server = PreviewServer(folders, _assets_of(project, template_dirs, style_dirs), host=host, port=port,
                               out_dir=(out_dir or project.output()) if pdf else None, jobs=jobs or cpu_count())
    except OSError as exc:
        raise ReportError(f"error: cannot listen on {host}:{port} ({exc.strerror}), expected a free port, e.g. --port 0") from None
    server.serve_forever()
