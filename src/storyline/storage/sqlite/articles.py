"""Articles, their vectors and MinHash signatures in SQLite (tables ``articles``, ``vectors``, ``minhashes``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from storyline.dates import from_iso
from storyline.storage.protocol import ArticleRow
from storyline.storage.rows import ArticleSummary
from storyline.storage.sqlite.base import Connected, in_chunks
from storyline.storage.stored_form import (
    ARTICLE_COLUMNS,
    article_from_row,
    article_values,
    vector_blob,
    vector_from_blob,
)
from storyline.types import Article

_INSERT_ARTICLE = (
    "INSERT INTO articles(id, content_hash, title, text, url, source, published, lang,"
    " lang_confidence, ingested, origin, removed, extra, duplicate_of, story_id, similarity)"
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_INSERT_VECTOR = "INSERT OR REPLACE INTO vectors(article_id, encoder, vector) VALUES(?,?,?)"


class ArticleRows(Connected):
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
            [(a.id, encoder, vector_blob(v)) for a, _, _, _, v, _ in rows],
        )
        self._conn.executemany(
            "INSERT OR REPLACE INTO minhashes(article_id, signature) VALUES(?,?)",
            [(a.id, np.asarray(sig, dtype=np.uint32).tobytes()) for a, _, _, _, _, sig in rows],
        )

    def insert_vector(self, article_id: str, encoder: str, vector: np.ndarray) -> None:
        self._conn.execute(_INSERT_VECTOR, (article_id, encoder, vector_blob(vector)))

    def hash_of(self, article_id: str) -> str | None:
        found = self._conn.execute("SELECT content_hash FROM articles WHERE id=?", (article_id,)).fetchone()
        return found[0] if found else None

    def get_article(self, article_id: str) -> Article | None:
        found = self._conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id=?", (article_id,)).fetchone()
        return article_from_row(found) if found else None

    def find_article_by_url(self, url: str) -> Article | None:
        found = self._conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE url=? ORDER BY seq LIMIT 1", (url,)
        ).fetchone()
        return article_from_row(found) if found else None

    def article_meta(self, article_id: str) -> dict[str, Any] | None:
        """Story, duplicate link and similarity of one article."""
        row = self._conn.execute(
            "SELECT story_id, duplicate_of, similarity FROM articles WHERE id=?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        return {"story_id": row[0], "duplicate_of": row[1], "similarity": row[2]}

    def story_of(self, article_id: str) -> str | None:
        meta = self.article_meta(article_id)
        return meta["story_id"] if meta else None

    def get_vector(self, article_id: str) -> np.ndarray | None:
        found = self._conn.execute("SELECT vector FROM vectors WHERE article_id=?", (article_id,)).fetchone()
        return vector_from_blob(found[0]) if found else None

    def get_vectors(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for chunk, marks in in_chunks(article_ids):
            rows = self._conn.execute(
                f"SELECT article_id, vector FROM vectors WHERE article_id IN ({marks})", chunk
            )
            for article_id, blob in rows:
                found[article_id] = vector_from_blob(blob)
        return found

    def iter_minhashes(self, last: int) -> Iterator[tuple[str, np.ndarray, str | None]]:
        """The newest ``last`` signatures, oldest first, with each article's duplicate link."""
        rows = self._conn.execute(
            "SELECT * FROM (SELECT a.seq, m.article_id, m.signature, a.duplicate_of FROM minhashes m"
            " JOIN articles a ON a.id = m.article_id ORDER BY a.seq DESC LIMIT ?) ORDER BY seq",
            (last,),
        )
        for _, article_id, blob, duplicate_of in rows:
            yield article_id, np.frombuffer(blob, dtype=np.uint32), duplicate_of

    def story_articles(self, story_id: str) -> list[Article]:
        rows = self._conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE story_id=? ORDER BY seq", (story_id,)
        )
        return [article_from_row(r) for r in rows]

    def articles_of_stories(self, story_ids: Iterable[str]) -> list[tuple[str, Article]]:
        """(story id, article) of the given stories in arrival order (for rebuilding the clusterer)."""
        found: list[tuple[int, str, Article]] = []
        for chunk, marks in in_chunks(list(story_ids)):
            rows = self._conn.execute(
                f"SELECT seq, story_id, {ARTICLE_COLUMNS} FROM articles WHERE story_id IN ({marks})",
                chunk,
            )
            found.extend((r[0], r[1], article_from_row(r[2:])) for r in rows)
        found.sort(key=lambda row: row[0])  # one order across chunks, not per chunk
        return [(story_id, article) for _, story_id, article in found]

    def duplicate_links(self, story_id: str) -> dict[str, str | None]:
        rows = self._conn.execute("SELECT id, duplicate_of FROM articles WHERE story_id=?", (story_id,))
        return dict(rows.fetchall())

    def count_articles(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def article_story_pairs(self) -> list[tuple[str, str]]:
        return self._conn.execute("SELECT id, story_id FROM articles ORDER BY seq").fetchall()

    def article_summaries(self) -> list[ArticleSummary]:
        """Every article's origin, story, language, date and duplicate link, in arrival order."""
        rows = self._conn.execute(
            "SELECT id, origin, story_id, lang, published, duplicate_of FROM articles ORDER BY seq"
        )
        return [ArticleSummary(r[0], r[1], r[2], r[3], from_iso(r[4]), r[5]) for r in rows]

    def vector_encoder(self) -> str | None:
        """The encoder the stored vectors come from (None while there are none): one per database."""
        row = self._conn.execute("SELECT encoder FROM vectors LIMIT 1").fetchone()
        return row[0] if row else None

    def text_start(self, article_id: str, chars: int) -> str:
        """The first ``chars`` characters of an article's body."""
        row = self._conn.execute("SELECT substr(text, 1, ?) FROM articles WHERE id=?", (chars, article_id)).fetchone()
        return row[0] if row else ""
