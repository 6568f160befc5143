"""`tul new` (#10.3): the next period next to the previous one, the author's layout kept, drafts flagged."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from render.build import default_content_dir, validate_report
from render.cli import main
from render.draft import DRAFT_MARK
from render.load import load_report
from render.period import PeriodKind

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _new(content: Path, *args: str) -> None:
    result = CliRunner().invoke(main, ["new", *args, "--content", str(content)])
    assert result.exit_code == 0, result.output


def _project_with(tmp_path: Path, slug: str) -> Path:
    """A project (tul.toml, content/) holding a copy of the shipped report `slug`; returns content/."""
    (tmp_path / "tul.toml").write_text("# a tul project\n", encoding="utf-8")
    shutil.copytree(default_content_dir() / "schema", tmp_path / "content" / "schema")
    shutil.copytree(default_content_dir() / slug, tmp_path / "content" / slug)
    return tmp_path / "content"


def test_new_keeps_comments_flow_style_and_block_scalars(tmp_path: Path) -> None:
    content = _project_with(tmp_path, "ks-t1-2020")
    source = content / "ks-t1-2020"
    # An author's touches that a plain YAML dump would lose: a folded block, quotes, a flow list.
    report = source / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace(
        "  background: |\n", "  # Bakgrunden är densamma varje tertial.\n  background: >\n"), encoding="utf-8")
    _new(content, "ks-t2-2020", "--from", "ks-t1-2020")
    new = content / "ks-t2-2020"
    assert sorted(p.name for p in new.iterdir()) == sorted(p.name for p in source.iterdir())
    for path in sorted(source.glob("*.yaml")):
        old_lines = path.read_text(encoding="utf-8").splitlines()
        new_text = (new / path.name).read_text(encoding="utf-8")
        new_lines = new_text.splitlines()
        # Every comment line, every flow-style line of a table's columns and every goal title stays as written.
        kept = ("#", "- {key: budget", "- title:") + (("title:",) if path.name != "report.yaml" else ())
        for line in old_lines:
            if line.lstrip().startswith(kept):
                assert line in new_lines, (path.name, line)
        # A '|' block stays '|' (a trailing newline kept), a '>' block stays '>'; no '|-' appears.
        for style in (": |", ": >"):
            assert sum(line.endswith(style) for line in new_lines) == sum(line.endswith(style) for line in old_lines)
        assert not any(line.endswith(": |-") for line in new_lines)
        assert "&id" not in new_text and "*id" not in new_text  # no YAML aliases for shared values
    # Untouched values keep their quotes ('0,1 mnkr' was quoted by its author).
    assert 'council_target: "0,1 mnkr"' in (new / "3-ekonomiskt-hallbar.yaml").read_text(encoding="utf-8")


def test_new_flags_period_bound_text_and_status_lists_it(tmp_path: Path) -> None:
    content = _project_with(tmp_path, "ks-t1-2020")
    _new(content, "ks-t2-2020", "--from", "ks-t1-2020")
    new = load_report(content / "ks-t2-2020").report
    old = load_report(content / "ks-t1-2020").report
    assert old.front_page is not None and new.front_page is not None
    for before, after in zip(old.front_page.proposals, new.front_page.proposals, strict=True):
        assert after == f"[UTKAST från Tertial 1 2020, granska och ta bort markeringen] {before}"
    assert new.front_page.summary.startswith("[UTKAST från Tertial 1 2020") and old.front_page.summary in new.front_page.summary
    assert new.summary is not None and DRAFT_MARK.match(new.summary)
    assert all(g.assessment is None for g in new.assessed_goals())
    assert all(a.deviation is None for g in new.assessed_goals() for a in g.activities)
    listed = CliRunner().invoke(main, ["status", "ks-t2-2020", "--all", "--content", str(content)])
    text = (content / "ks-t2-2020" / "report.yaml").read_text(encoding="utf-8").splitlines()
    proposal_line = next(i for i, line in enumerate(text, 1) if "godkänner tertialrapport 1 2020" in line)
    lines = listed.output.splitlines()
    assert any(f"report.yaml:{proposal_line}:" in line and "to review: front_page.proposals[0] is a draft" in line
               for line in lines)
    assert any(f"report.yaml:{proposal_line}:" in line and "to check: front_page.proposals[0] names "
               "'tertialrapport 1 2020'" in line for line in lines)
    assert lines[-1].startswith("ks-t2-2020: ") and " left" in lines[-1]
    # An indicator measured once a year ('period: 2020') has no outcome to write before the year's end.
    yearly = [i.name[:40] for g in old.assessed_goals() for i in g.indicators if i.period == "2020" and i.outcome is None]
    asked = [line for line in lines if "has no outcome" in line or ": outcome is empty" in line]
    assert yearly and asked and not any(name in line for name in yearly for line in asked)


# The period line of the report family: 30 April, 31 August, 31 December, then the next year's 30 April.
LINE = [(PeriodKind.TERTIAL, 1), (PeriodKind.INTERIM, 2), (PeriodKind.ANNUAL, 3)]
ENDS = {1: (4, 30), 2: (8, 31), 3: (12, 31)}


@pytest.mark.parametrize("slug", ["ks-t1-2020", "sdn-norr-t2-2021", "idrott-vb-2020", "bostader-t1-2021",
                                  "miljo-en-2020"])
def test_every_period_kind_moves_on_to_the_next(tmp_path: Path, slug: str) -> None:
    content = _project_with(tmp_path, slug)
    report = load_report(content / slug).report
    step = {PeriodKind.TERTIAL: 1, PeriodKind.INTERIM: 2, PeriodKind.ANNUAL: 3}[report.period_kind]
    year, previous = report.year, slug
    for index in range(3):
        step, year = (1, year + 1) if step == 3 else (step + 1, year)
        name = f"next-{index}"
        _new(content, name, "--from", previous)
        derived, problems = validate_report(content / name)
        made = derived.report
        assert (made.period_kind, made.year, made.as_of) == (LINE[step - 1][0], year, dt.date(year, *ENDS[step]))
        # Nothing but 'not finished': no hidden column values, no tense mixed, no table that does not add up.
        assert [p.message.split(",")[0] for p in problems] == ["the report is not finished"], problems
        assert all(goal.assessment is None for goal in made.all_goals())
        previous = name


def test_new_inside_a_report_folder_follows_it_and_names_the_next_period(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    content = _project_with(tmp_path, "sdn-norr-t2-2021")
    monkeypatch.chdir(content / "sdn-norr-t2-2021")
    result = CliRunner().invoke(main, ["new"])
    assert result.exit_code == 0, result.output
    made = load_report(content / "sdn-norr-vb-2021").report
    assert (made.period_kind, made.period, made.title) == (PeriodKind.ANNUAL, "Verksamhetsåret 2021",
                                                           "Verksamhetsberättelse 2021")
    assert "'tul status sdn-norr-vb-2021' lists what is left to write" in result.output


def test_new_keeps_a_logo_and_included_files_in_folders_apart(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid" / "branded", content / "branded-t1-2021")
    _new(content, "--from", "branded-t1-2021")
    new = content / "branded-t2-2021"
    assert (new / "logo.svg").read_bytes() == (content / "branded-t1-2021" / "logo.svg").read_bytes()
    validate_report(new)


def test_new_refuses_to_write_into_the_shipped_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sorted(os.listdir(default_content_dir()))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", "ks-t2-2020", "--from", "ks-t1-2020"])
    assert result.exit_code == 2
    assert "no tul project in" in result.output and "tul init" in result.output
    assert sorted(os.listdir(default_content_dir())) == before


def test_new_needs_to_know_which_report_and_which_name(tmp_path: Path) -> None:
    content = _project_with(tmp_path, "ks-t1-2020")
    shutil.copytree(default_content_dir() / "miljo-en-2020", content / "miljo-en-2020")
    which = CliRunner().invoke(main, ["new", "--content", str(content)])
    assert which.exit_code == 2 and "expected --from with one of: ks-t1-2020, miljo-en-2020" in which.output
    name = CliRunner().invoke(main, ["new", "--from", "miljo-en-2020", "--content", str(content)])
    assert name.exit_code == 2 and "cannot tell a name for the new report from 'miljo-en-2020'" in name.output
    again = CliRunner().invoke(main, ["new", "x", "--from", "ks-t1-2020", "--period", "Tertial 1 2020",
                                      "--content", str(content)])
    assert again.exit_code == 2 and "expected a later period" in again.output
    assert sorted(p.name for p in content.iterdir()) == ["ks-t1-2020", "miljo-en-2020", "schema"]
