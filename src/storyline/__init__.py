"""Storyline: a local-first multilingual news story engine.

Articles in (files, feeds, stdin), stories and briefs out. The function-first API::

    import storyline
    report = storyline.ingest(["news.jsonl"], db="news.db")
    for story in storyline.stories(db="news.db")[:5]:
        print(story.id, story.size, story.headline)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from storyline.errors import InputError, NotFoundError, StorylineError
from storyline.types import Article, Assignment, Brief, PairScore, RawRecord, Rejection, Story

if TYPE_CHECKING:
    from storyline.story_search import SearchHit

__version__ = "0.1.0"

__all__ = [
    "Article", "Assignment", "Brief", "Engine", "InputError", "NotFoundError", "PairScore",
    "RawRecord", "Rejection", "Story", "StorylineError", "brief", "compare", "ingest", "search", "stories",
    "story",
]


def ingest(paths: Sequence[str] | str, *, db: str = "storyline.db", strict: bool = False, **settings):
    """Ingest JSONL files / folders (one path or a list) into ``db``; returns the IngestReport."""
    from storyline.engine import Engine
    from storyline.settings import Settings

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    config = Settings.load(db=db, **settings)
    with Engine(config.db, settings=config) as engine:
        return engine.ingest_paths([os.fspath(p) for p in paths], strict=strict)


_NO_DATABASE = "ingest first: storyline.ingest([...], db=...)"


def stories(*, db: str = "storyline.db", limit: int | None = None) -> list[Story]:
    """Stories in ``db``, newest first; ``size`` counts a near-copy once, with its original (``copies``: how many)."""
    from storyline.coverage.counts import counted_stories
    from storyline.storage import open_existing

    store = open_existing(db, _NO_DATABASE)
    try:
        return counted_stories(store, store.list_stories(limit=limit))
    finally:
        store.close()


def search(query: str, *, db: str = "storyline.db", lang: str | None = None, since: datetime | str | None = None,
           limit: int | None = 20) -> list[SearchHit]:
    """Stories about ``query`` in any language, best first: by meaning (the query's vector against each
    story's centroid) and by words (full text), fused by reciprocal rank (see ``storyline.story_search``).
    ``lang``: only stories with an article in that language; ``since``: seen on or after (ISO date or datetime)."""
    from storyline.story_search import search_database

    if isinstance(since, str):
        from storyline.web.queries import parse_when

        since = parse_when(since)
    return search_database(query, db=db, lang=lang, since=since, limit=limit, hint=_NO_DATABASE)


def story(story_id: str, *, db: str = "storyline.db") -> Story:
    """One story with its article ids (near-copies included); ``size`` counts a near-copy once (``copies``: how
    many); NotFoundError when absent."""
    from storyline.coverage.counts import counted_stories
    from storyline.storage import open_existing

    store = open_existing(db, _NO_DATABASE)
    try:
        found = store.get_story(story_id)
        found = counted_stories(store, [found])[0] if found is not None else None
    finally:
        store.close()
    if found is None:
        raise NotFoundError(f"no story {story_id!r} in {db}", hint="list them with storyline.stories()")
    return found


def brief(story_id: str, *, db: str = "storyline.db", lang: str | None = None) -> Brief:
    """The brief of one story: headline, summary, entities, quote groups, single-source claims."""
    from storyline.briefs import brief as build

    return build(story_id, db=db, lang=lang, hint=_NO_DATABASE)


def compare(text_a: str, text_b: str, **options) -> PairScore:
    """How similar two articles are on the SemEval 1–4 scale, with the evidence (see similarity.compare)."""
    from storyline.similarity import compare as score

    return score(text_a, text_b, **options)


def __getattr__(name: str):
    if name == "Engine":
        from storyline.engine import Engine

        return Engine
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")
