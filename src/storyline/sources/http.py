"""A polite HTTP fetcher: clear User-Agent, robots.txt, per-host pace, retries, size cap, any charset.

Every outcome is a value: a ``Page`` (bytes and metadata) or a ``Rejection`` whose reason says why
(http_404, http_5xx, timeout, connection_error, robots_disallowed, robots_unreachable, too_large,
too_many_redirects, bad_redirect, unsupported_scheme, not_modified, interrupted). Each request
(robots.txt included) ends within ``timeout`` seconds from connecting to its last byte, however
slowly the server trickles. ``page_record`` turns a page into the ``RawRecord`` extraction reads.
"""

from __future__ import annotations

import codecs
import re
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from storyline.sources.deadline import deadline, enforce_deadlines
from storyline.sources.stopping import wait_unless_stopped
from storyline.sources.urls import DEFAULT_PORTS, canonicalize, host_of
from storyline.types import RawRecord, Rejection

USER_AGENT = "Storyline/0.1 (+https://github.com/storyline-news/storyline)"
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
FEED_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_REASONS = frozenset({"http_5xx", "http_429", "timeout", "connection_error", "robots_unreachable"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
                        "text/xml"})
_ROBOTS_MAX_BYTES = 512 * 1024
_ROBOTS_RETRY_AFTER = 300.0


@dataclass(frozen=True)
class Page:
    """A successful response: the body as bytes and what the headers said about it."""

    url: str
    final_url: str
    status: int
    body: bytes
    media_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None
    redirects: tuple[str, ...] = ()


class _Robots:
    """One host's robots.txt, parsed, with the time it stops being trusted."""

    def __init__(self, parser: urllib.robotparser.RobotFileParser | None, expires: float, detail: str = "",
                 reason: str = "robots_unreachable") -> None:
        self.parser = parser
        self.expires = expires
        self.detail = detail
        self.reason = reason  # why there is no parser: the host itself unreachable says more than robots.txt


class Fetcher:
    """Fetches URLs politely. Thread-safe: requests to one host wait for each other and keep its
    interval; requests to different hosts, from different threads, run at the same time."""

    def __init__(
        self,
        *,
        user_agent: str = USER_AGENT,
        timeout: float = 15.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        min_interval: float = 1.0,
        max_bytes: int = 5 * 1024 * 1024,
        max_redirects: int = 10,
        robots_ttl: float = 86400.0,
        stop: threading.Event | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.min_interval = min_interval
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.robots_ttl = robots_ttl
        self.stop = stop or threading.Event()
        self.clock = clock
        self._client = enforce_deadlines(httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            transport=transport,
            event_hooks={"response": [_check_redirect]},
        ))
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}
        self._host_locks: dict[str, threading.RLock] = {}
        self._locks_guard = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- politeness -------------------------------------------------------------------------

    def _pause(self, seconds: float) -> bool:
        """Sleep, unless asked to stop; False when the stop came first."""
        if seconds <= 0:
            return not self.stop.is_set()
        return not wait_unless_stopped(self.stop, seconds)

    def _host_lock(self, host: str) -> threading.RLock:
        """The lock a thread holds while it waits its turn at ``host`` and talks to it."""
        with self._locks_guard:
            return self._host_locks.setdefault(host, threading.RLock())

    def _wait_turn(self, url: str) -> bool:
        """Keep at least the host's interval between two requests to it."""
        host = host_of(url)
        interval = max(self.min_interval, self._crawl_delay(host))
        last = self._last_request.get(host)
        if last is not None and not self._pause(last + interval - self.clock()):
            return False
        self._last_request[host] = self.clock()
        return True

    def _crawl_delay(self, host: str) -> float:
        robots = self._robots.get(host)
        if robots is None or robots.parser is None:
            return 0.0
        delay = robots.parser.crawl_delay(self.user_agent)
        return float(delay) if delay else 0.0

    def _load_robots(self, url: str) -> _Robots:
        """Fetch and parse robots.txt (RFC 9309: 4xx means allow all, 5xx or no answer means disallow)."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        now = self.clock()
        parser = urllib.robotparser.RobotFileParser(robots_url)
        retry_at = now + min(self.robots_ttl, _ROBOTS_RETRY_AFTER)
        try:
            self._wait_turn(robots_url)
            with deadline(self.timeout), self._client.stream("GET", robots_url, follow_redirects=True) as resp:
                status = resp.status_code
                content = bytearray()
                for chunk in resp.iter_bytes():
                    content += chunk
                    if len(content) >= _ROBOTS_MAX_BYTES:  # RFC 9309: parse at least the first 500 KiB
                        break
        except _BadRedirect as exc:
            return _Robots(None, retry_at, f"robots.txt {exc}")
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            return _Robots(None, retry_at,
                           f"cannot connect to {host_of(url)} ({type(exc).__name__}): "
                           "is the address right and the site up?",
                           "connection_error")
        except httpx.TimeoutException as exc:
            return _Robots(None, retry_at,
                           f"robots.txt: no complete answer within {self.timeout:g}s ({type(exc).__name__})")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return _Robots(None, retry_at, f"robots.txt unreachable: {type(exc).__name__}: {exc}"[:300])
        if status >= 500:
            return _Robots(None, retry_at, f"robots.txt answered HTTP {status}")
        if status >= 400:
            # allow_all is RobotFileParser's own flag (urllib.robotparser sets it on 401/403), missing from typeshed
            parser.allow_all = True  # type: ignore[attr-defined]
        else:
            parser.parse(bytes(content[:_ROBOTS_MAX_BYTES]).decode("utf-8", "replace").splitlines())
        parser.modified()
        return _Robots(parser, now + self.robots_ttl)

    def robots_verdict(self, url: str) -> Rejection | None:
        """None when robots.txt lets us fetch ``url``; else the Rejection saying why not."""
        host = host_of(url)
        with self._host_lock(host):
            robots = self._robots.get(host)
            if robots is None or robots.expires <= self.clock():
                robots = self._robots[host] = self._load_robots(url)
        if robots.parser is None:
            return Rejection(url, robots.reason, robots.detail)
        if not robots.parser.can_fetch(self.user_agent, url):
            return Rejection(url, "robots_disallowed", f"robots.txt of {host} disallows it for {self.user_agent}")
        return None

    # -- fetching ---------------------------------------------------------------------------

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, accept: str = PAGE_ACCEPT
    ) -> Page | Rejection:
        """GET ``url`` following redirects hop by hop (robots.txt checked at every hop)."""
        problem = unfetchable(url)
        if problem is not None:
            return Rejection(url, problem[0], problem[1])
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        hops: list[str] = []
        current = url
        while True:
            verdict = self.robots_verdict(current)
            if verdict is not None:
                return Rejection(url, verdict.reason,
                                 verdict.detail + (f" (after redirect to {current})" if hops else ""))
            result = self._get_with_retries(url, current, headers)
            if isinstance(result, str):
                if len(hops) >= self.max_redirects or result in hops or result == url:
                    return Rejection(url, "too_many_redirects", " -> ".join([url, *hops, result])[:500])
                hops.append(result)
                current = result
                continue
            if isinstance(result, Page):
                return Page(url, current, result.status, result.body, result.media_type, result.charset,
                            result.etag, result.last_modified, tuple(hops))
            return result

    def _get_with_retries(self, origin: str, url: str, headers: dict[str, str]) -> Page | Rejection | str:
        """One hop: a Page, a Rejection, or the next URL of a redirect. Retries 5xx/429/timeouts."""
        attempts = self.retries + 1
        for attempt in range(attempts):
            with self._host_lock(host_of(url)):
                if not self._wait_turn(url):
                    return Rejection(origin, "interrupted", "stopped before the request was sent")
                result, retry_after = self._get_once(origin, url, headers)
            retryable = isinstance(result, Rejection) and result.reason in (
                "http_5xx", "http_429", "timeout", "connection_error")
            if not isinstance(result, Rejection) or not retryable or attempt == attempts - 1:
                if isinstance(result, Rejection) and retryable:
                    return Rejection(origin, result.reason, f"{result.detail} (after {attempts} attempts)")
                return result
            delay = min(self.max_backoff, retry_after if retry_after is not None else self.backoff * 2**attempt)
            if not self._pause(delay):
                return Rejection(origin, "interrupted", f"stopped while waiting to retry: {result.detail}")
        raise AssertionError("unreachable")

    def _get_once(self, origin: str, url: str, headers: dict[str, str]) -> tuple[Page | Rejection | str, float | None]:
        """One request, ended by its deadline: ``timeout`` seconds from connecting to the last byte."""
        try:
            with deadline(self.timeout), self._client.stream("GET", url, headers=headers) as resp:
                return self._read(origin, url, resp), _retry_after(resp)
        except _BadRedirect as exc:
            return Rejection(origin, "bad_redirect", str(exc)), None
        except httpx.TimeoutException as exc:
            detail = f"no complete answer within {self.timeout:g}s ({type(exc).__name__})"
            return Rejection(origin, "timeout", detail), None
        except httpx.TooManyRedirects as exc:
            return Rejection(origin, "too_many_redirects", str(exc)), None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            return Rejection(origin, "connection_error", f"{type(exc).__name__}: {exc}"[:300]), None
        except httpx.InvalidURL as exc:
            return Rejection(origin, "bad_url", f"cannot request {url!r}: {exc}"[:300]), None

    def _read(self, origin: str, url: str, resp: httpx.Response) -> Page | Rejection | str:
        status = resp.status_code
        if status in REDIRECT_STATUSES and resp.headers.get("location"):
            return urljoin(url, resp.headers["location"])
        if status == 304:
            return Rejection(origin, "not_modified", "the server says it has not changed since the last fetch")
        if status >= 500:
            return Rejection(origin, "http_5xx", f"HTTP {status}")
        if status >= 300 or status < 200 or status in (204, 205):
            return Rejection(origin, f"http_{status}", f"HTTP {status} {resp.reason_phrase}".strip())
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return Rejection(origin, "too_large", f"Content-Length {declared} > limit {self.max_bytes}")
        body = bytearray()
        for chunk in resp.iter_bytes():  # a body still coming at the request's deadline raises ReadTimeout
            body += chunk
            if len(body) > self.max_bytes:
                return Rejection(origin, "too_large", f"more than {self.max_bytes} bytes; cut off")
        media_type, charset = _content_type(resp.headers.get("content-type", ""))
        return Page(origin, url, status, bytes(body), media_type, charset,
                    resp.headers.get("etag"), resp.headers.get("last-modified"))


class _BadRedirect(Exception):
    """A redirect we will not follow (to file:, javascript:, a URL without a host …)."""


def _check_redirect(response: httpx.Response) -> None:
    """httpx response hook: refuse a redirect out of http(s) before httpx trips over its Location."""
    if not response.has_redirect_location:
        return
    location = response.headers["location"]
    try:
        target = urljoin(str(response.request.url), location)
    except ValueError as exc:
        raise _BadRedirect(f"redirects to {location[:200]!r}: {exc}") from None
    problem = unfetchable(target)
    if problem is not None:
        raise _BadRedirect(f"redirects to {target[:200]!r}: {problem[1]}")


def unfetchable(url: str) -> tuple[str, str] | None:
    """``(reason, detail)`` when ``url`` cannot be requested at all, else None.

    >>> unfetchable("file:///etc/passwd")
    ('unsupported_scheme', "only http(s) URLs are fetched, not 'file:'")
    >>> unfetchable("https://example.org/a") is None
    True
    """
    try:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in DEFAULT_PORTS:
            what = repr(scheme + ":") if scheme else "a URL without a scheme"
            return "unsupported_scheme", f"only http(s) URLs are fetched, not {what}"
        canonicalize(url)
    except ValueError as exc:  # no host, a bad port, a broken IPv6 address …
        return "bad_url", str(exc)[:300]
    return None


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


def _content_type(header: str) -> tuple[str, str | None]:
    """Media type and charset of a Content-Type header.

    >>> _content_type('text/html; Charset="ISO-8859-1"')
    ('text/html', 'ISO-8859-1')
    """
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return media.strip().lower(), charset


# -- decoding ---------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# WHATWG: these labels mean windows-1252, which is a superset of latin-1 for printable text.
_LABEL_ALIASES = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                  "us-ascii": "cp1252", "ascii": "cp1252", "l1": "cp1252"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = _LABEL_ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_body(body: bytes, charset: str | None = None) -> tuple[str, str]:
    """Text of a page and the encoding used: BOM, then header, then <meta>, then UTF-8, then detection.

    >>> decode_body("Économie".encode("latin-1"), "ISO-8859-1")
    ('Économie', 'cp1252')
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, "replace"), name
    meta = _META_CHARSET.search(body[:4096])
    candidates: list[str | None] = [_codec(charset), _codec(meta.group(1).decode("ascii")) if meta else None, "utf-8"]
    for codec in candidates:
        if codec is None or codec.startswith("utf-16"):  # a <meta> cannot truthfully claim UTF-16
            continue
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            continue
    from storyline.sources.decode import decode  # the readers' detection: language-aware legacy charsets

    text = decode(body)
    if text is not None:
        return text, "detected"
    return body.decode("cp1252", "replace"), "cp1252"

def looks_like_feed(page: Page) -> bool:
    """True when a response is (probably) RSS or Atom rather than a web page."""
    if page.media_type in FEED_TYPES - {"application/xml", "text/xml"}:
        return True
    head = page.body[:1024].lstrip().lower()
    return page.media_type in FEED_TYPES | {""} and (b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head)


def page_record(page: Page, feed_published: str | None = None) -> RawRecord | Rejection:
    """The RawRecord extraction reads, or why this response is not an article page."""
    origin = page.url
    if not page.body.strip():
        return Rejection(origin, "empty", "the response body is empty")
    media = page.media_type
    if looks_like_feed(page):
        return Rejection(origin, "not_html", "this is an RSS/Atom feed: give it to `storyline follow`")
    head = page.body[:1024].lstrip().lower()
    sniffed_html = head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
    if (media not in HTML_TYPES and media != "text/plain"
            and not (media in ("", "application/octet-stream") and sniffed_html)):
        return Rejection(origin, "not_html", f"content type {media or 'unknown'}")
    text, encoding = decode_body(page.body, page.charset)
    extra = {"feed_published": feed_published, "fetched_url": page.final_url, "encoding": encoding}
    url = canonicalize(page.final_url)
    if media == "text/plain":
        return RawRecord(origin=origin, text=text, url=url, published=None, extra=extra)
    return RawRecord(origin=origin, html=text, url=url, published=None, extra=extra)
