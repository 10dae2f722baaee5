"""Feeds out: Atom 1.0 and JSON Feed 1.1 of any search and of any story, under /feeds.

- ``/feeds/search.atom?q=…&lang=…`` (and ``.json``): the stories the search finds (storyline.story_search),
  latest update first. Each entry is a story *at its size*: its id carries the size, so a story that grows
  comes back as a new entry and a feed reader shows it again.
- ``/feeds/story/{id}.atom`` (and ``.json``): the story at its size, with its brief's summary, then its
  articles newest first, one entry each.

The summary of a search entry is what is cheap: the brief's summary when the app has that brief cached
(someone opened the story since it last changed), else the headline with the story's size, languages and
sources; a brief is never built for a search feed (one is seconds for a big story). A story feed asks for
its one brief, as the story page does, and shows it once the brief worker has built it (web/briefing.py).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from storyline.coverage.counts import size_label
from storyline.dates import to_iso, utcnow
from storyline.errors import NotFoundError
from storyline.story_search import ordered
from storyline.types import Brief
from storyline.web import views
from storyline.web.format import id_path
from storyline.web.queries import split_values, story_filter

router = APIRouter(prefix="/feeds", tags=["feeds"])
ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"
ENTRIES = 50  # stories in a search feed; articles in a story feed
# characters XML 1.0 cannot hold at all (a stored title may carry them): dropped from every text
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, whatever its format."""

    id: str
    title: str
    link: str
    updated: str
    summary: str
    published: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Feed:
    """A feed: its identity, its links (``self_url`` the feed, ``page`` the page it follows), its entries."""

    id: str
    title: str
    self_url: str
    page: str
    updated: str
    entries: tuple[FeedEntry, ...]


def _text(value: Any) -> str:
    return _NOT_XML.sub("", str(value or ""))


def to_atom(feed: Feed) -> bytes:
    """The feed as an Atom 1.0 document (RFC 4287)."""
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = _text(text)
        return element

    root = ET.Element(f"{{{ATOM}}}feed")
    add(root, "id", feed.id)
    add(root, "title", feed.title)
    add(root, "updated", feed.updated)
    add(root, "link", rel="self", href=feed.self_url, type="application/atom+xml")
    add(root, "link", rel="alternate", href=feed.page, type="text/html")
    add(add(root, "author"), "name", "Storyline")
    add(root, "generator", "Storyline")
    for entry in feed.entries:
        item = add(root, "entry")
        add(item, "id", entry.id)
        add(item, "title", entry.title or "(untitled)")
        add(item, "updated", entry.updated)
        if entry.published:
            add(item, "published", entry.published)
        add(item, "link", rel="alternate", href=entry.link, type="text/html")
        add(item, "summary", entry.summary, type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def to_json_feed(feed: Feed) -> bytes:
    """The feed as a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1)."""
    items = []
    for entry in feed.entries:
        item = {"id": entry.id, "url": entry.link, "title": _text(entry.title), "content_text": _text(entry.summary),
                "date_modified": entry.updated}
        if entry.published:
            item["date_published"] = entry.published
        if entry.language:
            item["language"] = entry.language
        items.append(item)
    document = {"version": "https://jsonfeed.org/version/1.1", "title": feed.title, "home_page_url": feed.page,
                "feed_url": feed.self_url, "authors": [{"name": "Storyline"}], "items": items}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _tag(request: Request, kind: str, *parts: str) -> str:
    """A permanent entry or feed id (an RFC 4151 tag URI) under this server's host."""
    host = request.url.hostname or "localhost"
    return f"tag:{host},2026:{kind}/" + "/".join(id_path(p) for p in parts)


def story_summary(story: dict[str, Any], brief: Brief | None) -> str:
    """What an entry says of a story: its brief's summary when there is one, else its size, languages, sources."""
    if brief is not None and brief.summary:
        return " ".join(sentence.text for sentence in brief.summary)
    sources = story.get("sources") or []
    more = f" and {len(sources) - 4} more" if len(sources) > 4 else ""
    size = size_label(story.get("size", 0), story.get("copies") or 0)
    return (f"{size} in {', '.join(story.get('languages') or []) or '?'}"
            + (f" from {', '.join(sources[:4])}{more}" if sources else "") + ".")


def _story_entry(request: Request, story: dict[str, Any], brief: Brief | None) -> FeedEntry:
    base = str(request.base_url).rstrip("/")
    headline = (brief.headline if brief is not None and brief.headline else story.get("headline")) or story["id"]
    return FeedEntry(
        id=_tag(request, "story", story["id"], str(story["size"])),
        title=f"{headline} ({size_label(story['size'], story.get('copies') or 0)})",
        link=f"{base}/stories/{id_path(story['id'])}",
        updated=story.get("updated") or to_iso(utcnow()) or "",
        published=story.get("first_published"),
        summary=story_summary(story, brief),
    )


def _respond(feed: Feed, fmt: str) -> Response:
    if fmt == "json":
        return Response(to_json_feed(feed), media_type=JSON_FEED_TYPE)
    return Response(to_atom(feed), media_type=ATOM_TYPE)


def _newest(entries: list[FeedEntry]) -> str:
    return max((e.updated for e in entries), default=None) or to_iso(utcnow()) or ""


def search_feed(request: Request, q: str, lang: list[str], fmt: str) -> Response:
    state = request.app.state.storyline
    f = story_filter(q, lang, [], None, None, "latest", ENTRIES, 0)
    hits = ordered(state.search(f), "latest")[:ENTRIES]
    entries = [_story_entry(request, hit.row, state.brief_if_cached(hit.row)) for hit in hits]
    base = str(request.base_url).rstrip("/")
    langs = split_values(lang)
    title = f"Storyline: stories about “{q.strip()}”" + (f" in {', '.join(langs)}" if langs else "")
    page = f"{base}/?{request.url.query}" if request.url.query else f"{base}/"
    return _respond(Feed(_tag(request, "search", q.strip(), ",".join(langs)), title, str(request.url), page,
                         _newest(entries), tuple(entries)), fmt)


@router.get("/search.atom")
def search_atom(request: Request, q: str = Query(..., min_length=1, max_length=500),
                lang: list[str] = Query([])) -> Response:
    """Atom 1.0 feed of a search: each story found, as it is now (a grown story is a new entry)."""
    return search_feed(request, q, lang, "atom")


@router.get("/search.json")
def search_json(request: Request, q: str = Query(..., min_length=1, max_length=500),
                lang: list[str] = Query([])) -> Response:
    """JSON Feed 1.1 of a search (as ``/feeds/search.atom``)."""
    return search_feed(request, q, lang, "json")


@router.get("/story/{name:path}")
def story_feed(request: Request, name: str, lang: str | None = None) -> Response:
    """Atom 1.0 (``{id}.atom``) or JSON Feed 1.1 (``{id}.json``) of one story: the story at its size with its
    brief's summary, then its articles newest first."""
    story_id, dot, fmt = name.rpartition(".")
    if not dot or fmt not in ("atom", "json") or not story_id:
        raise NotFoundError(f"no feed {name!r}", hint="ask for /feeds/story/{id}.atom or /feeds/story/{id}.json")
    state = request.app.state.storyline
    detail = views.story_detail(state, story_id, lang=lang)
    if detail["merged_into"]:
        return RedirectResponse(f"/feeds/story/{id_path(detail['merged_into'])}.{fmt}", status_code=307)
    base = str(request.base_url).rstrip("/")
    entries = [_story_entry(request, detail, detail["brief"])]
    articles = sorted(detail["articles"], key=lambda a: a["time"] or "", reverse=True)[:ENTRIES]
    for article in articles:
        entries.append(FeedEntry(
            id=_tag(request, "article", article["id"]), title=article["title"] or article["id"],
            link=f"{base}/articles/{id_path(article['id'])}", updated=article["time"] or detail["updated"],
            published=article["time"], language=article["lang"],
            summary=f"{article['source'] or 'unknown source'} ({article['lang']})"
                    + (f": {article['url']}" if article["url"] else ""),
        ))
    title = f"Storyline: {entries[0].title}"
    page = f"{base}/stories/{id_path(story_id)}"
    return _respond(Feed(_tag(request, "story-feed", story_id), title, str(request.url), page, _newest(entries),
                         tuple(entries)), fmt)
