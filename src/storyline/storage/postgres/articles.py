"""Articles, their vectors and MinHash signatures written in PostgreSQL (tables ``articles``, ``vectors``,
``minhashes``); vectors and signatures are stored as in SQLite (``stored_form``: float16, uint32 bytes), and
what is read back is shared with it (storage.portable.articles)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.storage.portable.articles import ArticleReads
from storyline.storage.postgres.base import Connected
from storyline.storage.protocol import ArticleRow
from storyline.storage.stored_form import (
    article_values,
    vector_blob,
    vector_blobs,
)
from storyline.types import Article

_INSERT_ARTICLE = (
    "INSERT INTO articles(id, content_hash, title, text, url, source, published, lang,"
    " lang_confidence, ingested, origin, removed, extra, duplicate_of, story_id, similarity)"
    " VALUES(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
)
_INSERT_VECTOR = (
    "INSERT INTO vectors(article_id, encoder, vector) VALUES(%s,%s,%s)"
    " ON CONFLICT (article_id) DO UPDATE SET encoder = excluded.encoder, vector = excluded.vector"
)


class ArticleRows(Connected, ArticleReads):
    """The writes; the reads are shared (storage.portable.articles)."""

    def insert_article(
        self, article: Article, *, story_id: str, similarity: float, duplicate_of: str | None
    ) -> None:
        self._conn.execute(_INSERT_ARTICLE, article_values(article, story_id, similarity, duplicate_of))

    def insert_articles(self, rows: Sequence[ArticleRow], encoder: str) -> None:
        """Insert many rows with one pipelined ``executemany`` per table: a batch costs few round trips."""
        with self._conn.cursor() as cur:
            cur.executemany(
                _INSERT_ARTICLE, [article_values(a, story, sim, dup) for a, story, sim, dup, _, _ in rows]
            )
            cur.executemany(
                _INSERT_VECTOR,
                [(a.id, encoder, blob) for (a, *_), blob in zip(rows, vector_blobs([r[4] for r in rows]), strict=True)],
            )
            cur.executemany(
                "INSERT INTO minhashes(article_id, signature) VALUES(%s,%s)"
                " ON CONFLICT (article_id) DO UPDATE SET signature = excluded.signature",
                [(a.id, np.asarray(sig, dtype=np.uint32).tobytes()) for a, _, _, _, _, sig in rows],
            )

    def insert_vector(self, article_id: str, encoder: str, vector: np.ndarray) -> None:
        self._conn.execute(_INSERT_VECTOR, (article_id, encoder, vector_blob(vector)))
