"""An author's own project (#10.1, #10.2): tul init, discovery like git's, and a wrong --content is exit 2."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.build import default_assets, default_content_dir, validate_report
from render.cli import main
from render.draft import PLACEHOLDER
from render.html import render_html
from render.load import load_report
from render.period import PeriodKind, Writer
from render.schema import SCHEMA_KINDS, schema_text
from render.status import report_status


def _init(folder: Path, *args: str) -> None:
    result = CliRunner().invoke(main, ["init", str(folder), *args])
    assert result.exit_code == 0, result.output


def test_init_makes_a_project_an_author_owns(tmp_path: Path) -> None:
    _init(tmp_path / "ours", "--year", "2026")
    root = tmp_path / "ours"
    report = root / "content" / "rapport-t1-2026"
    assert sorted(p.name for p in report.iterdir()) == ["ekonomi.yaml", "mal-1.yaml", "report.yaml"]
    for kind in SCHEMA_KINDS:
        assert (root / "content" / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8") == schema_text(kind)
    settings = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {"./content/schema/report.schema.json": "content/*/report.yaml"}
    assert settings["[yaml]"]["editor.insertSpaces"] is True
    assert "redhat.vscode-yaml" in (root / ".vscode" / "extensions.json").read_text(encoding="utf-8")
    assert "build/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "content/rapport-t1-2026/report.yaml" in readme and "tul status" in readme and "tul build" in readme
    assert all(line.startswith("#") for line in (root / "tul.toml").read_text(encoding="utf-8").splitlines())
    # Each file names its schema from where it stands, as the editor reads it.
    for path in report.glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../schema/") and (path.parent / first.split("=")[1]).is_file()


def test_init_refuses_to_overwrite_and_leaves_everything_as_it_was(tmp_path: Path) -> None:
    project = tmp_path / "project"
    _init(project)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    again = CliRunner().invoke(main, ["init", str(project)])
    assert again.exit_code == 2 and f"{project} is a tul project already (tul.toml)" in again.output
    (project / "other").mkdir()
    inside = CliRunner().invoke(main, ["init", str(project / "other")])
    assert inside.exit_code == 2 and f"is inside the tul project {project} already" in inside.output
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
    readme_only = tmp_path / "readme-only"
    readme_only.mkdir()
    (readme_only / "README.md").write_text("mine\n", encoding="utf-8")
    taken = CliRunner().invoke(main, ["init", str(readme_only)])
    assert taken.exit_code == 2 and f"{readme_only} already holds README.md" in taken.output
    assert [(p.name, p.read_text(encoding="utf-8")) for p in readme_only.iterdir()] == [("README.md", "mine\n")]


def test_init_with_an_example_copies_it(tmp_path: Path) -> None:
    _init(tmp_path, "--example", "sdn-norr-t2-2021")
    shipped = default_content_dir() / "sdn-norr-t2-2021"
    copied = tmp_path / "content" / "sdn-norr-t2-2021"
    assert {p.name: p.read_bytes() for p in copied.iterdir()} == {p.name: p.read_bytes() for p in shipped.iterdir()}
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    wrong = CliRunner().invoke(main, ["init", str(elsewhere), "--example", "nope"])
    assert wrong.exit_code == 2 and "expected one of: bostader-t1-2021" in wrong.output
    both = CliRunner().invoke(main, ["init", str(elsewhere), "--example", "ks-t1-2020", "--kind", "annual"])
    assert both.exit_code == 2 and not elsewhere.exists()


@pytest.mark.parametrize("writer", list(Writer))
@pytest.mark.parametrize("kind", list(PeriodKind))
def test_every_skeleton_validates_renders_and_lists_its_placeholders(tmp_path: Path, kind: PeriodKind,
                                                                      writer: Writer) -> None:
    _init(tmp_path, "--kind", kind.value, "--writer", writer.value, "--year", "2027", "--report", "r")
    folder = tmp_path / "content" / "r"
    derived, problems = validate_report(folder)
    assert [p.message.split(",")[0] for p in problems] == ["the report is not finished"]
    report = derived.report
    assert (report.period_kind, report.writer, report.year) == (kind, writer, 2027)
    assert "[SKRIV:" in render_html(derived, default_assets())
    status = report_status(load_report(folder))
    texts = "\n".join(line for path in folder.glob("*.yaml") for line in path.read_text(encoding="utf-8").splitlines()
                      if not line.lstrip().startswith("#"))  # a comment may name the placeholder's form
    listed = [r.message for r in status.reasons if "still holds the placeholder" in r.message]
    assert len(listed) == len(PLACEHOLDER.findall(texts)) > 0
    assert status.done == 0 and status.total == len(status.left)
    strict = CliRunner().invoke(main, ["check", "--content", str(tmp_path / "content"), "--strict"])
    assert strict.exit_code == 1 and "error: the report is not finished, 0 of " in strict.output


def _project(tmp_path: Path) -> Path:
    _init(tmp_path, "--example", "miljo-en-2020")
    shutil.copytree(default_content_dir() / "bostader-t1-2021", tmp_path / "content" / "bostader-t1-2021")
    return tmp_path


def test_inside_a_report_folder_only_that_report_is_built_into_the_projects_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    report = root / "content" / "bostader-t1-2021"
    report.joinpath("report.yaml").write_text(report.joinpath("report.yaml").read_text(encoding="utf-8").replace(
        "title: Tertialrapport 1 2021", "title: Tertialrapport 1 2021 (rättad)"), encoding="utf-8")
    monkeypatch.chdir(report)
    checked = CliRunner().invoke(main, ["check"])
    assert checked.exit_code == 0 and "checked 1 report(s)" in checked.output
    built = CliRunner().invoke(main, ["build", "--format", "html"])
    assert built.exit_code == 0, built.output
    assert sorted(p.name for p in (root / "build").iterdir()) == ["bostader-t1-2021"]
    assert "Tertialrapport 1 2021 (rättad)" in (root / "build" / "bostader-t1-2021" / "index.html").read_text(encoding="utf-8")
    assert not (report / "build").exists()


def test_anywhere_below_the_project_its_reports_are_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    (root / "notes" / "deep").mkdir(parents=True)
    monkeypatch.chdir(root / "notes" / "deep")
    checked = CliRunner().invoke(main, ["check"])
    assert checked.exit_code == 0 and "checked 2 report(s)" in checked.output
    status = CliRunner().invoke(main, ["status", "miljo-en-2020"])
    assert status.exit_code == 0 and status.output.splitlines() == ["miljo-en-2020: all 9 items done (100 %)"
                                                                    .replace("9", str(_total(root, "miljo-en-2020")))]


def _total(root: Path, slug: str) -> int:
    return report_status(load_report(root / "content" / slug)).total


def test_the_projects_templates_and_styles_come_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "report.html").write_text(
        '{% extends "default/report.html" %}{% block title %}Vår egen titel{% endblock %}', encoding="utf-8")
    (root / "styles").mkdir()
    css = (Path(default_assets().style_dirs[-1]) / "report.css").read_text(encoding="utf-8")
    (root / "styles" / "report.css").write_text(css + "\n/* vår egen stil */\n", encoding="utf-8")
    monkeypatch.chdir(root)
    built = CliRunner().invoke(main, ["build", "miljo-en-2020", "--format", "html"])
    assert built.exit_code == 0, built.output
    html = (root / "build" / "miljo-en-2020" / "index.html").read_text(encoding="utf-8")
    assert "<title>Vår egen titel</title>" in html and "/* vår egen stil */" in html


def test_without_a_project_the_shipped_examples_are_used_and_it_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--no-strict"])
    assert result.exit_code == 0
    first, *_, last = result.output.splitlines()
    assert first.startswith(f"no tul project in {tmp_path} or above it") and "'tul init'" in first
    shipped = [p for p in default_content_dir().iterdir() if (p / "report.yaml").is_file()]
    assert last == f"checked {len(shipped)} report(s): no problems"


def test_a_marker_with_settings_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    (root / "tul.toml").write_text('content = "reports"\n', encoding="utf-8")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2 and "'content' is not a setting tul knows, expected only comments" in result.output


@pytest.mark.parametrize("command", [["build"], ["check"], ["export"], ["status"], ["preview"], ["new", "x"]])
@pytest.mark.parametrize("where", ["missing", "empty", "no-report"])
def test_a_content_folder_without_reports_is_a_usage_error(tmp_path: Path, command: list[str], where: str) -> None:
    content = tmp_path / "content"
    if where != "missing":
        content.mkdir()
    if where == "no-report":
        (content / "notes").mkdir()
        (content / "notes" / "readme.txt").write_text("no report here\n", encoding="utf-8")
    before = sorted(os.listdir(tmp_path))
    result = CliRunner().invoke(main, [*command, "--content", str(content)])
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.output if where == "missing" else f"no report in {content}" in result.output
    assert sorted(os.listdir(tmp_path)) == before
