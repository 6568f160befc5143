"""Budget edits flow through, export, schema, `tul new`, incremental and parallel builds."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from render.build import STAMP_FILE, select_shard, validate_report
from render.cli import main
from render.load import Positions, load_report, load_yaml_file
from render.schema import SCHEMA_KINDS, schema_text

ROOT = Path(__file__).resolve().parent.parent


def _rows(folder: Path) -> dict[tuple[str, str], list[str]]:
    from render.format import format_number

    derived, _ = validate_report(folder)
    out, heading = {}, ""
    for row in derived.tables[0].rows:
        if row.kind in ("heading", "sum_heading"):
            heading = row.label
            continue
        out[(heading, str(row.line))] = [format_number(row.cells[c].shown, 1) for c in ("budget", "booked", "forecast", "deviation")]
    return out


def test_raising_one_budget_figure_flows_through(content_copy: Path) -> None:
    economy = content_copy / "ekonomi.yaml"
    text = economy.read_text(encoding="utf-8")
    assert text.count("714.3") == 2  # SLK Kostnader budget and prognos
    economy.write_text(text.replace("budget: 714.3", "budget: 724.3", 1), encoding="utf-8")
    rows = _rows(content_copy)
    nbsp = "\u00a0"
    assert rows[("SLK", "costs")] == ["724,3", "226,0", "714,3", "10,0"]
    assert rows[("SLK", "net")] == ["583,5", "181,4", "610,5", "-27,0"]
    assert rows[("Summa drift", "costs")] == [f"2{nbsp}361,0", "712,1", f"2{nbsp}321,0", "40,0"]
    assert rows[("Summa drift", "net")] == [f"1{nbsp}431,7", "451,1", f"1{nbsp}428,7", "3,0"]


def test_stated_figure_that_no_longer_adds_up_is_flagged(content_copy: Path) -> None:
    economy = content_copy / "ekonomi.yaml"
    text = economy.read_text(encoding="utf-8").replace("booked: 226.0", "booked: 236.0", 1)
    economy.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--content", str(content_copy.parent), "--no-strict"])
    assert result.exit_code == 0
    assert "ekonomi.yaml:" in result.output
    assert "warning: Driftbudget, mnkr: Summa drift / costs booked: stated 712,1 but the figures add up to 722,0" in result.output


def test_default_content_passes_strict_check(default_report_dir: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--content", str(default_report_dir.parent), "--strict"])
    assert result.exit_code == 0, result.output


def test_export_csv_and_json(tmp_path: Path, default_report_dir: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--content", str(default_report_dir.parent), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "ks-t1-2020" / "indikatorer.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][4:13] == ["Periodens utfall", "Utfall män/ pojkar", "Utfall kvinnor/ flickor",
                             "Periodens utfall VB 2019", "Prognos helår", "Årsmål", "KF:s årsmål", "Period", "Enhet"]
    sick = dict(zip(rows[0], next(r for r in rows if r[2] == "Sjukfrånvaro"), strict=True))
    assert sick["Periodens utfall"] == "2,5" and sick["Enhet"] == "%" and sick["Period"] == "Tertial 1 2020"
    data = json.loads((tmp_path / "ks-t1-2020" / "indikatorer.json").read_text(encoding="utf-8"))
    sick_json = next(r for r in data if r["name"] == "Sjukfrånvaro")
    assert sick_json["outcome"] == {"value": 2.5, "unit": "%"}
    budget = json.loads((tmp_path / "ks-t1-2020" / "driftbudget.json").read_text(encoding="utf-8"))
    assert budget["unit"] == "mnkr" and budget["caption"] == "Driftbudget, mnkr"
    assert {"group": "Summa drift", "row": "Summa kostnader", "kind": "sum_line", "line": "costs", "budget": 2351.0,
            "booked": 712.1, "forecast": 2321.0, "deviation": 30.0} in budget["rows"]
    header = (tmp_path / "ks-t1-2020" / "driftbudget.csv").read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header == "Grupp;Stadsledningskontoret;Justerad budget 2020;Bokfört 200430;Prognos Helår 2020;Avvikelse budget/prognos"
    activities = (tmp_path / "ks-t1-2020" / "aktiviteter.csv").read_bytes()
    assert activities.count(b"\r\n") >= 83


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_committed_schema_is_current(kind: str) -> None:
    assert (ROOT / "content" / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8") == schema_text(kind)


def test_content_files_validate_against_schema(default_report_dir: Path) -> None:
    kinds = {"report.yaml": "report", "ekonomi.yaml": "economy", "kvalitetsarbete.yaml": "section", "ovrigt.yaml": "section"}
    for path in sorted(default_report_dir.glob("*.yaml")):
        kind = kinds.get(path.name, "goal")
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{kind}.schema.json"
        # An editor sees a YAML date as the string it is written as.
        data = json.loads(json.dumps(load_yaml_file(path, (), Positions(), []), default=str))
        jsonschema.validate(data, json.loads(schema_text(kind)), format_checker=jsonschema.FormatChecker())


def test_schema_command_prints_json() -> None:
    result = CliRunner().invoke(main, ["schema", "--kind", "goal"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "area_goals" in schema["properties"]


def test_new_report_from_previous(tmp_path: Path, content_copy: Path) -> None:
    result = CliRunner().invoke(main, ["new", "ks-t2-2020", "--from", "ks-t1-2020", "--content", str(content_copy.parent)])
    assert result.exit_code == 0, result.output
    report = load_report(content_copy.parent / "ks-t2-2020").report
    assert (report.period, report.title, report.as_of.isoformat()) == ("Tertial 2 2020", "Tertialrapport 2 2020", "2020-08-31")
    goals = report.assessed_goals()
    # Assessments are emptied; analyses are carried as drafts for the author to check (#10).
    assert len(goals) == 34 and all(g.assessment is None for g in goals)
    assert all(g.analysis is None or g.analysis.startswith("[UTKAST från Tertial 1 2020") for g in goals)
    indicators = [i for g in goals for i in g.indicators]
    assert all(i.outcome is None and i.forecast is None for i in indicators)
    assert any(i.target is not None for i in indicators)
    assert all(i.period in ("Tertial 2 2020", "2020") for i in indicators)
    assert sum(len(g.activities) for g in goals) >= 80
    assert not any(a.deviation for g in goals for a in g.activities)
    args = ["build", "ks-t2-2020", "--content", str(content_copy.parent), "--out", str(tmp_path / "out"), "--format", "html"]
    built = CliRunner().invoke(main, [*args, "--no-strict"])
    assert built.exit_code == 0, built.output
    # Unfinished, so --strict (and CI) refuses it until it is written or marked draft: true.
    refused = CliRunner().invoke(main, [*args, "--strict"])
    assert refused.exit_code == 1 and re.search(r"error: the report is not finished, \d+ of \d+ items done", refused.output)


def test_noop_build_rewrites_nothing_and_force_rebuilds(tmp_path: Path, content_copy: Path) -> None:
    args = ["build", "--content", str(content_copy.parent), "--out", str(tmp_path), "--format", "html", "--strict"]
    assert CliRunner().invoke(main, args).exit_code == 0
    html = tmp_path / "ks-t1-2020" / "index.html"
    before = html.stat().st_mtime_ns
    second = CliRunner().invoke(main, args)
    assert "up to date" in second.output and html.stat().st_mtime_ns == before
    (content_copy / "ovrigt.yaml").write_text(
        (content_copy / "ovrigt.yaml").read_text(encoding="utf-8").replace("Barnombudsmannens", "Barnombudsmannens nya"),
        encoding="utf-8")
    third = CliRunner().invoke(main, args)
    assert "built ks-t1-2020" in third.output and "Barnombudsmannens nya" in html.read_text(encoding="utf-8")
    assert "built ks-t1-2020" in CliRunner().invoke(main, [*args, "--force"]).output
    assert (tmp_path / "ks-t1-2020" / STAMP_FILE).is_file()


def test_failed_build_keeps_the_previous_output(tmp_path: Path, content_copy: Path) -> None:
    args = ["build", "--content", str(content_copy.parent), "--out", str(tmp_path), "--format", "html"]
    assert CliRunner().invoke(main, args).exit_code == 0
    html = tmp_path / "ks-t1-2020" / "index.html"
    good = html.read_bytes()
    (content_copy / "report.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "report.yaml:1:" in result.output
    assert html.read_bytes() == good
    assert [p.name for p in html.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_parallel_builds_and_shards(tmp_path: Path, content_copy: Path) -> None:
    for name in ("a-report", "b-report"):
        shutil.copytree(content_copy, content_copy.parent / name)
    out = tmp_path / "out"
    args = ["build", "--content", str(content_copy.parent), "--out", str(out), "--format", "html", "--jobs", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a-report", "b-report", "ks-t1-2020"]
    ovrigt = content_copy.parent / "b-report" / "ovrigt.yaml"
    ovrigt.write_text(ovrigt.read_text(encoding="utf-8").replace("Barnombudsmannens", "Nya"), encoding="utf-8")
    again = CliRunner().invoke(main, args[:-1] + ["1"]).output  # only the changed report is rebuilt
    assert "built b-report" in again
    assert "a-report: up to date" in again and "ks-t1-2020: up to date" in again
    folders = [Path(n) for n in ("a", "b", "c", "d", "e")]
    shards = [select_shard(folders, f"{i}/2") for i in (1, 2)]
    assert sorted(shards[0] + shards[1]) == folders and not set(shards[0]) & set(shards[1])
    assert CliRunner().invoke(main, ["build", "--shard", "3/2"]).exit_code == 2  # a usage error


def test_organisation_template_overrides_one_block(tmp_path: Path, default_report_dir: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "report.html").write_text(
        '{% extends "default/report.html" %}{% block body_extra %}<p class="note">Egen fotnot</p>{% endblock %}\n',
        encoding="utf-8")
    args = ["build", "--content", str(default_report_dir.parent), "--out", str(tmp_path / "out"), "--format", "html",
            "--templates", str(templates)]
    assert CliRunner().invoke(main, args).exit_code == 0
    html = (tmp_path / "out" / "ks-t1-2020" / "index.html").read_text(encoding="utf-8")
    assert "Egen fotnot" in html and "Sammanfattande analys" in html
    (templates / "report.html").write_text(
        '{% extends "default/report.html" %}\n{% block body_extra %}{{ missing.value }}{% endblock %}\n', encoding="utf-8")
    result = CliRunner().invoke(main, [*args, "--force"])
    assert result.exit_code == 1
    assert f"{templates / 'report.html'}:2: error: template: 'missing' is undefined" in result.output


def test_older_house_style_is_a_setting(tmp_path: Path, content_copy: Path) -> None:
    report = content_copy / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("locale: sv\n", "locale: sv\nlabels: {page: Sida}\n"),
                      encoding="utf-8")
    args = ["build", "--content", str(content_copy.parent), "--out", str(tmp_path / "out"), "--format", "html"]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert '"Tjänsteutlåtande\\A Sida "' in (tmp_path / "out" / "ks-t1-2020" / "index.html").read_text(encoding="utf-8")


def test_branding_from_theme(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "valid"
    args = ["build", "branded", "--content", str(fixtures), "--out", str(tmp_path), "--strict"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    html = (tmp_path / "branded" / "index.html").read_text(encoding="utf-8")
    assert '<img src="data:image/svg+xml;base64,' in html and 'alt="Exempelstad"' in html
    assert "<script>alert" not in html  # the logo is an image, never inline markup
    assert "--tul-primary: #8a1538;" in html and "color: #8a1538;" in html
    assert (tmp_path / "branded" / "branded.pdf").stat().st_size > 0


def test_quiet_and_verbose(tmp_path: Path) -> None:
    fixtures = str(Path(__file__).parent / "fixtures" / "valid")
    base = ["build", "minimal", "--content", fixtures, "--format", "html", "--force"]
    verbose = CliRunner().invoke(main, [*base, "--out", str(tmp_path / "v"), "-v"])
    assert [line.strip() for line in verbose.output.splitlines()[:3]] == [
        "minimal: loading and checking", "minimal: rendering HTML", "minimal: writing"]
    quiet = CliRunner().invoke(main, [*base, "--out", str(tmp_path / "q"), "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""
    assert "\x1b[" not in verbose.output  # no colour or cursor codes when not on a terminal


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    fixtures = str(Path(__file__).parent / "fixtures" / "valid")
    result = CliRunner().invoke(main, ["build", "minimal", "--content", fixtures, "--out", str(blocker / "out"),
                                       "--format", "html"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # click's exit, not an escaped exception
    assert "cannot write here (Not a directory)" in result.output


def test_preview_on_a_busy_port_is_a_clear_error() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["preview", "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port} (Address already in use)" in result.output


def test_english_edition_is_a_setting(tmp_path: Path) -> None:
    source = Path(__file__).parent / "fixtures" / "valid" / "minimal" / "report.yaml"
    folder = tmp_path / "content" / "en-report"
    folder.mkdir(parents=True)
    folder.joinpath("report.yaml").write_text(source.read_text(encoding="utf-8") + "locale: en\n", encoding="utf-8")
    args = ["build", "--content", str(folder.parent), "--out", str(tmp_path / "out"), "--format", "html", "--strict"]
    assert CliRunner().invoke(main, args).exit_code == 0
    html = (tmp_path / "out" / "en-report" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html
    for label in ("Summary analysis", "Partly met", "Full-year forecast", "Deviation", "Costs", '\\A Page "'):
        assert label in html, label
    assert "Uppfylls" not in html and "Kostnader" not in html


def test_an_activity_not_yet_followed_up_is_exported_as_such(content_copy: Path) -> None:
    from render.export import export_tables

    goals = content_copy / "1-modern-storstad.yaml"
    text = goals.read_text(encoding="utf-8")
    assert "        end: 2020-03-31\n" in text
    goals.write_text(text.replace("        end: 2020-03-31\n", "        end: 2020-03-31\n        deviation:\n", 1),
                     encoding="utf-8")
    derived, _ = validate_report(content_copy)
    files = export_tables(derived)
    rows = list(csv.reader(io.StringIO(files["aktiviteter.csv"].decode("utf-8-sig")), delimiter=";"))
    row = next(r for r in rows if r[2].startswith("Kommunstyrelsen ska göra en översyn av fördelningsmodellen"))
    assert row[5] == "Ej uppföljd"
    data = json.loads(files["aktiviteter.json"])
    assert next(a for a in data if a["text"] == row[2])["deviation"] is None
