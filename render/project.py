"""Finding reports: the project around the working folder, the report folders under a content folder, CI shards.

A report is named by the name of its folder under the content folder, never by a
path, so that the name can safely become build/<name>/. A wrong name or shard is
a usage error (exit 2), like any other wrong command line.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from render.errors import UsageProblem, shown
from render.paths import REPORT_FILE, is_plain_name

PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    """A shipped folder: the source checkout's top level, or the wheel's copy."""
    checkout = PACKAGE_DIR.parent / name
    if checkout.is_dir() and (PACKAGE_DIR.parent / "pyproject.toml").is_file():
        return checkout
    return PACKAGE_DIR / "_data" / name


def default_content_dir() -> Path:
    """The embedded default content (the KS Tertialrapport 1 2020)."""
    return _shipped("content")


def _has_report(folder: Path) -> bool:
    # lexists, not is_file: a folder or a FIFO named report.yaml is still a report the
    # loader should refuse with a located message, not one that silently disappears.
    try:
        return folder.is_dir() and os.path.lexists(folder / REPORT_FILE)
    except (OSError, ValueError):
        return False


def _report_folders(content_dir: Path) -> list[Path]:
    try:
        children = sorted(content_dir.iterdir())
    except OSError as exc:
        raise UsageProblem(f"cannot read the content folder {content_dir} ({exc.strerror}), "
                           "expected a folder holding one folder per report") from None
    found = [child for child in children if not child.name.startswith(".") and _has_report(child)]
    if _has_report(content_dir):
        found.insert(0, content_dir)
    return found


def _name(folder: Path, content_dir: Path) -> str:
    try:
        return content_dir.resolve().name if folder == content_dir else folder.name
    except (OSError, RuntimeError):
        return folder.name


def discover_reports(content_dir: Path, names: tuple[str, ...] = ()) -> list[Path]:
    """Report folders (those holding a report.yaml) under `content_dir`, chosen by name."""
    if not content_dir.is_dir():
        raise UsageProblem(f"the content folder {content_dir} does not exist, "
                           "expected a folder holding one folder per report (--content DIR)")
    found = _report_folders(content_dir)
    if not names:
        return found
    by_name = {_name(folder, content_dir): folder for folder in found}
    chosen = []
    for name in names:
        folder = by_name.get(name) if is_plain_name(name) else _by_path(name, found)
        if folder is None:
            raise UsageProblem(_unknown(name, content_dir, sorted(by_name)))
        if folder not in chosen:
            chosen.append(folder)
    return chosen


def _by_path(name: str, found: list[Path]) -> Path | None:
    """A path such as 'content/ks-t1-2020/' (shell completion) that is one of the found folders."""
    try:
        wanted = Path(name).resolve()
        return next((folder for folder in found if folder.resolve() == wanted), None)
    except (OSError, RuntimeError, ValueError):
        return None


def _unknown(name: str, content_dir: Path, known: list[str]) -> str:
    name_shown = shown(name, 60)
    listed = ", ".join(known) or "none"
    if not is_plain_name(name):
        return (f"'{name_shown}' is not the name of a report under {content_dir}, "
                f"expected the name of a report folder, one of: {listed}")
    hint = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if hint:
        return f"no report '{name_shown}' under {content_dir}, did you mean '{hint[0]}'?"
    return f"no report '{name_shown}' under {content_dir}, expected one of: {listed}"


def select_shard(folders: list[Path], shard: str | None) -> list[Path]:
    """'I/N': every N-th report starting at the I-th, so N CI runners share the set."""
    if not shard:
        return folders
    match = re.fullmatch(r"(\d{1,6})/(\d{1,6})", shard.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise UsageProblem(f"--shard {shard!r}: expected I/N with 1 <= I <= N, e.g. 1/4")
    index, count = int(match[1]), int(match[2])
    return sorted(folders, key=lambda p: p.name)[index - 1 :: count]


# -- the author's project --------------------------------------------------------------
#
# Like git finding its repository: from the working folder upwards, the first folder
# that holds the project marker (tul.toml) or a content/ folder with reports is the
# project. Its content/ holds the reports, its templates/ and styles/ (if there) come
# before the shipped ones, and its build/ receives the output. A report folder met on
# the way up (one holding report.yaml) narrows every command to that one report.

MARKER = "tul.toml"
CONTENT = "content"


@dataclass(frozen=True)
class Project:
    """Where the reports are: an author's project, or (root None) the shipped examples."""

    root: Path | None
    content: Path
    report: Path | None = None  # the report folder the command was started in, if any

    @property
    def shipped(self) -> bool:
        """True when no project was found and the shipped examples stand in."""
        return self.root is None

    def override(self, name: str) -> Path | None:
        """The project's own templates/ or styles/ folder, when it has one (and it is not the shipped one)."""
        if self.root is None:
            return None
        folder = self.root / name
        try:
            if folder.is_dir() and folder.resolve() != _shipped(name).resolve():
                return folder
        except OSError:
            return None
        return None

    def output(self, name: str = "build") -> Path:
        """Where output goes by default: the project's build/ (the working folder's without a project)."""
        if self.root is None or _same(self.root, Path.cwd()):
            return Path(name)
        return self.root / name


def _has_reports(content: Path) -> bool:
    try:
        return content.is_dir() and any(_has_report(child) for child in content.iterdir())
    except OSError:
        return False


def find_project(start: Path) -> Project:
    """The project around `start` (the working folder), found as described above."""
    here = start.absolute()
    report: Path | None = None
    for folder in (here, *here.parents):
        if report is None and _has_report(folder):
            report = folder
        if (folder / MARKER).is_file() or _has_reports(folder / CONTENT):
            if (folder / MARKER).is_file():
                _check_marker(folder / MARKER)
            return Project(folder, report.parent if report is not None else folder / CONTENT, report)
    if report is not None:  # a report folder outside any project: its parent holds the reports
        return Project(report.parent.parent, report.parent, report)
    if _has_reports(here):  # a folder of report folders, not named content/
        return Project(here.parent, here)
    return Project(None, default_content_dir())


def _check_marker(path: Path) -> None:
    """tul.toml marks the project; tul reads no settings from it yet, so a setting there is a mistake to show."""
    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageProblem(f"{path}: cannot read it ({exc}), expected a text file of comments") from None
    if settings:
        raise UsageProblem(f"{path}: '{shown(next(iter(settings)), 40)}' is not a setting tul knows, expected only "
                           "comments: tul.toml marks the project folder, and content/, templates/ and styles/ beside it "
                           "are found by their names")


def project_for_content(content: Path) -> Project:
    """The project of an explicit --content folder: a usage error unless it holds at least one report."""
    if not content.is_dir():
        raise UsageProblem(f"the content folder {content} does not exist, "
                           "expected a folder holding one folder per report (--content DIR)")
    if not _report_folders(content):
        raise UsageProblem(f"no report in {content}, expected a folder holding one folder per report, each with a "
                           f"{REPORT_FILE} (tul init makes a project with one)")
    # The project whose content/ this is, for its templates/, styles/ and build/; else the folder above.
    around = find_project(content)
    root = around.root if around.root is not None and _within(content, around.root) else None
    return Project(root if root is not None else content.absolute().parent, content)


def _same(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except (OSError, RuntimeError):
        return False


def _within(path: Path, folder: Path) -> bool:
    try:
        return folder.resolve() in path.resolve().parents
    except (OSError, RuntimeError):
        return False


def is_shipped(content: Path) -> bool:
    """True when `content` lies inside tul's own installed package (where nothing may be written)."""
    try:
        resolved = content.resolve()
        return resolved == PACKAGE_DIR or PACKAGE_DIR in resolved.parents
    except OSError:
        return False
