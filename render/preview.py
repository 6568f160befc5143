"""Live preview: serve reports' HTML (and PDF) on localhost and reload open pages when a source changes.

Paths: '/' (the report, or an index when there are several), '/<slug>/' (a
report's HTML), '/<slug>/<slug>.pdf' (its PDF), '/<slug>/side' (HTML and PDF
side by side) and the Server-Sent Events channel '/__tul/events?report=<slug>'.
Nothing is read from disk by request, so there is no directory listing and no
path traversal. The reload script and the problem banner are added to the
served copy only; built files never see them. A client hanging up is normal,
not an error.
"""

from __future__ import annotations

import html
import ipaddress
import re
import secrets
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import watchfiles

from render.html import Assets
from render.live import LiveReport, PdfMaker, describe_exception
from render.related import related_folders

__all__ = ["EVENTS_PATH", "PreviewServer", "describe_exception", "is_loopback"]

EVENTS_PATH = "/__tul/events"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
HEARTBEAT_S = 10.0  # an SSE comment this often notices closed tabs and keeps proxies from timing out
HUNG_UP = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)
_BODY_OPEN = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def is_loopback(host: str) -> bool:
    """True if `host` only accepts connections from this machine."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class PreviewServer:
    """Serves reports' HTML (and, with `out_dir`, their PDF) on localhost, re-made whenever a source changes."""

    def __init__(
        self,
        folders: Path | list[Path],
        assets: Assets,
        host: str = "127.0.0.1",
        port: int = 8000,
        watch_dirs: list[Path] | None = None,
        out_dir: Path | None = None,
        jobs: int = 1,
    ) -> None:
        folders = [folders] if isinstance(folders, Path) else list(folders)
        if not folders:
            raise ValueError("no report to preview")
        self.host = host
        self.assets = assets
        # A report that consolidates others, or follows predecessors, changes with them too.
        related = [other for folder in folders for other in related_folders(folder)]
        self.watch_dirs = watch_dirs if watch_dirs is not None else list(dict.fromkeys(
            [*folders, *related, *assets.template_dirs, *assets.style_dirs]))
        self.echo: Callable[[str], None] = lambda text: None
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._watching = threading.Event()
        self._threads: list[threading.Thread] = []
        self.nonce = secrets.token_urlsafe(16)
        # Versions are tagged with the run, so a tab left open across a restart reloads too.
        self._run = secrets.token_hex(4)
        self._httpd = _Server(self, host, port)  # first: a busy port fails before any worker starts
        self._out_dir, self._jobs = out_dir, jobs
        self.pdf_maker: PdfMaker | None = None
        self.reports = {folder.name: LiveReport(folder, assets, self._notify, self._request_pdf if out_dir else None)
                        for folder in folders}

    # ---------- the single-report view (the first report) ----------

    @property
    def first(self) -> LiveReport:
        """The first (or only) report."""
        return next(iter(self.reports.values()))

    @property
    def version(self) -> int:
        """The first report's HTML version."""
        return self.first.snapshot.version

    @property
    def problems(self) -> list[str]:
        """The first report's current problems."""
        return self.first.snapshot.problems

    @property
    def render_seconds(self) -> float:
        """How long the first report's last HTML render took."""
        return self.first.render_seconds

    @property
    def port(self) -> int:
        """The bound port (the real one when 0 asked for an ephemeral port)."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Where the preview is served, e.g. http://127.0.0.1:8000/."""
        # A wildcard bind is not an address a browser should be sent to; this machine is.
        host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/"

    def tag(self, version: int, kind: str = "") -> str:
        """What pages and event streams call `version`: unique across runs of the server."""
        return f"{self._run}.{kind}{version}"

    # ---------- running ----------

    def start(self) -> None:
        """Watch and serve in background threads; return once the first render is served."""
        if self._out_dir is not None:
            self.pdf_maker = PdfMaker(self._out_dir, self.assets, self._jobs, lambda text: self.echo(text))
        watcher = threading.Thread(target=self._watch, name="tul-preview-watch", daemon=True)
        # A short poll interval: stop() waits for the accept loop to notice.
        server = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                  name="tul-preview-http", daemon=True)
        self._threads = [watcher, server]
        watcher.start()
        # Render only once the watcher is live, so that no edit falls between the two.
        self._watching.wait(timeout=5)
        self.rebuild()
        server.start()

    def stop(self) -> None:
        """Stop serving, watching and making PDFs; open event streams end too."""
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()
        if self._threads:
            self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []
        if self.pdf_maker is not None:
            self.pdf_maker.stop()
            self.pdf_maker = None

    def serve_forever(self) -> None:
        """Serve until Ctrl-C, printing each render's outcome on stderr (for `tul preview`)."""
        self.echo = lambda text: print(text, file=sys.stderr, flush=True)
        if not is_loopback(self.host):
            self.echo(f"warning: serving on {self.host}, reachable from other machines; "
                      "the preview has no authentication")
        self.start()
        names = ", ".join(self.reports)
        self.echo(f"previewing {names} at {self.url} (Ctrl-C to stop)")
        try:
            while not self._stopping.wait(timeout=1):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def rebuild(self) -> None:
        """Render every report again (the first render, or after a change)."""
        for report in self.reports.values():
            self.echo(report.rebuild())

    def wait_for_change(self, seen: tuple[int, int], report: LiveReport, timeout: float) -> tuple[int, int]:
        """Block until `report`'s (HTML, PDF) versions differ from `seen`, the server stops, or `timeout` passes."""
        def now() -> tuple[int, int]:
            snapshot = report.snapshot
            return snapshot.version, snapshot.pdf_version

        with self._changed:
            self._changed.wait_for(lambda: now() != seen or self._stopping.is_set(), timeout)
            return now()

    @property
    def stopping(self) -> bool:
        """True once stop() has begun."""
        return self._stopping.is_set()

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def _request_pdf(self, report: LiveReport, html_text: str) -> None:
        if self.pdf_maker is not None:
            self.pdf_maker.request(report, html_text)

    def _watch(self) -> None:
        dirs = [d for d in self.watch_dirs if d.is_dir()]  # watchfiles refuses missing paths
        if not dirs:
            self._watching.set()
            return
        # yield_on_timeout: the first (empty) yield tells start() that the watcher is live.
        for changes in watchfiles.watch(*dirs, stop_event=self._stopping, debounce=400, step=30,
                                        rust_timeout=100, yield_on_timeout=True, raise_interrupt=False):
            self._watching.set()
            if changes and not self._stopping.is_set():
                self.rebuild()

    # ---------- what is served ----------

    def script(self, report: LiveReport, side: bool = False) -> str:
        """The reload script: the page (or, side by side, each frame) follows the report's versions."""
        snapshot = report.snapshot
        events = f"{EVENTS_PATH}?report={report.slug}"
        if side:
            body = ('function f(id,e){var x=document.getElementById(id);x.src=x.src.split("?")[0]+"?v="+e.data}'
                    's.addEventListener("reload",function(e){f("tul-html",e)});'
                    's.addEventListener("pdf",function(e){f("tul-pdf",e)})')
        else:
            body = (f'var v="{self.tag(snapshot.version)}";function r(e){{if(e.data!==v){{s.close();location.reload()}}}}'
                    's.addEventListener("version",r);s.addEventListener("reload",r)')
        return f'<script nonce="{self.nonce}">(function(){{var s=new EventSource("{events}");{body}}})()</script>'

    def page(self, report: LiveReport) -> tuple[int, bytes]:
        """The report's HTML version and the bytes served for it."""
        snapshot = report.snapshot
        banner = _banner(snapshot.problems, snapshot.failed, snapshot.html is not None)
        script = self.script(report)
        if self.pdf_maker is not None:
            base = f"/{report.slug}/"
            banner += (f'<p id="tul-preview-links" lang="en" style="position:fixed;bottom:0;right:0;z-index:2147483647;'
                       f'margin:0;padding:.3em .6em;background:#fff;font:13px sans-serif">'
                       f'<a href="{base}{report.slug}.pdf">PDF</a> · <a href="{base}side">side by side</a></p>')
        if snapshot.html is None:
            return snapshot.version, (
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>tul preview: errors</title>'
                f"</head><body>{banner}{script}</body></html>"
            ).encode()
        data = snapshot.html.encode("utf-8")
        opening = _BODY_OPEN.search(data)
        at = opening.end() if opening else 0
        data = data[:at] + banner.encode() + data[at:]
        closing = data.rfind(b"</body>")
        at = closing if closing >= 0 else len(data)
        return snapshot.version, data[:at] + script.encode() + data[at:]

    def side(self, report: LiveReport) -> bytes:
        """HTML and PDF side by side, each reloaded when it changes."""
        snapshot = report.snapshot
        slug = html.escape(report.slug)
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>tul preview: {slug}</title>'
            '<style>html,body{margin:0;height:100%}body{display:flex}iframe{border:0;flex:1;height:100%}'
            'iframe+iframe{border-left:2px solid #888}</style></head><body>'
            f'<iframe id="tul-html" title="HTML" src="/{slug}/?v={self.tag(snapshot.version)}"></iframe>'
            f'<iframe id="tul-pdf" title="PDF" src="/{slug}/{slug}.pdf?v={self.tag(snapshot.pdf_version, "p")}">'
            f"</iframe>{self.script(report, side=True)}</body></html>"
        ).encode()

    def index(self) -> bytes:
        """The list of reports, when there are several."""
        items = "".join(
            f'<li><a href="/{html.escape(slug)}/">{html.escape(slug)}</a>'
            + (f' (<a href="/{html.escape(slug)}/{html.escape(slug)}.pdf">PDF</a>, '
               f'<a href="/{html.escape(slug)}/side">side by side</a>)' if self.pdf_maker is not None else "")
            + "</li>"
            for slug in self.reports)
        return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>tul preview</title></head>'
                f"<body><h1>Reports</h1><ul>{items}</ul></body></html>").encode()


def _banner(problems: list[str], failed: bool, stale: bool) -> str:
    if not problems:
        return ""
    colour = "#a4000f" if failed else "#7a5a00"
    count = len(problems)
    title = f"tul preview: {count} {'problem' if failed else 'warning'}{'s' if count != 1 else ''}"
    if failed and stale:
        title += ", showing the last good render"
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    return (
        f'<div id="tul-preview-problems" role="alert" lang="en" style="position:sticky;top:0;z-index:2147483647;'
        f"margin:0;padding:.75em 1em;background:#fff;color:{colour};border:3px solid {colour};"
        f'font:14px/1.4 monospace;white-space:pre-wrap;max-height:50vh;overflow:auto">'
        f'<strong>{html.escape(title)}</strong><ul style="margin:.5em 0 0;padding-left:1.5em">{items}</ul></div>'
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a tab left open must not keep the process alive

    def __init__(self, preview: PreviewServer, host: str, port: int) -> None:
        self.preview = preview
        if ":" in host.strip("[]"):
            self.address_family = socket.AF_INET6
        super().__init__((host.strip("[]"), port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is normal (a reload, a closed tab): no traceback for it."""
        if isinstance(sys.exc_info()[1], HUNG_UP):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "tul-preview"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _refuse_method(self) -> None:
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method

    def log_message(self, format: str, *args: object) -> None:
        pass  # requests are not news; render outcomes are printed by the server

    def _host_allowed(self) -> bool:
        # A DNS-rebinding page can reach a loopback port, but it cannot choose the Host header.
        header = (self.headers.get("Host") or "").strip().lower()
        match = re.fullmatch(r"(\[[0-9a-f:.]+\]|[^:\[\]]+)(?::(\d+))?", header)
        if not match:
            return False
        name, port = match.group(1).strip("[]"), match.group(2)
        local = str(self.connection.getsockname()[0]).lower()
        names = {*LOOPBACK_NAMES, self.server.preview.host.strip("[]").lower(), local}
        return name in names and port == str(self.server.preview.port)

    def _respond(self, body: bool) -> None:
        if not self.headers.get("Host"):
            self.send_error(400, "Host header required")
            return
        if not self._host_allowed():
            self.send_error(421, "Misdirected request: unknown Host")
            return
        preview = self.server.preview
        parts = urlsplit(self.path) if self.path.startswith("/") else None
        path = parts.path if parts is not None else None
        single = preview.first if len(preview.reports) == 1 else None
        if path == EVENTS_PATH and parts is not None:
            wanted = parse_qs(parts.query).get("report", [])
            report = preview.reports.get(wanted[0]) if wanted else single
            if report is not None:
                self._send_events(report, body)
                return
        elif path in ("/", "/index.html"):
            if single is not None:
                self._send(preview.page(single)[1], "text/html; charset=utf-8", body)
            else:
                self._send(preview.index(), "text/html; charset=utf-8", body)
            return
        elif path is not None and (match := re.fullmatch(r"/([^/]+)/(index\.html|side|[^/]+\.pdf)?", path)):
            report = preview.reports.get(match.group(1))
            leaf = match.group(2) or "index.html"
            if report is not None and leaf == "index.html":
                self._send(preview.page(report)[1], "text/html; charset=utf-8", body)
                return
            if report is not None and preview.pdf_maker is not None and leaf == "side":
                self._send(preview.side(report), "text/html; charset=utf-8", body, frames=True)
                return
            if report is not None and preview.pdf_maker is not None and leaf == f"{report.slug}.pdf":
                self._send_pdf(report, body)
                return
        self.send_error(404)

    def _security_headers(self, frames: bool = False) -> None:
        nonce = self.server.preview.nonce
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        # Everything the report needs is inline; only the reload script may run; only the
        # side-by-side page frames, and only this server's pages.
        self.send_header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; "
            f"script-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            + ("frame-src 'self'; frame-ancestors 'none'" if frames else "frame-ancestors 'self'"),
        )

    def _send(self, data: bytes, content_type: str, body: bool, frames: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self._security_headers(frames)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _send_pdf(self, report: LiveReport, body: bool) -> None:
        snapshot = report.snapshot
        if snapshot.pdf is None:
            message = "; ".join(snapshot.pdf_problems) or "the PDF is being made"
            self.send_error(503, f"No PDF yet: {message}")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(snapshot.pdf)))
        self.send_header("Content-Disposition", f'inline; filename="{report.slug}.pdf"')
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", "frame-ancestors 'self'")
        self.end_headers()
        if body:
            self.wfile.write(snapshot.pdf)

    def _send_events(self, report: LiveReport, body: bool) -> None:
        preview = self.server.preview
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self._security_headers()
        self.end_headers()
        if not body:
            return
        # The current versions first: a page that loaded before an edit reloads even if it missed the event.
        snapshot = report.snapshot
        seen = snapshot.version, snapshot.pdf_version
        message = (f"retry: 1000\nevent: version\ndata: {preview.tag(seen[0])}\n\n"
                   f"event: pdf\ndata: {preview.tag(seen[1], 'p')}\n\n")
        try:
            while not preview.stopping:
                self.wfile.write(message.encode())
                self.wfile.flush()
                now = preview.wait_for_change(seen, report, HEARTBEAT_S)
                message = ""
                if now[0] != seen[0]:
                    message += f"event: reload\ndata: {preview.tag(now[0])}\n\n"
                if now[1] != seen[1]:
                    message += f"event: pdf\ndata: {preview.tag(now[1], 'p')}\n\n"
                message = message or ": ping\n\n"
                seen = now
        except OSError:
            pass  # the tab was closed
        self.close_connection = True
