"""Coverage and entities on the web: ``/api/coverage/{story id}``, ``/api/entities/{key}`` (JSON) and the
entity page ``/entities/{key}`` (its stories across languages, with its merged spellings). The story page
and ``/api/stories/{id}`` carry the coverage too (``views.story_detail``). Reads only."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from storyline.coverage import Coverage, coverage_to_dict, story_coverage
from storyline.coverage.entities import EntityPage, EntityStory, entity_page
from storyline.errors import NotFoundError
from storyline.web.schemas import ErrorOut
from storyline.web.state import AppState
from storyline.web.templating import reading_language, templates

api_router = APIRouter(prefix="/api", tags=["api"])
page_router = APIRouter(include_in_schema=False)


_ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorOut} for status in (400, 404, 500)}


def coverage_for(state: AppState, story_id: str) -> Coverage:
    """The coverage of a story (a merged one: of the story its articles joined). Raises NotFoundError."""
    store = state.store()
    if store.story_row(story_id) is None:
        raise NotFoundError(f"no story {story_id!r}", hint="list stories with GET /api/stories")
    return story_coverage(store, store.final_story(story_id))


def entity_for(state: AppState, key: str, lang: str | None = None) -> EntityPage:
    """The stories that name an entity (``key`` as a story's brief gives it), titled for a reader of
    ``lang``. Raises NotFoundError."""
    state.sync_search()  # the page finds candidate stories by text search
    found = entity_page(state.store(), key, lang)
    if found is None:
        raise NotFoundError(f"no story names the entity {key!r}",
                            hint="entity keys are the `key` of a brief's entities (GET /api/stories/{id})")
    return found


class EntityOut(BaseModel):
    key: str
    name: str  # a proper name, in the reading language (?lang=) when its stories use one, else the most used
    kind: str  # place, org, topic or name
    forms: list[str]  # every spelling merged into it, most used first
    languages: list[str]  # the languages of the articles that name it
    stories: list[EntityStory]  # newest first, undated last
    checked: int  # candidate stories read (best text matches first)


@api_router.get("/coverage/{story_id:path}", response_model=Coverage, responses=_ERRORS)
def get_coverage(request: Request, story_id: str) -> JSONResponse:
    """A story's coverage: sources by language, originals and the near-copies credited to them (copies
    counted once in every total), who reported first, articles over time by language (``chart``), and
    the sources active in its window that did not carry it (``blind_spots``)."""
    return JSONResponse(coverage_to_dict(coverage_for(request.app.state.storyline, story_id)))


@api_router.get("/entities/{key:path}", response_model=EntityOut, responses=_ERRORS)
async def get_entity(request: Request, key: str, lang: str | None = Query(None, max_length=12)) -> JSONResponse:
    """The stories that name an entity, across languages, with every spelling merged into it; ``lang``
    (a language code) names it as that language's articles do, when they name it."""
    chosen = reading_language(request, lang) if lang is not None else None  # the API reads no cookie
    found = await run_in_threadpool(entity_for, request.app.state.storyline, key, chosen)
    return JSONResponse(asdict(found))


@page_router.get("/entities/{key:path}")
async def entity_view(request: Request, key: str, lang: str | None = Query(None, max_length=12)) -> Response:
    """An entity's page, titled in the reading language (``?lang=``, else the language menu's choice)."""
    chosen = reading_language(request, lang)
    found = await run_in_threadpool(entity_for, request.app.state.storyline, key, chosen)
    langs = sorted({*found.languages, *([chosen] if chosen else [])})
    return templates.TemplateResponse(request, "entity.html",
                                      {"entity": found, "reading_lang": chosen, "reading_langs": langs})
