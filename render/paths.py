"""The one rule for the files tul reads: resolved, inside the report folder, regular, bounded.

Every content file (report.yaml, its included files, the logo) is named relative
to its report folder. The name is resolved with symlinks followed, and the result
must lie inside the (resolved) report folder: a logo that is a link to
/etc/passwd, or an include '../../secret.yaml', is refused with a plain reason,
which the caller turns into a located error. Files are opened without blocking
and must be regular files, so a FIFO or a folder named report.yaml is refused
rather than read forever.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from render.errors import ReportError, shown

REPORT_FILE = "report.yaml"
# Far above any real content file (the default report's largest is 34 kB), low
# enough that a mistaken or hostile file cannot exhaust memory or time (the YAML
# parser reads about 1 MB a second).
MAX_FILE_BYTES = 2_000_000

# A report name is the name of a folder under the content folder, never a path.
_PLAIN_NAME = re.compile(r"[^/\\\0]+")


class Refused(ReportError):
    """A file that tul will not read; `reason` says why in plain words.

    Callers turn it into a located problem; should one escape, it still prints as
    a plain error rather than as a bug."""

    def __init__(self, reason: str, kind: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # 'outside' or 'missing' where a caller words it its own way


def is_plain_name(name: str) -> bool:
    """True for a single folder or file name: no separators, not '.' or '..', no NUL."""
    return bool(_PLAIN_NAME.fullmatch(name)) and name not in (".", "..") and len(name.encode("utf-8", "replace")) <= 255


def _short(name: str) -> str:
    return shown(name, 60)


def _os_reason(name: str, exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return f"'{_short(name)}' is too long for a file name, expected a short file name"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return f"file '{_short(name)}' not found"
    if exc.errno == errno.ELOOP:
        return f"'{_short(name)}' is a link that leads round in a circle, expected a file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot read '{_short(name)}' (permission denied), expected a file you may read"
    return f"cannot read '{_short(name)}' ({exc.strerror or exc}), expected a readable file"


def _os_kind(exc: OSError) -> str:
    return "missing" if exc.errno in (errno.ENOENT, errno.ENOTDIR) else ""


def resolve_inside(root: Path, name: str) -> Path:
    """`root / name` with symlinks resolved; Refused unless it lies inside `root`."""
    if "\0" in name:
        raise Refused(f"'{_short(name)}' contains a NUL character, expected a plain file name")
    if not name.strip():
        raise Refused("the file name is empty, expected a file name such as 'ekonomi.yaml'")
    if any(len(part.encode("utf-8", "replace")) > 255 for part in Path(name).parts):
        raise Refused(f"'{_short(name)}' is too long for a file name, expected a short file name")
    try:
        base = root.resolve(strict=True)
        target = (base / name).resolve(strict=False)
    except OSError as exc:
        raise Refused(_os_reason(name, exc), _os_kind(exc)) from None
    except RuntimeError:  # a symlink loop, on Pythons that raise it here
        raise Refused(f"'{_short(name)}' is a link that leads round in a circle, expected a file") from None
    if target != base and base not in target.parents:
        raise Refused(f"'{_short(name)}' leads outside the report folder (to {target}), "
                      "expected a file inside the report folder", kind="outside")
    return target


def read_inside(root: Path, name: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file `name` inside `root` (see `resolve_inside`), at most `limit`."""
    target = resolve_inside(root, name)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise Refused(f"'{_short(name)}' is a folder, expected a file") from None
        raise Refused(_os_reason(name, exc), _os_kind(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Refused(f"'{_short(name)}' is a folder, expected a file")
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"'{_short(name)}' is not a regular file (a pipe, socket or device), expected a file")
        if info.st_size > limit:
            raise Refused(f"'{_short(name)}' is {info.st_size / 1e6:.1f} MB, expected a file under {limit / 1e6:.0f} MB")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(limit + 1)
    except OSError as exc:
        raise Refused(_os_reason(name, exc)) from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:
        raise Refused(f"'{_short(name)}' grew beyond {limit / 1e6:.0f} MB while being read, expected a file under that")
    return data


def _starts_as_svg(text: str) -> bool:
    """After an optional XML declaration, comments and doctype, an SVG file starts with <svg.

    A plain scan rather than a regular expression: linear on any input."""
    at = 1 if text.startswith("\ufeff") else 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        for opening, closing in (("<?xml", "?>"), ("<!--", "-->"), ("<!DOCTYPE", ">")):
            if text.startswith(opening, at):
                end = text.find(closing, at + len(opening))
                if end < 0:
                    return False
                at = end + len(closing)
                break
        else:
            return text.startswith("<svg", at) and text[at + 4: at + 5] in (" ", "\t", "\n", "\r", ">", "/")


def read_svg(root: Path, name: str) -> bytes:
    """An SVG image inside `root` (the report's logo): read under the rule above, and an SVG."""
    data = read_inside(root, name, limit=MAX_FILE_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(f"'{_short(name)}' is not an SVG text file (not UTF-8), expected an SVG image") from None
    if not _starts_as_svg(text):
        raise Refused(f"'{_short(name)}' is not an SVG image (it does not start with <svg), expected an SVG file")
    return data
