"""The live preview over real HTTP on 127.0.0.1: serving, refusing, reloading, surviving bad content."""

from __future__ import annotations

import http.client
import queue
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from render.build import default_assets
from render.html import Assets
from render.preview import EVENTS_PATH, PreviewServer, is_loopback

TIMEOUT = 10.0  # per request and per wait: a hung server fails the test instead of hanging it
EDIT_FILE = "1-modern-storstad.yaml"
OLD_TEXT = "Med anledning av coronapandemin är det troligt att målet inte kan nås."


@pytest.fixture(scope="module")
def assets_copy(tmp_path_factory: pytest.TempPathFactory) -> Assets:
    """A private copy of the shipped templates and styles: edits elsewhere in the checkout cannot reach the test."""
    shipped = default_assets()
    root = tmp_path_factory.mktemp("assets")
    templates = shutil.copytree(shipped.template_dirs[-1], root / "templates")
    styles = shutil.copytree(shipped.style_dirs[-1], root / "styles")
    return Assets(template_dirs=[templates], style_dirs=[styles], font_dir=styles / "fonts")


@pytest.fixture()
def preview(content_copy: Path, assets_copy: Assets) -> Iterator[PreviewServer]:
    """A running preview of a writable copy of the default report on an ephemeral port."""
    server = PreviewServer(content_copy, assets_copy, port=0,
                           watch_dirs=[content_copy, *assets_copy.template_dirs, *assets_copy.style_dirs])
    server.start()
    try:
        yield server
    finally:
        stopped = time.perf_counter()
        server.stop()
        assert time.perf_counter() - stopped < 5
        alive = [t.name for t in threading.enumerate() if t.name.startswith("tul-preview")]
        assert alive == []


def content_slug(server: PreviewServer) -> str:
    return server.first.slug


def request(server: PreviewServer, path: str, host: str | None = None, method: str = "GET") -> tuple[int, str]:
    """One request; `host` replaces the Host header."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        conn.putrequest(method, path, skip_host=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{server.port}")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        conn.close()


def wait_for(server: PreviewServer, predicate, timeout: float = TIMEOUT) -> tuple[float, str]:
    """Poll '/' until `predicate(page)` holds; return the seconds it took and the page."""
    started = time.perf_counter()
    while True:
        _, page = request(server, "/")
        elapsed = time.perf_counter() - started
        if predicate(page):
            return elapsed, page
        assert elapsed < timeout, "the served page never changed"
        time.sleep(0.02)


class EventClient:
    """An SSE client on a raw socket, read in a thread: every event (name, data) lands in a queue."""

    def __init__(self, server: PreviewServer) -> None:
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
        self.sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
        self.stream = self.sock.makefile("rb")
        status = self.stream.readline().decode()
        assert status.split()[1] == "200", status
        headers = []
        while (line := self.stream.readline().decode().strip()):
            headers.append(line.lower())
        assert "content-type: text/event-stream; charset=utf-8" in headers
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.stream:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data = line[5:].strip()
                elif not line and data:
                    self.events.put((name, data))
                    name, data = "message", ""
        except OSError:
            pass

    def next(self, name: str) -> str:
        """The data of the next event called `name`."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            got, data = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            if got == name:
                return data

    def close(self) -> None:
        # shutdown() wakes the reader thread at once; close() alone would wait for its read to time out.
        self.sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=TIMEOUT)
        self.stream.close()
        self.sock.close()


def test_is_loopback() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.10", "example.org"))


def test_serves_the_report_with_a_reload_channel(preview: PreviewServer) -> None:
    assert preview.url == f"http://127.0.0.1:{preview.port}/"
    status, page = request(preview, "/")
    assert status == 200
    assert "<title>Kommunstyrelsen: Tertialrapport 1 2020</title>" in page
    assert f'new EventSource("{EVENTS_PATH}?report={content_slug(preview)}")' in page
    assert f'var v="{preview.tag(preview.version)}"' in page
    assert page.index("EventSource") > page.index("Tertialrapport 1 2020</h1>")
    assert page.rstrip().endswith("</html>")
    assert "tul-preview-problems" not in page
    assert request(preview, "/index.html") == (200, page)
    assert request(preview, "/", method="HEAD") == (200, "")


@pytest.mark.parametrize(
    "path",
    ["/../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/content/ks-t1-2020/report.yaml", "/report.yaml",
     "/styles/report.css", "/templates/", "//etc/passwd", "/index.html/x", "/__tul/",
     "/ks-t1-2020/../../etc/passwd", "/ks-t1-2020/report.yaml", "/ks-t1-2020/ks-t1-2020.pdf", "/ks-t1-2020/side",
     "/__tul/events?report=nope"],
)
def test_nothing_else_is_served(preview: PreviewServer, path: str) -> None:
    status, body = request(preview, path)
    assert status == 404
    assert "root:" not in body and "organisation:" not in body


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1:1", "localhost", "attacker.localhost:{port}", ""])
def test_foreign_host_is_refused(preview: PreviewServer, host: str) -> None:
    status, body = request(preview, "/", host=host.format(port=preview.port))
    assert status in (400, 421)
    assert "Tertialrapport" not in body


def test_loopback_names_are_accepted(preview: PreviewServer) -> None:
    for host in (f"localhost:{preview.port}", f"LOCALHOST:{preview.port}", f"127.0.0.1:{preview.port}"):
        assert request(preview, "/", host=host)[0] == 200


def test_only_get_and_head(preview: PreviewServer) -> None:
    assert request(preview, "/", method="POST")[0] == 405
    assert request(preview, "/", method="DELETE")[0] == 405


def test_an_edit_reaches_the_page_and_pages_are_told(preview: PreviewServer, content_copy: Path) -> None:
    events = EventClient(preview)
    try:
        first = events.next("version")
        assert first == preview.tag(1)
        target = content_copy / EDIT_FILE
        text = target.read_text(encoding="utf-8")
        assert OLD_TEXT in text
        target.write_text(text.replace(OLD_TEXT, "Ändrad analys: feriejobben flyttas till hösten."), encoding="utf-8")
        # The event names the version the page now serves: no polling, no clock.
        reloaded = events.next("reload")
        assert reloaded != first
        _, page = request(preview, "/")
        served = re.search(r'var v="([^"]+)"', page)
        assert served is not None and served.group(1) == reloaded
        assert "Ändrad analys: feriejobben" in page
        assert OLD_TEXT not in page
    finally:
        events.close()


def test_broken_yaml_keeps_the_last_good_render_and_recovers(preview: PreviewServer, content_copy: Path) -> None:
    target = content_copy / EDIT_FILE
    good = target.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    # The first area goal's 'assessment:' becomes an unclosed flow sequence: a YAML syntax error.
    broken_line = next(n for n, line in enumerate(lines, 1) if line.strip() == "assessment: uppfylls_helt")
    lines[broken_line - 1] = "    assessment: [unclosed <script>\n"
    target.write_text("".join(lines), encoding="utf-8")

    _, page = wait_for(preview, lambda p: "tul-preview-problems" in p)
    assert f"{EDIT_FILE}:" in page  # located: file:line
    assert any(f"{EDIT_FILE}:{n}:" in page for n in range(broken_line, broken_line + 3))
    assert "Tertialrapport 1 2020</h1>" in page  # the last good render stays under the banner
    assert preview.problems and all(":" in p for p in preview.problems)
    assert request(preview, "/")[0] == 200  # still up

    target.write_text(good, encoding="utf-8")
    _, page = wait_for(preview, lambda p: "tul-preview-problems" not in p)
    assert "Tertialrapport 1 2020</h1>" in page
    assert preview.problems == []


def test_problems_are_escaped(preview: PreviewServer, content_copy: Path) -> None:
    target = content_copy / EDIT_FILE
    target.write_text(target.read_text(encoding="utf-8").replace(
        "assessment: uppfylls_helt", "assessment: <img src=x onerror=alert(1)>", 1), encoding="utf-8")
    _, page = wait_for(preview, lambda p: "tul-preview-problems" in p)
    banner = page[page.index('id="tul-preview-problems"'):]
    banner = banner[: banner.index("</div>")]
    assert "<img" not in banner
    assert "&lt;img src=x onerror=alert(1)&gt;" in banner


def test_never_good_serves_an_error_page(content_copy: Path, assets_copy: Assets) -> None:
    report = content_copy / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8") + "\n  bad: [indent\n", encoding="utf-8")
    server = PreviewServer(content_copy, assets_copy, port=0, watch_dirs=[content_copy])
    server.start()
    try:
        status, page = request(server, "/")
        assert status == 200
        assert "tul-preview-problems" in page and "report.yaml:" in page
        assert "EventSource" in page
    finally:
        server.stop()


def test_template_errors_are_shown_located(content_copy: Path, assets_copy: Assets, tmp_path: Path) -> None:
    override = tmp_path / "my-templates"
    override.mkdir()
    (override / "report.html").write_text('{% extends "default/report.html" %}\n{% block body %}{% if %}\n',
                                          encoding="utf-8")
    assets = Assets([override, *assets_copy.template_dirs], assets_copy.style_dirs, assets_copy.font_dir)
    server = PreviewServer(content_copy, assets, port=0, watch_dirs=[override])
    server.start()
    try:
        _, page = request(server, "/")
        assert "tul-preview-problems" in page and "report.html:2" in page
        (override / "report.html").write_text('{% extends "default/report.html" %}\n', encoding="utf-8")
        _, page = wait_for(server, lambda p: "tul-preview-problems" not in p)
        assert "Tertialrapport 1 2020</h1>" in page
    finally:
        server.stop()


def test_several_reports_get_an_index_and_each_its_page(content_copy: Path, assets_copy: Assets) -> None:
    other = content_copy.parent / "ks-t2-2020"
    shutil.copytree(content_copy, other)
    server = PreviewServer([content_copy, other], assets_copy, port=0, watch_dirs=[])
    server.start()
    try:
        status, index = request(server, "/")
        assert status == 200
        assert '<a href="/ks-t1-2020/">ks-t1-2020</a>' in index and '<a href="/ks-t2-2020/">ks-t2-2020</a>' in index
        for slug in ("ks-t1-2020", "ks-t2-2020"):
            status, page = request(server, f"/{slug}/")
            assert status == 200 and "Tertialrapport 1 2020</h1>" in page
            assert f"{EVENTS_PATH}?report={slug}" in page
            assert request(server, f"/{slug}/index.html") == (200, page)
        assert request(server, "/ks-t3-2020/")[0] == 404
    finally:
        server.stop()


def test_a_client_hanging_up_is_not_an_error(preview: PreviewServer, capfd: pytest.CaptureFixture[str]) -> None:
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", preview.port), timeout=TIMEOUT) as sock:
            sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{preview.port}\r\n\r\n".encode())
            # Reset instead of a clean close: the server is still writing the 1.6 MB page.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    assert request(preview, "/")[0] == 200  # still serving; every hung-up answer has ended by now
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "BrokenPipeError" not in captured.err
    assert "ConnectionResetError" not in captured.err


def test_the_pdf_is_served_beside_the_html_and_remade_from_the_cache(
        content_copy: Path, assets_copy: Assets, tmp_path: Path, built_default: Path) -> None:
    out = tmp_path / "out"
    server = PreviewServer(content_copy, assets_copy, port=0, watch_dirs=[content_copy], out_dir=out, jobs=2)
    server.start()
    events = EventClient(server)
    try:
        made = events.next("pdf")  # the stream starts with the current version: none yet, most likely
        if made == server.tag(0, "p"):
            made = events.next("pdf")
        assert made == server.tag(1, "p")
        status, side = request(server, "/ks-t1-2020/side")
        assert status == 200 and 'src="/ks-t1-2020/ks-t1-2020.pdf?v=' in side and 'id="tul-html"' in side
        pdf = pdf_bytes(server, "/ks-t1-2020/ks-t1-2020.pdf")
        # The same document `tul build` writes.
        assert pdf == (built_default / "ks-t1-2020.pdf").read_bytes()
        assert server.first.pdf_laid_out == 5
        target = content_copy / EDIT_FILE
        target.write_text(target.read_text(encoding="utf-8").replace(OLD_TEXT, "Ändrad analys i PDF:en."),
                          encoding="utf-8")
        assert events.next("pdf") == server.tag(2, "p")
        remade = pdf_bytes(server, "/ks-t1-2020/ks-t1-2020.pdf")
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(remade)).pages)
        assert "Ändrad analys i PDF:en." in text and OLD_TEXT not in text
        assert server.first.pdf_laid_out == 1  # only the edited chunk
        assert (out / ".cache").is_dir() and not (out / "ks-t1-2020").exists()
    finally:
        events.close()
        server.stop()


def pdf_bytes(server: PreviewServer, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{server.port}"})
        response = conn.getresponse()
        assert response.status == 200 and response.getheader("Content-Type") == "application/pdf"
        return response.read()
    finally:
        conn.close()


def test_a_report_with_predecessors_is_re_rendered_when_they_change(content_copy: Path, assets_copy: Assets) -> None:
    """The preview watches the reports a report follows or consolidates, not only its own folder."""
    follower = content_copy.parent / "ks-t2-2020"
    shutil.copytree(content_copy, follower)
    report = follower / "report.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("as_of: 2020-04-30", "as_of: 2020-08-31\npredecessors: [ks-t1-2020]"),
                      encoding="utf-8")
    server = PreviewServer(follower, assets_copy, port=0)
    try:
        assert content_copy.resolve() in [d.resolve() for d in server.watch_dirs]
    finally:
        server.stop()
