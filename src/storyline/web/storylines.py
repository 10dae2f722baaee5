"""Storylines on the web: ``/api/storylines`` and ``/api/storylines/{id}`` (JSON), the storyline page (its
events as a timeline: what happened next), and the storyline a story page links to (previous and next
events). Reads only; the engine writes storylines as it assigns stories."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from storyline.errors import NotFoundError
from storyline.storage import Store
from storyline.storylines.neighbours import story_place
from storyline.web.format import id_path
from storyline.web.templating import PAGE_SIZE, templates


class StorylineOut(BaseModel):
    id: str
    stories: int  # its events
    articles: int
    first: str | None  # the span of its dated articles
    last: str | None
    headline: str  # of its biggest event
    merged_into: str | None
    copies: int = 0  # near-copies, counted once with their originals in ``articles``


class StorylineEventOut(BaseModel):
    story_id: str
    headline: str
    size: int
    languages: list[str]
    first: str | None
    last: str | None
    summary: str  # one line: the opening of the event's headline article
    copies: int = 0  # near-copies, counted once with their originals in ``size``


class StorylineList(BaseModel):
    storylines: list[StorylineOut]
    limit: int
    offset: int
    next_offset: int | None


class StorylineDetail(StorylineOut):
    events: list[StorylineEventOut]  # oldest first, undated last


api_router = APIRouter(prefix="/api", tags=["api"])
page_router = APIRouter(include_in_schema=False)
_ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": BaseModel}}


def storyline_detail(store: Store, storyline_id: str) -> dict[str, Any]:
    """A storyline and its events; NotFoundError for an unknown id."""
    line = store.get_storyline(storyline_id)
    if line is None:
        raise NotFoundError(f"no storyline {storyline_id!r}", hint="list storylines with GET /api/storylines")
    return {**asdict(line), "events": [asdict(e) for e in store.storyline_events(line.id)]}


def story_storyline(store: Store, story_id: str) -> dict[str, Any] | None:
    """The storyline of a story, with the events before and after it (None when it has none)."""
    place = story_place(store, story_id)
    return None if place is None else asdict(place)


@api_router.get("/storylines", response_model=StorylineList)
def list_storylines(request: Request, min_stories: int = Query(2, ge=1, le=10_000,
                                                                description="Only storylines of this many events"),
                    limit: int = Query(30, ge=1, le=200), offset: int = Query(0, ge=0, le=10_000_000)) -> JSONResponse:
    """Storylines (events that continue one another), the most recently dated first."""
    lines = request.app.state.storyline.store().list_storylines(min_stories=min_stories, limit=limit + 1,
                                                                 offset=offset)
    return JSONResponse({"storylines": [asdict(line) for line in lines[:limit]], "limit": limit, "offset": offset,
                         "next_offset": offset + limit if len(lines) > limit else None})


@api_router.get("/storylines/{storyline_id:path}", response_model=StorylineDetail, responses=_ERRORS)
def get_storyline(request: Request, storyline_id: str) -> JSONResponse:
    """One storyline with its events as a timeline (headline, size, languages, span, one-line summary)."""
    return JSONResponse(storyline_detail(request.app.state.storyline.store(), storyline_id))


@page_router.get("/storylines")
def storylines_page(request: Request, offset: int = Query(0, ge=0, le=10_000_000)) -> Response:
    store = request.app.state.storyline.store()
    lines = store.list_storylines(min_stories=2, limit=PAGE_SIZE + 1, offset=offset)
    return templates.TemplateResponse(request, "storylines.html", {
        "storylines": lines[:PAGE_SIZE], "more": len(lines) > PAGE_SIZE, "next_offset": offset + PAGE_SIZE})


@page_router.get("/storylines/{storyline_id:path}")
def storyline_page(request: Request, storyline_id: str) -> Response:
    detail = storyline_detail(request.app.state.storyline.store(), storyline_id)
    if detail["merged_into"]:
        return RedirectResponse(f"/storylines/{id_path(detail['merged_into'])}", status_code=307)
    return templates.TemplateResponse(request, "storyline.html", {"line": detail})
