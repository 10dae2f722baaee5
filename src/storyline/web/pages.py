"""The pages people read: the story list (with search and live updates), a story with its brief, an article."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from storyline.web import views
from storyline.web.format import id_path
from storyline.web.queries import story_filter, story_list
from storyline.web.templating import PAGE_SIZE, reading_language, templates

router = APIRouter(include_in_schema=False)
POLL_MS = 4000
# the page's order menu: "" is its default (best match when searching, else newest and biggest first)
PageSort = Literal["", "relevance", "recent", "latest", "size"]


def _list_context(request: Request, q: str, lang: list[str], source: list[str], since: str | None,
                  until: str | None, sort: str | None, offset: int) -> dict[str, Any]:
    state = request.app.state.storyline
    f = story_filter(q, lang, source, since, until, sort, PAGE_SIZE, offset)
    stories, more = story_list(state, f)
    store = state.store()
    return {"stories": stories, "filter": f, "more": more, "version": store.content_version(),
            "next_offset": offset + PAGE_SIZE, "poll_ms": request.app.state.poll_ms}


@router.get("/")
def index(request: Request, q: str = Query("", max_length=500), lang: list[str] = Query([]),
          source: list[str] = Query([]), since: str | None = None, until: str | None = None,
          sort: PageSort | None = None, offset: int = Query(0, ge=0, le=10_000_000)) -> Response:
    context = _list_context(request, q, lang, source, since, until, sort, offset)
    context["langs"], context["sources"] = request.app.state.storyline.store().known_values()
    return templates.TemplateResponse(request, "index.html", context)


@router.get("/partials/stories")
def story_items(request: Request, q: str = Query("", max_length=500), lang: list[str] = Query([]),
                source: list[str] = Query([]), since: str | None = None, until: str | None = None,
                sort: PageSort | None = None, offset: int = Query(0, ge=0, le=10_000_000)) -> Response:
    """The list items alone, for the page's live refresh and search-as-you-type."""
    context = _list_context(request, q, lang, source, since, until, sort, offset)
    response = templates.TemplateResponse(request, "_stories.html", context)
    response.headers["X-Storyline-Version"] = str(context["version"])
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/stories/{story_id:path}")
def story_page(request: Request, story_id: str, lang: str | None = Query(None, max_length=12)) -> Response:
    """A story with its brief as far as it is built (the rest is marked as coming; the page never waits)."""
    chosen = reading_language(request, lang)
    detail = views.story_detail(request.app.state.storyline, story_id, lang=chosen)
    if detail["merged_into"]:
        return RedirectResponse(f"/stories/{id_path(detail['merged_into'])}", status_code=307)
    langs = sorted({*detail["languages"], *([chosen] if chosen else [])})
    return templates.TemplateResponse(request, "story.html", {
        "story": detail, "brief": detail["brief"], "reading_lang": chosen, "reading_langs": langs})


@router.get("/articles/{article_id:path}")
def article_page(request: Request, article_id: str) -> Response:
    article = views.article_detail(request.app.state.storyline, article_id)
    return templates.TemplateResponse(request, "article.html", {"article": article})


@router.get("/docs")
def api_docs(request: Request) -> Response:
    """The OpenAPI description as a readable page (served locally; /openapi.json is the machine form)."""
    spec = request.app.openapi()
    return templates.TemplateResponse(request, "docs.html", {"spec": spec})
