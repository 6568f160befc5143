"""Writing output files: atomic, inside the output folder, with the mode the user's umask gives.

A file is written to a temporary name next to its target and renamed over it, so
a failed build never leaves a half-written PDF where a good one was. The
temporary file is created private (mkstemp) and given the umask's mode before
the rename: 0644 under the usual umask 022, as any other program's output.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from render.errors import BuildError

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask; read from /proc where it can be, else set and restored under a lock."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def inside(root: Path, target: Path) -> bool:
    """True when `target` (its folder resolved, symlinks followed) lies inside `root`."""
    try:
        base = root.resolve()
        where = target.parent.resolve() / target.name
    except (OSError, RuntimeError, ValueError):
        return False
    return target.name not in ("", ".", "..") and base in where.parents


def write_atomic(target: Path, data: bytes, root: Path | None = None) -> None:
    """Write `data` to `target` through a temporary file and a rename; `target` must lie inside `root`."""
    if root is not None and not inside(root, target):
        raise BuildError(f"{target}: error: refused to write outside the output folder {root}, "
                         "expected a report name, not a path")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:200]}.", suffix=".tmp", dir=target.parent)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BuildError(f"{target}: error: cannot write here ({reason}), expected a writable output folder") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), 0o666 & ~current_umask())
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BuildError(f"{target}: error: cannot write ({exc.strerror}); the previous file is untouched") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
