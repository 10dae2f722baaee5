"""What is read back of articles, their vectors and MinHash signatures (tables ``articles``, ``vectors``,
``minhashes``): one piece of SQL for both backends. The writes, whose upserts differ, stay in each backend."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from storyline.dates import from_iso
from storyline.storage.portable import Portable
from storyline.storage.rows import ArticleSummary
from storyline.storage.stored_form import ARTICLE_COLUMNS, article_from_row, vector_from_blob
from storyline.types import Article


class ArticleReads(Portable):
    def hashes_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The content hash of each stored article among ``article_ids`` (the others are left out): a batch's
        id checks in one statement, not one a record."""
        found: dict[str, str] = {}
        for among, params in self.ids_in("id", list(dict.fromkeys(article_ids))):
            found.update(self.run(f"SELECT id, content_hash FROM articles WHERE {among}", params).fetchall())
        return found

    def lead_of(self, article_id: str, chars: int) -> tuple[str, str] | None:
        """(Title, the body's first ``chars`` characters) of one article."""
        found = self.run("SELECT title, substr(text, 1, ?) FROM articles WHERE id=?", (chars, article_id)).fetchone()
        return (found[0] or "", found[1] or "") if found else None

    def get_article(self, article_id: str) -> Article | None:
        found = self.run(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id=?", (article_id,)).fetchone()
        return article_from_row(found) if found else None

    def find_article_by_url(self, url: str) -> Article | None:
        found = self.run(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE url=? ORDER BY seq LIMIT 1", (url,)).fetchone()
        return article_from_row(found) if found else None

    def article_meta(self, article_id: str) -> dict[str, Any] | None:
        """Story, duplicate link and similarity of one article."""
        row = self.run("SELECT story_id, duplicate_of, similarity FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None:
            return None
        return {"story_id": row[0], "duplicate_of": row[1], "similarity": row[2]}

    def story_of(self, article_id: str) -> str | None:
        meta = self.article_meta(article_id)
        return meta["story_id"] if meta else None

    def get_vector(self, article_id: str) -> np.ndarray | None:
        found = self.run("SELECT vector FROM vectors WHERE article_id=?", (article_id,)).fetchone()
        return vector_from_blob(found[0]) if found else None

    def get_vectors(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for among, params in self.ids_in("article_id", article_ids):
            for article_id, blob in self.run(f"SELECT article_id, vector FROM vectors WHERE {among}", params):
                found[article_id] = vector_from_blob(blob)
        return found

    def iter_minhashes(self, last: int) -> Iterator[tuple[str, np.ndarray, str | None]]:
        """The newest ``last`` signatures, oldest first, with each article's duplicate link."""
        rows = self.run(
            "SELECT * FROM (SELECT a.seq, m.article_id, m.signature, a.duplicate_of FROM minhashes m"
            " JOIN articles a ON a.id = m.article_id ORDER BY a.seq DESC LIMIT ?) AS newest ORDER BY seq",
            (last,),
        ).fetchall()
        for _, article_id, blob, duplicate_of in rows:
            yield article_id, np.frombuffer(blob, dtype=np.uint32), duplicate_of

    def story_articles(self, story_id: str) -> list[Article]:
        rows = self.run(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE story_id=? ORDER BY seq", (story_id,))
        return [article_from_row(r) for r in rows]

    def articles_of_stories(self, story_ids: Iterable[str]) -> list[tuple[str, Article]]:
        """(story id, article) of the given stories in arrival order (for rebuilding the clusterer)."""
        found: list[tuple[int, str, Article]] = []
        for among, params in self.ids_in("story_id", list(story_ids)):
            rows = self.run(f"SELECT seq, story_id, {ARTICLE_COLUMNS} FROM articles WHERE {among}", params)
            found.extend((r[0], r[1], article_from_row(r[2:])) for r in rows)
        found.sort(key=lambda row: row[0])  # one order across statements, not per statement
        return [(story_id, article) for _, story_id, article in found]

    def duplicate_links(self, story_id: str) -> dict[str, str | None]:
        rows = self.run("SELECT id, duplicate_of FROM articles WHERE story_id=?", (story_id,))
        return {article_id: duplicate_of for article_id, duplicate_of in rows}

    def count_articles(self) -> int:
        return int(self.run("SELECT COUNT(*) FROM articles").fetchone()[0])

    def article_story_pairs(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.run("SELECT id, story_id FROM articles ORDER BY seq")]

    def article_summaries(self) -> list[ArticleSummary]:
        """Every article's origin, story, language, date and duplicate link, in arrival order."""
        rows = self.run("SELECT id, origin, story_id, lang, published, duplicate_of FROM articles ORDER BY seq")
        return [ArticleSummary(r[0], r[1], r[2], r[3], from_iso(r[4]), r[5]) for r in rows]

    def vector_encoder(self) -> str | None:
        """The encoder the stored vectors come from (None while there are none): one per database."""
        row = self.run("SELECT encoder FROM vectors LIMIT 1").fetchone()
        return row[0] if row else None

    def text_start(self, article_id: str, chars: int) -> str:
        """The first ``chars`` characters of an article's body."""
        row = self.run("SELECT substr(text, 1, CAST(? AS INTEGER)) FROM articles WHERE id=?",
                       (chars, article_id)).fetchone()
        return row[0] if row else ""
