"""A real HTTP server on 127.0.0.1 for tests: threaded, on a free port, serving routes you declare.

    with WebServer({"/a": Route("<html>…</html>")}) as web:
        httpx.get(web.url("/a"))
        assert web.hits("/a") == 1

Bodies may say ``{BASE}`` for the server's own address (``http://127.0.0.1:PORT``), so
fixture feeds can link to fixture pages. Unknown paths answer 404. Every request is logged.
A route with ``trickle`` sends its whole answer, status line and headers first, one byte at a time:
the slow server a timeout must bound.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "web"


@dataclass
class Route:
    """What one path answers. ``chunks`` streams a body of unknown length (no Content-Length).

    ``trickle``: seconds between two bytes of the answer (headers included); once ``release`` is
    set, the rest goes at once. ``padding`` adds that many bytes of an extra header."""

    body: str | bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    redirect: str | None = None
    fail_first: int = 0
    chunks: Callable[[], Iterable[bytes]] | None = None
    trickle: float = 0.0
    release: threading.Event | None = None
    padding: int = 0


@dataclass(frozen=True)
class Request:
    path: str
    headers: Mapping[str, str]
    at: float = 0.0  # time.monotonic() when it arrived
    method: str = "GET"
    body: bytes = b""  # what a POST sent


def fixture(name: str, **kwargs) -> Route:
    """A Route serving ``tests/fixtures/web/<name>`` as it is on disk (bytes, any charset)."""
    return Route((FIXTURES / name).read_bytes(), **kwargs)


class WebServer:
    """Serves ``routes`` (path without query -> Route) until ``stop``; also a context manager."""

    def __init__(self, routes: Mapping[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._server.handle_error = lambda request, address: None  # clients that hang up are fine
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        """How many requests asked for ``path`` (query ignored)."""
        with self._lock:
            return sum(1 for r in self.requests if r.path.split("?")[0] == path)

    def start(self) -> WebServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # trickling answers end
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?")[0]
        body = b""
        if handler.command == "POST":
            body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        with self._lock:
            self.requests.append(Request(handler.path, dict(handler.headers.items()), time.monotonic(),
                                         handler.command, body))
            route = self.routes.get(path)
            seen = sum(1 for r in self.requests if r.path.split("?")[0] == path)
        if route is None:
            return _send(handler, 404, {"Content-Type": "text/plain"}, b"not found")
        if route.delay:
            time.sleep(route.delay)
        if seen <= route.fail_first:
            return _send(handler, 503, {"Content-Type": "text/plain"}, b"try again")
        if route.redirect is not None:
            return _send(handler, route.status if route.status in (301, 302, 303, 307, 308) else 302,
                         {"Location": route.redirect.replace("{BASE}", self.base)}, b"")
        headers = {"Content-Type": route.content_type, **route.headers}
        if route.padding:
            headers["X-Padding"] = "p" * route.padding
        if route.etag:
            headers["ETag"] = route.etag
            if handler.headers.get("If-None-Match") == route.etag:
                return _send(handler, 304, headers, b"")
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
            if handler.headers.get("If-Modified-Since") == route.last_modified:
                return _send(handler, 304, headers, b"")
        if route.chunks is not None:
            handler.send_response(route.status)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            for chunk in route.chunks():
                handler.wfile.write(chunk)
            return None
        body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
        body = body.replace(b"{BASE}", self.base.encode("ascii"))
        if route.trickle:
            return self._trickle(handler, route, headers, body)
        return _send(handler, route.status, headers, body)

    def _trickle(self, handler: BaseHTTPRequestHandler, route: Route, headers: Mapping[str, str], body: bytes) -> None:
        """The whole answer one byte every ``route.trickle`` seconds, until released or stopped."""
        lines = [f"HTTP/1.1 {route.status} Trickling", *(f"{k}: {v}" for k, v in headers.items()),
                 f"Content-Length: {len(body)}", "Connection: close", "", ""]
        raw = "\r\n".join(lines).encode("latin-1") + body
        handler.close_connection = True
        for i in range(len(raw)):
            if self._stopping.is_set():
                return None
            if route.release is not None and route.release.is_set():
                handler.wfile.write(raw[i:])
                return None
            handler.wfile.write(raw[i : i + 1])
            (route.release or self._stopping).wait(route.trickle)
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server._answer(self)

            def do_POST(self) -> None:  # a webhook receiver: the body is kept in ``requests``
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def _send(handler: BaseHTTPRequestHandler, status: int, headers: Mapping[str, str], body: bytes) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _enormous() -> Iterable[bytes]:
    """An endless harbour log: 64 MB if anybody read it all (nobody should)."""
    yield b"<html><body><h1>Harbour log</h1>"
    for i in range(1000):
        yield (f"<p>Entry {i}: ship moored at berth {i % 40}.</p>" * 1500).encode("ascii")


def news_site() -> dict[str, Route]:
    """The fixture site of ``tests/fixtures/web``: feeds, articles in four languages, and every failure."""
    html = "text/html; charset=utf-8"
    return {
        "/robots.txt": fixture("robots.txt", content_type="text/plain"),
        "/rss.xml": fixture("rss.xml", content_type="application/rss+xml", etag='"rss-1"'),
        "/atom.xml": fixture("atom.xml", content_type="application/atom+xml",
                             last_modified="Thu, 14 Mar 2024 13:00:00 GMT"),
        "/broken.xml": fixture("broken.xml", content_type="application/rss+xml"),
        "/news/valdmar-port-reopens": fixture("harbour-en.html", content_type=html),
        "/news/ferry-timetable": fixture("nodate-en.html", content_type=html),
        "/es/puerto-valdmar": fixture("harbour-es-latin1.html", content_type="text/html; charset=ISO-8859-1"),
        "/fr/port-valdmar": fixture("harbour-fr.html", content_type=html),
        "/de/hafen-valdmar": fixture("cookie-de.html", content_type=html),
        "/news/broken-server": Route("Internal Server Error", status=500, content_type="text/plain"),
        "/private/briefing": fixture("harbour-en.html", content_type=html),
        "/r1": Route(redirect="/r2", status=301),
        "/r2": Route(redirect="{BASE}/r3", status=302),
        "/r3": Route(redirect="/news/ferry-timetable?utm_source=redirect", status=308),
        "/huge": Route(chunks=_enormous, content_type=html),
        "/slow": Route("<html><body><p>late</p></body></html>", delay=3.0),
    }
