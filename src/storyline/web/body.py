"""A request body read in pieces and refused at the size limit, whatever the client declared.

A chunked body has no Content-Length: reading it whole first (``await request.body()``) let a
600 MB upload take 1.6 GB before the limit was checked. Here reading stops at the limit.
"""

from __future__ import annotations

from starlette.requests import Request

from storyline.web.errors import RequestRefused

MAX_BODY = 20_000_000


def too_large(limit: int) -> RequestRefused:
    return RequestRefused(413, f"request body over {limit} bytes",
                          "send fewer articles per request, or use `storyline ingest FILE.jsonl` for bulk loads",
                          headers={"Connection": "close"})


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, at most ``limit`` bytes; RequestRefused(413) as soon as it is known to be bigger."""
    declared = request.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        parts.append(chunk)
    return b"".join(parts)
