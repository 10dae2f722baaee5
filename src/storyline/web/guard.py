"""Who may talk to the app: the Host a request names, and who may write (cross-site pages, DNS rebinding, tokens).

A page on any site the user visits can send requests to 127.0.0.1, and a name the attacker
controls can be re-pointed at 127.0.0.1 (DNS rebinding). So, before any route runs:

* on a loopback address, a request must name a loopback host (``localhost``, ``127.0.0.1``, ``[::1]``):
  a rebound name reaches the socket but not the data;
* a write (any method but GET/HEAD/OPTIONS) must not come from another site (``Origin`` other than the
  host the request names, or ``Sec-Fetch-Site: cross-site``), must carry the token when the app has
  one (``Authorization: Bearer TOKEN``), and must be ``application/json`` (the only body a plain HTML
  form or a no-preflight ``fetch`` cannot send).
"""

from __future__ import annotations

import ipaddress
import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request

from storyline.web import errors

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_HEADER = "authorization"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 with or without brackets) is this machine only.

    >>> [is_loopback(h) for h in ("127.0.0.1", "localhost", "[::1]", "app.localhost", "0.0.0.0", "evil.example")]
    [True, True, True, True, False, False]
    """
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def split_host(value: str) -> tuple[str, int | None]:
    """A Host header (or an origin's netloc) as (lowercase host, port or None); ``("", None)`` if malformed.

    >>> split_host("LocalHost:8765"), split_host("[::1]:80"), split_host("a b")
    (('localhost', 8765), ('::1', 80), ('', None))
    """
    try:
        parts = urlsplit("//" + value.strip())
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "", None
    if not host or any(c.isspace() or c in "/?#@" for c in value.strip()):
        return "", None
    return host, port


def same_origin(origin: str, host_header: str, scheme: str) -> bool:
    """Whether an ``Origin`` header names the very host and port the request was sent to.

    >>> same_origin("http://127.0.0.1:8765", "127.0.0.1:8765", "http")
    True
    >>> same_origin("http://evil.example:8765", "127.0.0.1:8765", "http"), same_origin("null", "127.0.0.1:8765", "http")
    (False, False)
    """
    try:
        parts = urlsplit(origin.strip())
        o_host, o_port = (parts.hostname or ""), parts.port
    except ValueError:
        return False
    if parts.scheme not in _DEFAULT_PORTS or not o_host:
        return False
    h_host, h_port = split_host(host_header)
    o_port = o_port or _DEFAULT_PORTS[parts.scheme]
    # behind a TLS proxy the app sees http while the page was https: compare the port the client used
    h_port = h_port or _DEFAULT_PORTS.get(parts.scheme, _DEFAULT_PORTS.get(scheme, 80))
    return o_host == h_host and o_port == h_port


def new_token() -> str:
    """A fresh write token for a server shared on the network."""
    return secrets.token_urlsafe(24)


class Guard:
    """ASGI middleware applying the checks of this module; ``bind`` is the address the server listens on.

    ``token`` (None: no token asked) is required for every write when given; ``storyline serve``
    always gives one when ``bind`` is not a loopback address.
    """

    def __init__(self, app: Any, *, bind: str = "127.0.0.1", token: str | None = None) -> None:
        self.app = app
        self.loopback = is_loopback(bind)
        self.token = token or None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            self.check(request)
        except errors.RequestRefused as exc:
            response = errors.answer(request, exc.status, exc.message, exc.hint, exc.headers)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def check(self, request: Request) -> None:
        """Raise RequestRefused unless the request may go on to its route."""
        self.check_host(request)
        if request.method.upper() not in SAFE_METHODS:
            self.check_site(request)
            self.check_token(request)
            self.check_json(request)

    def check_host(self, request: Request) -> None:
        host_header = request.headers.get("host", "")
        host, _ = split_host(host_header)
        if self.loopback and host_header.strip() and not is_loopback(host):  # no Host at all: not a browser
            raise errors.RequestRefused(
                403, f"this server answers to localhost only, not to host {host_header[:80]!r}",
                "open http://127.0.0.1:PORT/ (a name that points here from elsewhere is refused: DNS rebinding); "
                "to share on the network start `storyline serve --host 0.0.0.0`")

    def check_site(self, request: Request) -> None:
        fetch_site = request.headers.get("sec-fetch-site", "").lower()
        if fetch_site in ("cross-site", "same-site"):
            raise errors.RequestRefused(
                403, "writes from another site's page are refused",
                "send the request from a script or curl, not a web page")
        origin = request.headers.get("origin")
        if origin is not None and not same_origin(origin, request.headers.get("host", ""), request.url.scheme):
            raise errors.RequestRefused(
                403, f"writes from origin {origin[:80]!r} are refused (not this server's own page)",
                "send the request from a script or curl, or from this server's own pages")

    def check_token(self, request: Request) -> None:
        if self.token is None:
            return
        given = request.headers.get(TOKEN_HEADER, "")
        scheme, _, value = given.partition(" ")
        if not given:
            raise errors.RequestRefused(
                401, "this server needs its write token for every write",
                "send the header `Authorization: Bearer TOKEN` with the token `storyline serve` printed at start",
                headers={"WWW-Authenticate": 'Bearer realm="storyline"'})
        if scheme.lower() != "bearer" or not secrets.compare_digest(value.strip().encode(), self.token.encode()):
            raise errors.RequestRefused(
                403, "wrong write token",
                "use the token `storyline serve` printed at start (or the one given by --token / STORYLINE_TOKEN)")

    def check_json(self, request: Request) -> None:
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media != "application/json":
            raise errors.RequestRefused(
                415, f"the body must be JSON (content-type application/json), not {media or 'unnamed'!r}",
                "send the header `Content-Type: application/json`")
