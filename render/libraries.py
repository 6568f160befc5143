"""Loading WeasyPrint's C libraries without running a compiler.

WeasyPrint opens pango, harfbuzz, fontconfig and gobject as it is imported, trying
several names for each ("libpango-1.0-0", "pango-1.0-0", "pango-1.0",
"libpango-1.0.so.0", ...). For every name that is not a file, cffi asks
`ctypes.util.find_library`, which on Linux runs `ldconfig -p` and, on a miss,
gcc and ld: about 0.14 s of every process that imports WeasyPrint (each PDF
worker, each fresh `tul build`). While WeasyPrint is imported, a name that the
dynamic linker's cache does not list is answered "not found" at once; a name it
lists is looked up as before, so the same library files are loaded. Elsewhere
(no ldconfig, not Linux) nothing changes.
"""

from __future__ import annotations

import ctypes.util
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LDCONFIG = Path("/sbin/ldconfig")


def _linker_cache() -> bytes | None:
    """The dynamic linker's cache as `ldconfig -p` lists it, or None where it cannot be read."""
    if not sys.platform.startswith("linux") or not LDCONFIG.exists():
        return None
    try:
        done = subprocess.run([str(LDCONFIG), "-p"], stdin=subprocess.DEVNULL, capture_output=True,
                              env={"LC_ALL": "C", "LANG": "C"}, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 and done.stdout else None


def listed_only(find: Callable[[str], str | None], listing: bytes) -> Callable[[str], str | None]:
    """`find`, asked only for names the linker cache lists (as `lib<name>.<suffix>`)."""

    def find_listed(name: str) -> str | None:
        pattern = rb"\s(lib" + re.escape(name.encode("utf-8", "surrogateescape")) + rb"\.\S+)\s"
        return find(name) if re.search(pattern, listing) else None

    return find_listed


@contextmanager
def quick_library_lookup() -> Iterator[None]:
    """Within this block, `ctypes.util.find_library` skips compilers for names the cache lacks."""
    listing = _linker_cache()
    if listing is None:
        yield
        return
    real = ctypes.util.find_library
    ctypes.util.find_library = listed_only(real, listing)  # type: ignore[assignment]
    try:
        yield
    finally:
        ctypes.util.find_library = real
