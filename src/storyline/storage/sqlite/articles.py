"""Articles, their vectors and MinHash signatures written in SQLite (tables ``articles``, ``vectors``,
``minhashes``); what is read back is shared with PostgreSQL (storage.portable.articles)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.storage.portable.articles import ArticleReads
from storyline.storage.protocol import ArticleRow
from storyline.storage.sqlite.base import Connected
from storyline.storage.stored_form import (
    article_values,
    vector_blob,
    vector_blobs,
)
from storyline.types import Article

_INSERT_ARTICLE = (
    "INSERT INTO articles(id, content_hash, title, text, url, source, published, lang,"
    " lang_confidence, ingested, origin, removed, extra, duplicate_of, story_id, similarity)"
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_INSERT_VECTOR = "INSERT OR REPLACE INTO vectors(article_id, encoder, vector) VALUES(?,?,?)"


class ArticleRows(Connected, ArticleReads):
    """The writes; the reads are shared (storage.portable.articles)."""

    def insert_article(
        self, article: Article, *, story_id: str, similarity: float, duplicate_of: str | None
    ) -> None:
        self._conn.execute(_INSERT_ARTICLE, article_values(article, story_id, similarity, duplicate_of))

    def insert_articles(self, rows: Sequence[ArticleRow], encoder: str) -> None:
        """Insert many (article, story id, similarity, duplicate_of, vector, MinHash signature)
        rows with one statement per table (``executemany``): a batch costs far fewer round trips."""
        self._conn.executemany(
            _INSERT_ARTICLE, [article_values(a, story, sim, dup) for a, story, sim, dup, _, _ in rows]
        )
        self._conn.executemany(
            _INSERT_VECTOR,
            [(a.id, encoder, blob) for (a, *_), blob in zip(rows, vector_blobs([r[4] for r in rows]), strict=True)],
        )
        self._conn.executemany(
            "INSERT OR REPLACE INTO minhashes(article_id, signature) VALUES(?,?)",
            [(a.id, np.asarray(sig, dtype=np.uint32).tobytes()) for a, _, _, _, _, sig in rows],
        )

    def insert_vector(self, article_id: str, encoder: str, vector: np.ndarray) -> None:
        self._conn.execute(_INSERT_VECTOR, (article_id, encoder, vector_blob(vector)))
