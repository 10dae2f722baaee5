"""The JSON API under /api: stories, articles, comparisons, ingest. Documented at /docs."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from storyline.web import schemas, views
from storyline.web.body import MAX_BODY, read_body
from storyline.web.queries import story_filter, story_list

router = APIRouter(prefix="/api", tags=["api"])
_ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": schemas.ErrorOut} for status in (400, 404, 500)}
_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": schemas.ErrorOut} for status in (400, 401, 403, 409, 413, 415, 422, 500)
}
_ARTICLE_IN = schemas.ArticleIn.model_json_schema()
_POST_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {
        "anyOf": [_ARTICLE_IN, {"type": "array", "items": _ARTICLE_IN, "maxItems": views.MAX_ITEMS}]
    }}},
}


Sort = Literal["relevance", "recent", "latest", "size"]


MAX_BRIEF_WAIT = 120.0  # seconds a client may ask GET /api/stories/{id} to wait for a brief


# The list and version endpoints are async on purpose: their one indexed query takes well under a
# millisecond, cheaper than the hop to a worker thread. Only a stale search index goes to a thread.
@router.get("/stories", response_model=schemas.StoryPage, responses=_ERRORS)
async def list_stories(
    request: Request,
    q: str = Query("", max_length=500, description="What to find, in any language: by meaning (the query's "
                   "vector against each story's) and by words (all of them in one of its articles)"),
    lang: list[str] = Query([], description="ISO 639-1 codes; a story matches if it has any of them"),
    source: list[str] = Query([], description="Source names; a story matches if it has any of them"),
    since: str | None = Query(None, description="ISO date: stories seen on or after it"),
    until: str | None = Query(None, description="ISO date: stories that began on or before it"),
    sort: Sort | None = Query(None, description="relevance (the default with q): best match first; recent (the "
                              "default without): newest day, then biggest; latest; size"),
    limit: int = Query(30, ge=1, le=200),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> JSONResponse:
    """Stories matching the filters, one page at a time: newest and biggest first, or best match first
    for a search (``q``), which also answers each story's ``score``, ``cosine`` and ``text_rank``."""
    state = request.app.state.storyline
    f = story_filter(q, lang, source, since, until, sort, limit, offset)
    if f.q:  # encoding the query and a stale index are work for a thread
        stories, more = await run_in_threadpool(story_list, state, f)
    else:
        stories, more = story_list(state, f)
    return JSONResponse({
        "stories": stories, "limit": limit, "offset": offset,
        "next_offset": offset + limit if more else None, "version": state.store().content_version(),
    })


@router.get("/stories/{story_id:path}", response_model=schemas.StoryDetail, responses=_ERRORS)
def get_story(request: Request, story_id: str,
              lang: str | None = Query(None, description="Preferred language of the brief"),
              wait: float = Query(0, ge=0, le=MAX_BRIEF_WAIT, description="Seconds to wait for a brief that is "
                                  "still being built (default: answer at once, with brief_status pending)"),
              ) -> JSONResponse:
    """One story with its articles and its brief (summary, entities, quote groups, claims, timeline) when it
    is built; a brief not built yet is built in the background (``brief_status``: ``pending``)."""
    detail = views.story_detail(request.app.state.storyline, story_id, lang=lang, wait=wait)
    return JSONResponse(views.story_json(detail))


@router.get("/articles/{article_id:path}", response_model=schemas.ArticleOut, responses=_ERRORS)
def get_article(request: Request, article_id: str) -> JSONResponse:
    """One article: cleaned text, metadata, its story, and the lines the cleaner removed."""
    return JSONResponse(views.article_detail(request.app.state.storyline, article_id))


@router.get("/compare", response_model=schemas.CompareOut, responses=_ERRORS)
def compare(request: Request, a: str = Query(..., description="An article id"),
            b: str = Query(..., description="Another article id")) -> JSONResponse:
    """How similar two stored articles are, on the SemEval-2022 Task 8 scale (1 same … 4 unrelated)."""
    return JSONResponse(views.compare_articles(request.app.state.storyline, a, b))


@router.get("/version", response_model=schemas.VersionOut)
async def get_version(request: Request) -> JSONResponse:
    """A number that grows when articles arrive: poll it to know when to refresh."""
    return JSONResponse({"version": request.app.state.storyline.store().content_version()})


@router.post("/articles", response_model=schemas.IngestOut, responses=_WRITE_ERRORS,
             openapi_extra={"requestBody": _POST_BODY})
async def post_articles(request: Request) -> JSONResponse:
    """Ingest one article or a list (the fields of a JSONL input line); answers with the assignments."""
    body = await read_body(request, MAX_BODY)  # streamed: stops at the limit, chunked or not
    items = views.parse_items(body)
    state = request.app.state.storyline
    host = request.client.host if request.client else "api"
    result = await run_in_threadpool(views.ingest_items, state, items, f"api:{host}")
    if not result["ingested"] and not result["already_stored"]:
        first = result["rejected"][0] if result["rejected"] else {"item": None, "reason": "?", "detail": ""}
        detail = f" ({first['detail']})" if first["detail"] else ""
        return JSONResponse({
            "error": f"no article was ingested: item {first['item']}: {first['reason']}{detail}",
            "hint": "each article needs a title, text or html with enough words", **result,
        }, status_code=422)
    return JSONResponse(result)
