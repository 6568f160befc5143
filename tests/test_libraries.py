"""render.libraries: WeasyPrint's library guesses skip the compiler, the same libraries load."""

import ctypes.util

from render import libraries
from render.libraries import listed_only, quick_library_lookup

LISTING = (b"123 libs found in cache `/etc/ld.so.cache'\n"
           b"\tlibpango-1.0.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0\n"
           b"\tlibgobject-2.0.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libgobject-2.0.so.0\n")


def test_a_name_the_cache_lacks_is_not_looked_up_and_a_listed_one_is():
    asked: list[str] = []

    def find(name: str) -> str | None:
        asked.append(name)
        return f"lib{name}.so.0"

    find_listed = listed_only(find, LISTING)
    assert find_listed("libpango-1.0-0") is None  # WeasyPrint's first guess: no gcc, no ld
    assert find_listed("pango-1.0-0") is None
    assert find_listed("pango-1.0") == "libpango-1.0.so.0"  # the guess the real lookup answers
    assert find_listed("gobject-2.0") == "libgobject-2.0.so.0"
    assert asked == ["pango-1.0", "gobject-2.0"]


def test_the_lookup_is_restored_after_the_block_and_left_alone_without_a_cache(monkeypatch):
    real = ctypes.util.find_library
    with quick_library_lookup():
        inside = ctypes.util.find_library
    assert ctypes.util.find_library is real
    assert inside is not real  # this machine (Linux, ldconfig) takes the quick path
    monkeypatch.setattr(libraries, "_linker_cache", lambda: None)
    with quick_library_lookup():
        assert ctypes.util.find_library is real


def test_the_engine_loads_every_library_weasyprint_needs():
    import render.engine  # noqa: F401, I001  (imports WeasyPrint under the quick lookup, so first)
    import weasyprint.text.ffi as ffi

    for library in (ffi.gobject, ffi.pango, ffi.harfbuzz, ffi.fontconfig, ffi.pangoft2):
        assert library is not None
    assert ffi.pango.pango_version() > 0
    assert ctypes.util.find_library("c") is not None  # the real lookup is back
