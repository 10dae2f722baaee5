"""One deadline per HTTP request: connecting, TLS, the headers and the body all end by it.

httpx's timeouts bound each socket operation, so a server sending one byte a second never trips
them and can hold a request for minutes. ``DeadlineBackend`` wraps httpcore's network backend and
caps every connect, read and write at the time left before the deadline of the request in hand,
which ``deadline()`` sets for the calling thread (so several threads can fetch at once).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

_local = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every network operation of this thread inside the block ends ``seconds`` from now at the latest."""
    previous = getattr(_local, "at", None)
    at = time.monotonic() + seconds
    _local.at = at if previous is None else min(at, previous)
    try:
        yield
    finally:
        _local.at = previous


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` capped at the time left to this thread's deadline; ``error`` once it has passed."""
    at = getattr(_local, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> _DeadlineStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend with every operation capped by the calling thread's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, left, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, left, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def enforce_deadlines(client: httpx.Client) -> httpx.Client:
    """Make every connection ``client`` opens (proxied ones too) obey ``deadline()``.

    httpx has no public hook for a network backend, so this reaches into the transports of the
    pinned httpx (0.28): it fails loudly, rather than silently not bounding requests, if they change.
    """
    transports = [client._transport, *(t for t in client._mounts.values() if t is not None)]
    for transport in transports:
        if not isinstance(transport, httpx.HTTPTransport):
            continue  # a test's MockTransport has no network to bound
        pool = getattr(transport, "_pool", None)
        if pool is None or not hasattr(pool, "_network_backend"):
            raise RuntimeError("this httpx version hides its network backend: request deadlines cannot be enforced")
        if not isinstance(pool._network_backend, DeadlineBackend):
            pool._network_backend = DeadlineBackend(pool._network_backend)
    return client
