"""Live preview: serve one report's HTML on localhost and reload open pages when a source changes.

Only two paths exist: the page ('/', '/index.html') and its Server-Sent Events
channel ('/__tul/events'). Nothing is read from disk by request, so there is no
directory listing and no path traversal. The reload script and the problem banner
are added to the served copy only; built files never see them.
"""

from __future__ import annotations

import html
import ipaddress
import re
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import watchfiles

from render.build import validate_report
from render.errors import ContentError, ReportError
from render.html import Assets, render_html
from render.templates import describe_template_error

EVENTS_PATH = "/__tul/events"
PAGE_PATHS = ("/", "/index.html")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
HEARTBEAT_S = 10.0  # an SSE comment this often notices closed tabs and keeps proxies from timing out
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


def describe_exception(exc: BaseException) -> list[str]:
    """Located messages for a failed render: content problems one by one, template errors at file:line."""
    if isinstance(exc, ContentError):
        return [str(p) for p in exc.problems]
    if isinstance(exc, ReportError):
        return [exc.format_message()]
    located = describe_template_error(exc)
    return [located or f"error: {type(exc).__name__}: {exc}"]


class PreviewServer:
    """Serves a report's HTML on localhost, re-rendered and reloaded whenever its sources change."""

    def __init__(
        self,
        folder: Path,
        assets: Assets,
        host: str = "127.0.0.1",
        port: int = 8000,
        watch_dirs: list[Path] | None = None,
    ) -> None:
        self.folder = folder
        self.assets = assets
        self.host = host
        self.watch_dirs = watch_dirs if watch_dirs is not None else [folder, *assets.template_dirs, *assets.style_dirs]
        self.problems: list[str] = []
        self.version = 0
        self.render_seconds = 0.0
        self.echo: Callable[[str], None] = lambda text: None
        self._good: str | None = None  # the last HTML that rendered without errors
        self._page = b""
        self._changed = threading.Condition()
        self._rendering = threading.Lock()  # start() and the watcher may both render; the newer must win
        self._stopping = threading.Event()
        self._watching = threading.Event()
        self._threads: list[threading.Thread] = []
        self._nonce = secrets.token_urlsafe(16)
        # Versions are tagged with the run, so a tab left open across a restart reloads too.
        self._run = secrets.token_hex(4)
        self._httpd = _Server(self, host, port)

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

    def start(self) -> None:
        """Watch and serve in background threads; return once the first render is served."""
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
        """Stop serving and watching; open event streams end too."""
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()
        if self._threads:
            self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def serve_forever(self) -> None:
        """Serve until Ctrl-C, printing each render's outcome on stderr (for `tul preview`)."""
        self.echo = lambda text: print(text, file=sys.stderr, flush=True)
        if not is_loopback(self.host):
            self.echo(f"warning: serving on {self.host}, reachable from other machines; "
                      "the preview has no authentication")
        self.start()
        self.echo(f"previewing {self.folder} at {self.url} (Ctrl-C to stop)")
        try:
            while not self._stopping.wait(timeout=1):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def rebuild(self) -> None:
        """Render again; on failure keep the last good HTML and list the problems above it."""
        with self._rendering:
            started = time.perf_counter()
            good: str | None
            try:
                derived, warnings = validate_report(self.folder)
                good = render_html(derived, self.assets)
                problems = [str(p) for p in warnings]
                failed = False
            # Whatever the content or a template does wrong, the server stays up and says so.
            except Exception as exc:
                good, problems, failed = self._good, describe_exception(exc), True
            self.render_seconds = time.perf_counter() - started
            self._good = good
            with self._changed:
                self.problems = problems
                self.version += 1
                self._page = self._compose(good, problems, failed)
                self._changed.notify_all()
        outcome = "failed" if failed else "rendered"
        self.echo("\n".join([*problems, f"{outcome} in {self.render_seconds:.2f} s"]))

    def page(self) -> tuple[int, bytes]:
        """The current version and the bytes served at '/'."""
        with self._changed:
            return self.version, self._page

    def tag(self, version: int) -> str:
        """What pages and event streams call `version`: unique across runs of the server."""
        return f"{self._run}.{version}"

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block until the version differs from `seen`, the server stops, or `timeout` passes."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self._stopping.is_set(), timeout)
            return self.version

    @property
    def stopping(self) -> bool:
        """True once stop() has begun."""
        return self._stopping.is_set()

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

    def _compose(self, good: str | None, problems: list[str], failed: bool) -> bytes:
        banner = self._banner(problems, failed, good is not None)
        script = (
            f'<script nonce="{self._nonce}">(function(){{var v="{self.tag(self.version)}",'
            f's=new EventSource("{EVENTS_PATH}");function r(e){{if(e.data!==v){{s.close();location.reload()}}}}'
            's.addEventListener("version",r);s.addEventListener("reload",r)})()</script>'
        )
        if good is None:
            return (
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>tul preview: errors</title>'
                f"</head><body>{banner}{script}</body></html>"
            ).encode()
        data = good.encode("utf-8")
        opening = _BODY_OPEN.search(data)
        at = opening.end() if opening else 0
        data = data[:at] + banner.encode() + data[at:]
        closing = data.rfind(b"</body>")
        at = closing if closing >= 0 else len(data)
        return data[:at] + script.encode() + data[at:]

    @staticmethod
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
        path = urlsplit(self.path).path if self.path.startswith("/") else None
        if path in PAGE_PATHS:
            self._send_page(body)
        elif path == EVENTS_PATH:
            self._send_events(body)
        else:
            self.send_error(404)

    def _security_headers(self) -> None:
        nonce = self.server.preview._nonce
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        # Everything the report needs is inline; only the reload script may run.
        self.send_header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; "
            f"script-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'",
        )

    def _send_page(self, body: bool) -> None:
        _, data = self.server.preview.page()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self._security_headers()
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _send_events(self, body: bool) -> None:
        preview = self.server.preview
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self._security_headers()
        self.end_headers()
        if not body:
            return
        # The current version first: a page that loaded before an edit reloads even if it missed the event.
        seen = preview.page()[0]
        message = f"retry: 1000\nevent: version\ndata: {preview.tag(seen)}\n\n"
        try:
            while not preview.stopping:
                self.wfile.write(message.encode())
                self.wfile.flush()
                version = preview.wait_for_change(seen, HEARTBEAT_S)
                message = f"event: reload\ndata: {preview.tag(version)}\n\n" if version != seen else ": ping\n\n"
                seen = version
        except OSError:
            pass  # the tab was closed
        self.close_connection = True
