"""The web app factory: JSON API under /api (OpenAPI at /docs), pages for people, static files served locally."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from storyline import __version__
from storyline.embed.base import Encoder
from storyline.web import api, coverage, errors, feeds, pages, storylines, templating, views
from storyline.web.guard import Guard
from storyline.web.state import AppState

log = logging.getLogger("storyline.web")
STATIC = Path(__file__).parent / "static"
# Pages load only their own script and styles: a stored article field can never run script here.
CONTENT_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def create_app(db_path: str | Path, encoder: Encoder | None = None, *, poll_ms: int = pages.POLL_MS,
               warm_up: bool = False, bind: str = "127.0.0.1", token: str | None = None) -> FastAPI:
    """An app over the database at ``db_path`` (created if missing).

    ``encoder`` serves briefs, comparisons and ingest (default: the one settings name, loaded on
    first need); ``warm_up`` loads it and fills the search index in the background at start-up, and
    keeps the briefs of the story list's first page built as articles arrive (from any process).
    ``poll_ms`` is how often open pages check for new stories. ``bind`` is the address served (on
    loopback only loopback Host names are answered) and ``token``, when given, is needed for every
    write (see ``web/guard.py``).
    """
    state = AppState(db_path, encoder)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        if warm_up:
            threading.Thread(target=_warm_up, args=(state,), name="storyline-warm-up", daemon=True).start()
            threading.Thread(target=views.watch_for_briefs, args=(state, stop), name="storyline-brief-watch",
                             daemon=True).start()
        yield
        stop.set()
        state.close()

    app = FastAPI(
        title="Storyline", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
        description="Multilingual news stories: list and search them, read their briefs, compare "
                    "articles, and ingest new ones. Errors are JSON objects with `error` and `hint`.",
    )
    app.state.storyline = state
    app.state.poll_ms = poll_ms

    # innermost middleware, so its refusals get the headers below too; it runs before any body is read
    app.add_middleware(Guard, bind=bind, token=token)

    @app.middleware("http")
    async def security_headers(request, call_next):
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    app.add_middleware(HeadAsGet)
    errors.install(app, templating.templates)
    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(storylines.api_router)
    app.include_router(storylines.page_router)
    app.include_router(coverage.api_router)
    app.include_router(coverage.page_router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app


def _warm_up(state: AppState) -> None:
    """Fill the search index and load the encoder so the first search or brief is quick."""
    try:
        added = state.sync_search()
        if added:
            log.info("search index: %d articles added", added)
        state.encoder.encode(["warm up"])
    except Exception:  # a failed warm-up only means the first request does the work
        log.exception("warm-up failed")


class HeadAsGet:
    """Answer HEAD like GET without the body (monitors and `curl -I` use it; FastAPI routes are GET only)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
