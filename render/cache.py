"""The chunk cache: chunk layouts' facts, finished chunk PDFs and merged fonts, kept between builds.

Entries live in the output folder (`<out>/.cache/<kind>/<key>`), never outside it,
under keys that hash everything that shapes them (render.pdf: the chunk's HTML,
its page numbers, tul's code, the engine's version, the files it read). A
manifest per report names the keys its last build used; `prune` removes the rest.
Reading a missing or damaged entry is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

CACHE_DIR = ".cache"
KINDS = ("breaks", "facts", "pdf", "pdf-facts", "font")
_KEY = re.compile(r"[0-9a-f]{64}")


class ChunkCache:
    """A folder of cache entries; `write` is the output folder's atomic writer."""

    def __init__(self, folder: Path, write: Callable[[Path, bytes], None]) -> None:
        self.folder = folder
        self._write = write

    def _path(self, kind: str, key: str) -> Path:
        if kind not in KINDS or not _KEY.fullmatch(key):
            raise ValueError(f"not a cache entry: {kind}/{key}")
        return self.folder / kind / key

    def get(self, kind: str, key: str) -> bytes | None:
        """The entry's bytes, or None (also when the entry is damaged)."""
        try:
            stored = self._path(kind, key).read_bytes()
        except OSError:
            return None
        digest, _, data = stored.partition(b"\n")
        return data if digest == hashlib.sha256(data).hexdigest().encode() else None

    def put(self, kind: str, key: str, data: bytes) -> None:
        """Store an entry, with its digest so that a damaged one reads as missing."""
        self._write(self._path(kind, key), hashlib.sha256(data).hexdigest().encode() + b"\n" + data)

    def knows(self, report: str) -> bool:
        """True when `report` was built with this cache before."""
        return (self.folder / "manifests" / f"{report}.json").is_file()

    def remember(self, report: str, keys: list[str]) -> None:
        """Record the keys `report`'s build used, so that `prune` keeps them."""
        self._write(self.folder / "manifests" / f"{report}.json", json.dumps(sorted(set(keys))).encode())

    def prune(self) -> int:
        """Delete entries no report's last build used; return how many."""
        keep: set[str] = set()
        for manifest in (self.folder / "manifests").glob("*.json"):
            try:
                keep.update(json.loads(manifest.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
        removed = 0
        for kind in KINDS:
            for path in (self.folder / kind).glob("*"):
                if path.name not in keep:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed
