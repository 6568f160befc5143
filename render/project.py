"""Finding reports: the shipped folders, the report folders under a content folder, CI shards.

A report is named by the name of its folder under the content folder, never by a
path, so that the name can safely become build/<name>/. A wrong name or shard is
a usage error (exit 2), like any other wrong command line.
"""

from __future__ import annotations

import difflib
import os
import re
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
