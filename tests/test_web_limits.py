"""Request bodies stop at the size limit, chunked or not (issue 16, item 6), against a real server."""

from __future__ import annotations

import select
import socket

import pytest

from storyline.web.body import MAX_BODY
from web_corpus import Server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    srv = Server(folder / "limits.db", "hashing", folder / "server.log")
    yield srv
    srv.stop()


def _chunked_upload(port: int, offered: int, piece: int = 1 << 16) -> tuple[int, bytes]:
    """Send up to ``offered`` bytes as a chunked POST; stop when the server answers or hangs up.

    Returns (bytes sent, what the server answered)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = (f"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n").encode()
    sock.sendall(head + b"1\r\n[\r\n")
    frame = f"{piece:x}\r\n".encode() + b" " * piece + b"\r\n"
    sent, answer = 0, b""
    try:
        while sent < offered:
            readable, writable, _ = select.select([sock], [sock], [], 60)
            if readable:
                break
            if not writable:
                break  # nothing moves either way for a minute: let the assertions say what happened
            try:
                sock.sendall(frame)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += piece
        sock.settimeout(60)
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
                if b"\r\n\r\n" in answer and answer.rstrip().endswith(b"}"):
                    break
        except (TimeoutError, ConnectionResetError):
            pass
    finally:
        sock.close()
    return sent, answer


def test_a_chunked_body_is_refused_at_the_limit_not_read_whole(server):
    offered = 6 * MAX_BODY  # 120 MB on offer; the server must stop near 20 MB
    sent, answer = _chunked_upload(server.port, offered)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"error"' in answer and b'"hint"' in answer
    assert sent < 3 * MAX_BODY, f"the server read {sent} bytes before refusing"
    assert server.alive()


def test_a_declared_length_over_the_limit_is_refused_before_reading(server):
    # a raw socket: an HTTP client would send the length of the body it really has
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=60)
    try:
        sock.sendall((f"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n[").encode())
        answer = sock.recv(65536)
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
