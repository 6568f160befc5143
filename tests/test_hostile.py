"""Hostile and broken input (issue #14): nothing crashes, hangs, escapes the project or leaks.

Each case of the issue is here as a regression test. Cases that used to hang run in a
child process under a timeout: the timeout guards against a hang, it measures no speed.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from render.cli import main
from render.errors import BuildError
from render.markup import check_markdown, render_markdown
from render.output import write_atomic

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = (FIXTURES / "valid" / "minimal" / "report.yaml").read_text(encoding="utf-8")
HANG_GUARD = 120  # seconds; only a hang comes near it


def _report(tmp_path: Path, text: str = MINIMAL, name: str = "r") -> Path:
    folder = tmp_path / "content" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.yaml").write_text(text, encoding="utf-8")
    return folder


def _check(content: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--content", str(content), *args])


def _no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def _tul_in_child(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`tul ARGS` in a fresh process, killed if it hangs."""
    return subprocess.run([sys.executable, "-m", "render", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=HANG_GUARD, env={**os.environ, "PYTHONPATH": str(ROOT)})


# -- 1. one rule for paths -------------------------------------------------------------

def test_a_report_name_is_never_a_path(tmp_path: Path) -> None:
    folder = _report(tmp_path)
    out = tmp_path / "work" / "out"
    for name in ("..", "../r", "/etc", "r/../..", "."):
        result = CliRunner().invoke(main, ["build", name, "--content", str(folder.parent), "--out", str(out),
                                           "--format", "html"])
        assert result.exit_code == 2, (name, result.output)
        assert "is not the name of a report" in result.output
    assert not out.exists() and not (tmp_path / "work" / "index.html").exists()


def test_a_path_to_a_report_folder_names_that_report(tmp_path: Path) -> None:
    folder = _report(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", f"{folder}/", "--content", str(folder.parent), "--out", str(out),
                                       "--format", "html"])
    assert result.exit_code == 0, result.output
    assert (out / "r" / "index.html").is_file()


def test_unknown_report_name_suggests_the_near_one(tmp_path: Path) -> None:
    folder = _report(tmp_path, name="ks-t1-2020")
    result = _check(folder.parent, "ks-t1-2002")
    assert result.exit_code == 2
    assert "no report 'ks-t1-2002'" in result.output and "did you mean 'ks-t1-2020'?" in result.output


def test_a_content_folder_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    for command in (["check"], ["build"], ["export"], ["new", "x", "--from", "y"]):
        result = CliRunner().invoke(main, [*command, "--content", str(tmp_path / "nope")])
        assert result.exit_code == 2, (command, result.output)
        assert "does not exist" in result.output


@pytest.mark.parametrize("shard", ["3/2", "0/1", "x", "1/0", "9" * 5000 + "/1"])
def test_a_bad_shard_is_a_usage_error(tmp_path: Path, shard: str) -> None:
    folder = _report(tmp_path)
    result = CliRunner().invoke(main, ["build", "--content", str(folder.parent), "--shard", shard])
    assert result.exit_code == 2
    assert "expected I/N with 1 <= I <= N" in result.output
    _no_traceback(result)


def _branded(tmp_path: Path) -> Path:
    folder = tmp_path / "content" / "branded"
    shutil.copytree(FIXTURES / "valid" / "branded", folder)
    return folder


def _secret(tmp_path: Path, name: str, text: str) -> Path:
    """A file outside every report folder, which tul must never read."""
    secret = tmp_path / "elsewhere" / name
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(text, encoding="utf-8")
    return secret


def test_a_logo_linked_outside_the_report_is_refused_with_file_and_line(tmp_path: Path) -> None:
    folder = _branded(tmp_path)
    # A valid SVG: only the path rule, not the SVG check, can refuse it.
    secret = _secret(tmp_path, "secret.svg", "<svg xmlns='http://www.w3.org/2000/svg'><text>SECRET-42</text></svg>")
    (folder / "logo.svg").unlink()
    (folder / "logo.svg").symlink_to(secret)
    line = (folder / "report.yaml").read_text(encoding="utf-8").splitlines().index("  logo: logo.svg") + 1
    result = _check(folder.parent)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{folder / 'report.yaml'}:{line}:9: error: theme.logo: 'logo.svg' leads outside the report folder "
        f"(to {secret}), expected a file inside the report folder")
    out = tmp_path / "out"
    built = CliRunner().invoke(main, ["build", "--content", str(folder.parent), "--out", str(out), "--format", "html"])
    assert built.exit_code == 1 and not (out / "branded" / "index.html").exists()


def test_a_logo_linked_to_etc_passwd_is_never_embedded(tmp_path: Path) -> None:
    folder = _branded(tmp_path)
    (folder / "logo.svg").unlink()
    (folder / "logo.svg").symlink_to("/etc/passwd")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--content", str(folder.parent), "--out", str(out), "--format", "html"])
    assert result.exit_code == 1
    assert "theme.logo: 'logo.svg' leads outside the report folder (to /etc/passwd)" in result.output
    assert not out.exists()


def test_a_broken_logo_is_refused_with_file_and_line(tmp_path: Path) -> None:
    folder = _branded(tmp_path)
    (folder / "logo.svg").write_bytes(b"\x89PNG\r\n\x1a\n not an svg")
    result = _check(folder.parent)
    assert result.exit_code == 1
    assert ":53:9: error: theme.logo: 'logo.svg' is not an SVG" in result.output.splitlines()[0]
    (folder / "logo.svg").unlink()
    (folder / "logo.svg").mkdir()
    result = _check(folder.parent)
    assert ":53:9: error: theme.logo: 'logo.svg' is a folder, expected a file" in result.output


@pytest.mark.parametrize("logo", ["lo\0go.svg", "x" * 300 + ".svg"])
def test_odd_logo_names_are_located_errors(tmp_path: Path, logo: str) -> None:
    escaped = logo.replace("\0", "\\0")
    folder = _report(tmp_path, MINIMAL + f'theme:\n  logo: "{escaped}"\n')
    result = _check(folder.parent)
    assert result.exit_code == 1, result.output
    assert f":{len(MINIMAL.splitlines()) + 2}:9: error: theme.logo:" in result.output
    _no_traceback(result)


def test_an_include_linked_outside_the_report_is_refused(tmp_path: Path) -> None:
    secret = _secret(tmp_path, "secret.yaml", "title: SECRET-42\ntext: hemligt\n")
    folder = _report(tmp_path, MINIMAL + "sections:\n  - avsnitt.yaml\n")
    (folder / "avsnitt.yaml").symlink_to(secret)
    result = _check(folder.parent)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{folder / 'report.yaml'}:54:5: error: 'avsnitt.yaml' is not a .yaml file inside the report folder, "
        "expected a file name such as 'ekonomi.yaml'")
    assert "SECRET-42" not in result.output


def test_a_report_yaml_linked_outside_is_refused(tmp_path: Path) -> None:
    secret = _secret(tmp_path, "report.yaml", MINIMAL)
    folder = tmp_path / "content" / "r"
    folder.mkdir(parents=True)
    (folder / "report.yaml").symlink_to(secret)
    result = _check(folder.parent)
    assert result.exit_code == 1
    assert f"'report.yaml' leads outside the report folder (to {secret})" in result.output


def test_a_report_folder_linked_outside_the_content_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = _report(tmp_path / "elsewhere")
    content = tmp_path / "content"
    content.mkdir()
    (content / "r").symlink_to(elsewhere, target_is_directory=True)
    result = _check(content)
    assert result.exit_code == 1
    assert f"the report folder is a link to {elsewhere}, outside the content folder" in result.output


@pytest.mark.parametrize("ref", ["ovr\\0igt.yaml", "y" * 300 + ".yaml", "../../../../etc/passwd", "/etc/hosts.yaml", ""])
def test_odd_include_names_are_located_errors(tmp_path: Path, ref: str) -> None:
    folder = _report(tmp_path, MINIMAL + f'sections:\n  - "{ref}"\n')
    result = _check(folder.parent)
    assert result.exit_code == 1
    assert result.output.startswith(f"{folder / 'report.yaml'}:54:5: error: ")
    _no_traceback(result)


def test_a_fifo_and_a_folder_named_report_yaml_neither_crash_nor_hang(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "folder" / "report.yaml").mkdir(parents=True)
    (content / "pipe").mkdir()
    os.mkfifo(content / "pipe" / "report.yaml")
    os.mkfifo(content / "stray-pipe")
    _report(tmp_path, MINIMAL + "sections:\n  - avsnitt.yaml\n", name="r")
    os.mkfifo(content / "r" / "avsnitt.yaml")
    result = _tul_in_child("check", "--content", str(content), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    # Paths are shown relative to the working folder, here tmp_path.
    assert lines == [
        "content/folder/report.yaml: error: 'report.yaml' is a folder, expected a file",
        "content/pipe/report.yaml: error: 'report.yaml' is not a regular file (a pipe, socket or device), expected a file",
        "content/r/report.yaml:54:5: error: 'avsnitt.yaml' is not a regular file (a pipe, socket or device), expected a file",
        "3 errors"]


def test_writes_stay_inside_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for target in (out / ".." / "index.html", tmp_path / "index.html", out / "a" / ".." / ".." / "x.html"):
        with pytest.raises(BuildError, match="refused to write outside the output folder"):
            write_atomic(target, b"x", root=out)
    (out / "linked").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(BuildError, match="refused to write outside the output folder"):
        write_atomic(out / "linked" / "index.html", b"x", root=out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    write_atomic(out / "r" / "index.html", b"ok", root=out)
    assert (out / "r" / "index.html").read_bytes() == b"ok"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_outputs_get_the_umask_mode(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "f.pdf", b"%PDF")
        write_atomic(tmp_path / "f.pdf", b"%PDF again")  # replacing keeps the same rule
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f.pdf").stat().st_mode) == mode


def test_build_and_export_files_are_0644_under_umask_022(tmp_path: Path) -> None:
    folder = _report(tmp_path)
    old = os.umask(0o022)
    try:
        built = CliRunner().invoke(main, ["build", "--content", str(folder.parent), "--out", str(tmp_path / "b"),
                                          "--format", "html"])
        exported = CliRunner().invoke(main, ["export", "--content", str(folder.parent), "--out", str(tmp_path / "e")])
    finally:
        os.umask(old)
    assert built.exit_code == 0 and exported.exit_code == 0, built.output + exported.output
    files = [p for p in [*(tmp_path / "b").rglob("*"), *(tmp_path / "e").rglob("*")] if p.is_file()]
    assert len(files) >= 7
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {oct(0o644)}


# -- Markdown links ---------------------------------------------------------------------

UNSAFE = ["../../../../etc/passwd", "/etc/passwd", "file:///etc/passwd", "bilaga.pdf", "//evil.example/x",
          "javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=",
          "data:image/png;base64,iVBORw0KGgo="]


@pytest.mark.parametrize("href", UNSAFE)
def test_links_out_of_the_published_set_never_become_links(href: str) -> None:
    for text in (f"Se [underlaget]({href}).", f"Se [underlaget][u].\n\n[u]: {href}", f"Se <{href}>."):
        assert "<a " not in render_markdown(text), text
        issues = check_markdown(text)
        if "<" in text and ":" not in href:
            continue  # '<bilaga.pdf>' is no autolink at all, just text
        assert [issue.severity for issue in issues] == ["error"], (text, issues)
        assert "expected a web address (https://...), mailto:, tel: or a place in the report (#...)" in issues[0].message


@pytest.mark.parametrize("href", ["https://start.stockholm/", "http://example.se", "mailto:a@b.se", "tel:+46850829000",
                                  "#mal-1-2"])
def test_web_mail_and_in_report_links_are_kept(href: str) -> None:
    assert f'<a href="{href}">' in render_markdown(f"[här]({href})")
    assert check_markdown(f"[här]({href})") == []


def test_a_link_is_located_on_its_own_line() -> None:
    (issue,) = check_markdown("Första raden\nandra raden med [r](../x)\n")
    assert issue.line == 1


def test_a_relative_link_in_a_report_fails_the_build_and_is_absent_from_the_html(tmp_path: Path) -> None:
    folder = _report(tmp_path, MINIMAL.replace("text: Prognosen visar ett underskott.",
                                               "text: Se [r](../../../../etc/passwd)."))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--content", str(folder.parent), "--out", str(out)])
    assert result.exit_code == 1
    assert ":43:13: error: economy.sections[0].text: the link '../../../../etc/passwd' points at a file" in result.output
    assert not out.exists()


# -- 2. YAML limits -------------------------------------------------------------------------

def _bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["anchors:", "  a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    lines += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_the_alias_not_expanded(tmp_path: Path) -> None:
    folder = _report(tmp_path, MINIMAL + _bomb())
    result = _tul_in_child("check", "--content", str(folder.parent), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/r/report.yaml:58:12: error: anchors.a4[0]: aliases ('*a3' and those before it) in this file "
        "expand to more than 10000 values, expected aliases that share a small value, or the values written out",
        "1 error"]


def test_an_alias_bomb_as_the_whole_file_does_not_hang(tmp_path: Path) -> None:
    folder = _report(tmp_path, _bomb(levels=12, width=12))
    result = _tul_in_child("check", "--content", str(folder.parent), cwd=tmp_path)
    assert result.returncode == 1 and "expand to more than 10000 values" in result.stderr


def test_small_aliases_still_work(tmp_path: Path) -> None:
    text = MINIMAL.replace("as_of: 2021-04-30", "as_of: &asof 2021-04-30").replace("end: 2021-12-31", "end: *asof")
    folder = _report(tmp_path, text)
    result = _check(folder.parent)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("old", "new"), [
    ("year: 2021", "year: &y [*y]"),
    ("locale: sv", "labels: &l {page: *l}"),
    ("locale: sv", "sections: &s [{title: x, sections: *s}]"),
])
def test_alias_cycles_are_located_errors(tmp_path: Path, old: str, new: str) -> None:
    folder = _report(tmp_path, (MINIMAL + "locale: sv\n").replace(old, new, 1))
    result = _check(folder.parent)
    assert result.exit_code == 1
    (first, summary) = result.output.splitlines()
    assert "which would repeat forever, expected an alias to a value written before and outside it" in first
    assert summary == "1 error"


def test_twenty_thousand_levels_of_brackets_are_a_located_error(tmp_path: Path) -> None:
    folder = _report(tmp_path, "title: " + "[" * 20_000 + "]" * 20_000 + "\n")
    result = _tul_in_child("check", "--content", str(folder.parent), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/r/report.yaml:1:67: error: the content is nested more than 60 levels deep here, "
        "expected a report's few levels of lists and mappings")
    assert "Traceback" not in result.stderr


def test_deep_block_nesting_is_a_located_error(tmp_path: Path) -> None:
    text = "".join(" " * i + "- \n" for i in range(0, 2000, 2))
    folder = _report(tmp_path, "title:\n" + text)
    result = _check(folder.parent)
    assert result.exit_code == 1
    assert "nested more than 60 levels deep" in result.output
    _no_traceback(result)


def test_deep_sections_stay_within_the_bound(tmp_path: Path) -> None:
    # Nested sections (section -> sections -> section) up to the bound build without recursion trouble.
    section = "{title: x}"
    for _ in range(25):
        section = "{title: x, sections: [" + section + "]}"
    folder = _report(tmp_path, MINIMAL + f"sections: [{section}]\n")
    result = CliRunner().invoke(main, ["build", "--content", str(folder.parent), "--out", str(tmp_path / "o"),
                                       "--format", "html"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("value", "message"), [
    (".inf", "'.inf' is not a number that can be printed"),
    ("-.inf", "'-.inf' is not a number that can be printed"),
    (".nan", "'.nan' is not a number that can be printed"),
    ("1.0e400", "'1.0e400' has more than 15 digits when written out"),
    ("1.0e-400", "'1.0e-400' has more than 15 digits when written out"),
    ("9" * 4301, "has more than 15 digits when written out"),
    ("!!int abc", "'abc' is not a whole number, expected digits such as 2020"),
    ("!!int 0x1F", "'0x1F' is not a whole number"),
    ("!!float x", "'x' is not a number, expected a number such as 12.5"),
    ("!!bool maybe", "'maybe' is not true or false, expected true or false"),
    ("!!timestamp x", "impossible date 'x' (not YYYY-MM-DD)"),
    ("!foo 1", "the tag '!foo' is not used in report files"),
    ("!!binary aGVq", "the tag '!!binary' is not used in report files"),
    ("!!python/object/apply:os.system [ls]", "the tag '!!python/object/apply:os.system' is not used"),
    ("!!set {a: null}", "the tag '!!set' is not used in report files"),
])
def test_odd_values_are_located_errors(tmp_path: Path, value: str, message: str) -> None:
    for field, line, col in (("            costs: {budget: 10.0,", 50, 29), ("            outcome: 12", 24, 22)):
        text = MINIMAL.replace(field, field.replace("10.0" if "budget" in field else "12", value), 1)
        folder = _report(tmp_path, text)
        result = _check(folder.parent)
        assert result.exit_code == 1, result.output
        first = result.output.splitlines()[0]
        assert first.startswith(f"{folder / 'report.yaml'}:{line}:{col}: error: ") and message in first, first
        _no_traceback(result)


def test_line_separators_from_word_processors_read_as_spaces(tmp_path: Path) -> None:
    text = MINIMAL.replace("board: Exempelnämnden", "board: Exempel\u2028nämnden").replace(
        "Arbetet pågår.", "Arbetet\u2029pågår.\u0085Vidare.").replace("year: 2021", "\u2028year: 2021")
    folder = _report(tmp_path, text)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--content", str(folder.parent), "--out", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    html = (out / "r" / "index.html").read_text(encoding="utf-8")
    assert "Exempel nämnden" in html and "Arbetet pågår. Vidare." in html


def test_a_nul_byte_in_a_file_is_located(tmp_path: Path) -> None:
    folder = _report(tmp_path, MINIMAL.replace("board: Exempelnämnden", "board: Exempel\0nämnden"))
    result = _check(folder.parent)
    assert result.output.splitlines()[0] == (
        f"{folder / 'report.yaml'}:4:15: error: an invisible control character (U+0000) stands here, "
        "expected printable text: delete it")


def test_a_goal_file_included_a_thousand_times(tmp_path: Path) -> None:
    goal = "title: Ett mål\narea_goals: []\n"
    text = MINIMAL.replace("goals:\n  - title: En stad för alla", "goals:\n" + "  - mal.yaml\n" * 1000 +
                           "  - title: En stad för alla")
    folder = _report(tmp_path, text)
    (folder / "mal.yaml").write_text(goal, encoding="utf-8")
    result = _tul_in_child("check", "--content", str(folder.parent), cwd=tmp_path)
    lines = result.stderr.splitlines()
    assert result.returncode == 1
    assert lines[0] == "content/r/report.yaml:14:5: error: 'mal.yaml' is already included at line 13, expected each file once"
    assert lines[-1] == "999 errors"


def test_more_than_200_distinct_includes_are_refused(tmp_path: Path) -> None:
    names = [f"m{i}.yaml" for i in range(205)]
    text = MINIMAL.replace("goals:\n  - title: En stad för alla",
                           "goals:\n" + "".join(f"  - {n}\n" for n in names) + "  - title: En stad för alla")
    folder = _report(tmp_path, text)
    for name in names:
        (folder / name).write_text("title: Ett mål\n", encoding="utf-8")
    result = _check(folder.parent)
    errors = [line for line in result.output.splitlines() if "more than 200 included files" in line]
    assert len(errors) == 5 and errors[0].startswith(f"{folder / 'report.yaml'}:213:5: error: ")


# -- 4. the last line of defence --------------------------------------------------------------

def _crash(*args: object, **kwargs: object) -> None:
    raise ZeroDivisionError("a bug planted by the test")


def test_a_bug_is_one_line_naming_the_file_and_asking_for_a_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _report(tmp_path)
    monkeypatch.setattr("render.load._decode", _crash)
    result = _check(folder.parent)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.output.splitlines() == [
        f"{folder / 'report.yaml'}: error: tul stopped on an unexpected problem (ZeroDivisionError: a bug planted by "
        "the test); this is a bug in tul, please report it with the file that caused it (run again with -v for the "
        "details)"]


def test_a_bug_after_loading_names_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _report(tmp_path)
    monkeypatch.setattr("render.build.check_report", _crash)
    for command in (["check"], ["export", "--out", str(tmp_path / "e")], ["build", "--out", str(tmp_path / "b")]):
        result = CliRunner().invoke(main, [*command, "--content", str(folder.parent)])
        assert result.exit_code == 1, command
        assert result.output.splitlines()[-1].startswith(f"{folder / 'report.yaml'}: error: tul stopped on an "
                                                         "unexpected problem (ZeroDivisionError"), result.output


def test_verbose_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _report(tmp_path)
    monkeypatch.setattr("render.build.check_report", _crash)
    for args in (["check", "-v"], ["build", "-qv", "--out", str(tmp_path / "b")]):
        result = CliRunner().invoke(main, [*args, "--content", str(folder.parent)])
        assert isinstance(result.exception, ZeroDivisionError), args


def test_a_bug_in_a_command_without_a_file_still_asks_for_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("render.cli.schema_text", _crash)
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 1
    assert result.output.startswith("error: tul stopped on an unexpected problem (ZeroDivisionError")


# -- 5. tul new ---------------------------------------------------------------------------------

def test_new_keeps_included_files_of_one_name_in_two_folders_apart(tmp_path: Path, content_copy: Path) -> None:
    (content_copy / "a").mkdir()
    (content_copy / "b").mkdir()
    (content_copy / "1-modern-storstad.yaml").rename(content_copy / "a" / "mal.yaml")
    (content_copy / "2-hallbart-vaxande.yaml").rename(content_copy / "b" / "mal.yaml")
    report = content_copy / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("  - 1-modern-storstad.yaml", "  - a/mal.yaml")
                      .replace("  - 2-hallbart-vaxande.yaml", "  - b/mal.yaml"), encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "ks-t2-2020", "--from", "ks-t1-2020", "--content", str(content_copy.parent)])
    assert result.exit_code == 0, result.output
    new = content_copy.parent / "ks-t2-2020"
    assert "  - a/mal.yaml\n  - b/mal.yaml\n" in (new / "report.yaml").read_text(encoding="utf-8")  # the author's layout
    assert (new / "a" / "mal.yaml").read_text(encoding="utf-8").splitlines()[:2] == [
        "# yaml-language-server: $schema=../../schema/goal.schema.json",
        "title: En modern storstad med möjligheter och valfrihet för alla"]
    assert (new / "b" / "mal.yaml").read_text(encoding="utf-8").splitlines()[1] == "title: En hållbart växande och dynamisk storstad med hög tillväxt"
    from render.load import load_report

    goals = load_report(new).report.goals
    assert len(goals) == 3 and len({g.title for g in goals}) == 3


def test_a_refused_new_leaves_nothing_behind(tmp_path: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from render import cli

    real = cli.write_atomic
    calls = []

    def failing_write(target: Path, data: bytes, root: Path | None = None) -> None:
        calls.append(target)
        if len(calls) == 4:
            raise BuildError("disk full (planted by the test)")
        real(target, data, root)

    monkeypatch.setattr(cli, "write_atomic", failing_write)
    before = sorted(p.name for p in content_copy.parent.iterdir())
    result = CliRunner().invoke(main, ["new", "ks-t2-2020", "--from", "ks-t1-2020", "--content", str(content_copy.parent)])
    assert result.exit_code == 1 and "disk full" in result.output
    assert len(calls) == 4
    assert sorted(p.name for p in content_copy.parent.iterdir()) == before


def test_new_refuses_an_existing_name_and_a_path_as_source(tmp_path: Path, content_copy: Path) -> None:
    content = str(content_copy.parent)
    (content_copy.parent / "taken").mkdir()
    assert CliRunner().invoke(main, ["new", "taken", "--from", "ks-t1-2020", "--content", content]).exit_code == 1
    result = CliRunner().invoke(main, ["new", "ks-t2-2020", "--from", "../ks-t1-2020", "--content", content])
    assert result.exit_code == 2 and "is not the name of a report" in result.output
    for slug in ("../x", "a/b", "X", "a" * 300):
        assert CliRunner().invoke(main, ["new", slug, "--from", "ks-t1-2020", "--content", content]).exit_code == 2


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = _report(tmp_path, MINIMAL + "# " + "x" * 2_100_000 + "\n")
    result = _check(folder.parent)
    assert result.output.splitlines()[0] == (
        f"{folder / 'report.yaml'}: error: 'report.yaml' is 2.1 MB, expected a file under 2 MB")


def test_a_report_whose_files_add_up_to_too_much_is_refused(content_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("render.load.MAX_REPORT_BYTES", 60_000)  # the default report's files are 102 kB in all
    result = _check(content_copy.parent)
    assert result.exit_code == 1
    (first, *_) = [line for line in result.output.splitlines() if "add up to" in line]
    assert first.endswith("error: the report's files add up to more than 0.06 MB with '3-ekonomiskt-hallbar.yaml', "
                          "expected less than 0.06 MB in all")


def test_new_where_nothing_can_be_created_is_a_plain_error(content_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")  # as in a read-only content folder (root writes anyway)

    monkeypatch.setattr("render.cli.tempfile.mkdtemp", refused)
    result = CliRunner().invoke(main, ["new", "ks-t2-2020", "--from", "ks-t1-2020", "--content", str(content_copy.parent)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"{content_copy.parent}: error: cannot create a report here (Permission "
                                          "denied), expected a content folder you may write to"]


def test_a_folder_name_with_a_line_break_stays_on_one_line(tmp_path: Path) -> None:
    _report(tmp_path, MINIMAL.replace("assessment: uppfylls_delvis", "assesment: uppfylls_delvis"), name="a\nb")
    result = _check(tmp_path / "content")
    assert result.output.splitlines() == [
        f"{tmp_path}/content/a\\nb/report.yaml:18:9: error: unknown key 'assesment', did you mean 'assessment'?", "1 error"]


def test_organisation_styles_and_templates_that_link_outside_are_refused(tmp_path: Path) -> None:
    """--styles and --templates folders follow the path rule too: a link to /etc/passwd is never embedded."""
    folder = _report(tmp_path)
    styles, templates = tmp_path / "styles", tmp_path / "templates"
    styles.mkdir()
    templates.mkdir()
    (styles / "report.css").symlink_to("/etc/passwd")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--content", str(folder.parent), "--out", str(out), "--format", "html",
                                       "--styles", str(styles)])
    assert result.exit_code == 1
    assert f"{styles / 'report.css'}: error: 'report.css' leads outside the report folder" in result.output
    assert not (out / "r" / "index.html").exists()
    _no_traceback(result)
    (styles / "report.css").unlink()
    (templates / "report.html").symlink_to("/etc/passwd")
    result = CliRunner().invoke(main, ["build", "--content", str(folder.parent), "--out", str(out), "--format", "html",
                                       "--templates", str(templates)])
    assert result.exit_code == 1
    assert (f"error: template: {templates / 'report.html'} links to /etc/passwd, outside the template folder; "
            "expected a template file inside it") in result.output
    assert not (out / "r" / "index.html").exists()
    _no_traceback(result)


def test_the_build_fingerprint_never_reads_a_file_outside_the_report(tmp_path: Path) -> None:
    """A link in a report folder to a file elsewhere counts by where it points, not by bytes read from there."""
    from render.build import BuildOptions, input_fingerprint

    folder = _report(tmp_path)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("one", encoding="utf-8")
    (folder / "notes.txt").symlink_to(outside)
    options = BuildOptions(out_dir=tmp_path / "out")
    before = input_fingerprint(folder, options)
    outside.write_text("two", encoding="utf-8")
    assert input_fingerprint(folder, options) == before
    (folder / "own.txt").write_text("three", encoding="utf-8")
    assert input_fingerprint(folder, options) != before
