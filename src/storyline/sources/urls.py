"""URL canonicalisation: one article, one URL, so it is fetched and stored once.

Tracking parameters (``utm_*``, ``fbclid``, ``xtor`` …) and fragments are dropped, the host is
lower-cased, default ports and dot segments go, percent escapes are normalised and the remaining
query parameters are sorted.

>>> canonicalize("HTTPS://Example.COM:443/a/./b/../story?utm_source=x&id=7#comments")
'https://example.com/a/story?id=7'
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "mc_cid", "mc_eid", "igshid", "_ga", "_gl", "_hsenc", "_hsmi", "hsctatracking",
        "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_conv", "vero_id", "wickedid", "rb_clickid",
        "s_cid", "ref_src", "ref_url", "cmpid", "ncid", "ocid", "icid", "xtor", "at_medium",
        "at_campaign", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
        "sr_share", "smid", "spm", "__twitter_impression", "share_source", "feature",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_")
DEFAULT_PORTS = {"http": 80, "https": 443}

_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = ":@!$'()*+,;/?-._~"
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only say how a reader arrived, not what they read."""
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def _requote(part: str, safe: str) -> str:
    """Percent-escape what must be escaped, decode what need not be, upper-case the rest."""
    out = []
    pos = 0
    for match in _ESCAPE.finditer(part):
        out.append(quote(part[pos : match.start()], safe=safe))
        char = chr(int(match.group()[1:], 16))
        unreserved = char.isascii() and (char.isalnum() or char in "-._~")
        out.append(char if unreserved else match.group().upper())
        pos = match.end()
    out.append(quote(part[pos:], safe=safe))
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on an absolute path."""
    segments: list[str] = []
    parts = path.split("/")
    for i, seg in enumerate(parts):
        last = i == len(parts) - 1
        if seg == ".":
            if last:
                segments.append("")
        elif seg == "..":
            if len(segments) > 1:
                segments.pop()
            if last:
                segments.append("")
        else:
            segments.append(seg)
    result = "/".join(segments)
    return result if result.startswith("/") else "/" + result


def _host(parts: SplitResult) -> str:
    host = (parts.hostname or "").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError:
        host = host.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return host


def canonicalize(url: str) -> str:
    """The canonical form of an http(s) URL. Raises ValueError for anything else.

    >>> canonicalize("http://news.example/x?b=2&a=1&fbclid=abc")
    'http://news.example/x?a=1&b=2'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = _host(parts)
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"URL has a bad port: {url!r}") from exc
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username:
        cred = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{cred}@{netloc}"
    path = _remove_dot_segments(_requote(parts.path or "/", _PATH_SAFE))
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    pairs.sort(key=lambda kv: kv[0])  # stable: repeated keys keep their order
    query = urlencode(pairs, quote_via=quote, safe=_QUERY_SAFE.replace("&", "").replace("=", ""))
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str:
    """The ``host[:port]`` part a rate limit and robots.txt apply to.

    >>> host_of("https://Example.com:8443/a")
    'example.com:8443'
    """
    parts = urlsplit(url)
    host = _host(parts)
    return f"{host}:{parts.port}" if parts.port else host


def site_of(url: str | None) -> str | None:
    """The site a URL belongs to, as a source name: its host, lower-cased, without "www." or a port
    (None when there is none). A bare host ("www.example.org/x", as page metadata gives it) is read too.

    >>> site_of("https://WWW.Example.org:8080/news/1"), site_of("www.example.org/x"), site_of("http://[bad")
    ('example.org', 'example.org', None)
    """
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    host = (host or "").rstrip(".").removeprefix("www.")
    return host or None


def try_canonicalize(url: str) -> str | None:
    """``canonicalize`` that answers None for URLs we cannot fetch."""
    try:
        return canonicalize(url)
    except ValueError:
        return None

