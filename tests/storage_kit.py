"""Small writers the storage contract tests share: an article with defaults, a story with stored members."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from storyline.storage import Store, to_iso
from storyline.types import Article


def make_article(article_id: str, **kw) -> Article:
    base = dict(id=article_id, title=f"Title {article_id}", text="Body text here.", lang="en",
                content_hash=f"h-{article_id}", origin=f"test:{article_id}",
                ingested=datetime(2026, 3, 1, tzinfo=UTC))
    base.update(kw)
    return Article(**base)


def add_to_story(store: Store, story_id: str, seq: int, *articles: Article, encoder: str = "test") -> None:
    """Store ``articles`` in a story (created if new), each with a vector and a signature."""
    with store.transaction():
        store.create_story(story_id, seq)
        store.insert_articles(
            [(a, story_id, 1.0, None, np.full(4, n + 1, dtype=np.float32), np.arange(8, dtype=np.uint32) + n)
             for n, a in enumerate(articles)], encoder)
        store.grow_story(story_id, [(a.lang, a.source, to_iso(a.published or a.ingested)) for a in articles])
