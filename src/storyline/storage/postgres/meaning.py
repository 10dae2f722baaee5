"""Ranked search in PostgreSQL: the stories' centroids (``story_vectors``) kept up to date, and stories
ranked by text relevance (``ts_rank`` over ``article_search``: how often the words occur, against the
article's length; SQLite ranks by BM25, a relative of it); the centroids are read by storage.portable.meaning.

``story_vectors`` holds, per story, the sum of its members' (unit) vectors and their count. It is filled
lazily, like the text index: ``sync_search`` adds the vectors of articles past the ``story_vectors``
counter (an article ``seq``) to their stories' sums, then folds the sums of stories merged away since
into the story their articles went to. The engine never writes it, so ingest pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.storage.portable.meaning import MeaningReads
from storyline.storage.postgres.connect import LOCK_SEARCH, lock_key
from storyline.storage.postgres.search import SearchRows, ts_query
from storyline.storage.rows import StoryFilter
from storyline.storage.stored_form import sums_by_story

SYNCED = "story_vectors"  # the counter: the last article seq whose vector is in its story's sum


class MeaningRows(SearchRows, MeaningReads):
    def sync_search(self, batch: int = 5000) -> int:
        """Bring text search and the story centroids up to date; returns articles added to text search."""
        added = super().sync_search(batch)
        while self._sync_story_vectors(batch) == batch:
            pass
        return added

    def _sync_story_vectors(self, batch: int) -> int:
        """Add the next ``batch`` articles' vectors to their stories' sums (one transaction, one process
        at a time); how many."""
        with self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", lock_key(LOCK_SEARCH, self.schema))
            last = self._conn.execute("SELECT value FROM counters WHERE name = %s", (SYNCED,)).fetchone()
            rows = self._conn.execute(
                "SELECT a.seq, a.story_id, v.encoder, v.vector FROM articles a JOIN vectors v ON v.article_id = a.id"
                " WHERE a.seq > %s ORDER BY a.seq LIMIT %s", (last[0] if last else 0, batch)).fetchall()
            for story_id, (encoder, total, count) in sums_by_story(rows).items():
                self._add_to_story(story_id, encoder, total, count)
            self._fold_merged()
            if rows:
                self._conn.execute(
                    "INSERT INTO counters(name, value) VALUES(%s, %s)"
                    " ON CONFLICT (name) DO UPDATE SET value = GREATEST(counters.value, excluded.value)",
                    (SYNCED, rows[-1][0]))
        return len(rows)

    def _add_to_story(self, story_id: str, encoder: str, total: np.ndarray, count: int) -> None:
        row = self._conn.execute("SELECT total, count FROM story_vectors WHERE story_id = %s", (story_id,)).fetchone()
        if row is not None:
            total = total + np.frombuffer(row[0], dtype=np.float32)
            count += row[1]
        self._conn.execute(
            "INSERT INTO story_vectors(story_id, encoder, total, count) VALUES(%s,%s,%s,%s)"
            " ON CONFLICT (story_id) DO UPDATE SET encoder = excluded.encoder, total = excluded.total,"
            " count = excluded.count",
            (story_id, encoder, np.asarray(total, dtype=np.float32).tobytes(), count))

    def _fold_merged(self) -> None:
        """A story merged away moved its articles, so its sum goes where they are now."""
        merged = self._conn.execute(
            "SELECT v.story_id, v.encoder, v.total, v.count FROM story_vectors v JOIN stories s ON s.id = v.story_id"
            " WHERE s.status = 'merged'").fetchall()
        for story_id, encoder, blob, count in merged:
            self._conn.execute("DELETE FROM story_vectors WHERE story_id = %s", (story_id,))
            into = self.final_story(story_id)
            if into != story_id:
                self._add_to_story(into, encoder, np.frombuffer(blob, dtype=np.float32), count)

    def text_ranked(self, words: str, f: StoryFilter, limit: int,
                    among: Sequence[str] | None = None) -> list[str]:
        """Stories with an article holding every word of ``words``, the best-ranked article's first."""
        query = ts_query(words)
        if not query:
            return []
        where, params = self.story_conditions(f)
        if among is not None:
            where.append("a.story_id = ANY(?::text[])")
            params.append(list(among))
        rows = self.run(  # ? placeholders: the filter conditions are the shared ones (storage.portable.search)
            "WITH q AS (SELECT ?::tsquery AS query)"
            " SELECT a.story_id, MAX(ts_rank(x.doc, q.query, 1)) AS best FROM q, article_search x"
            " JOIN articles a ON a.seq = x.seq JOIN stories s ON s.id = a.story_id"
            f" WHERE x.doc @@ q.query AND {' AND '.join(where)}"
            " GROUP BY a.story_id ORDER BY best DESC, MIN(s.seq) LIMIT ?",
            [query, *params, limit]).fetchall()
        return [r[0] for r in rows]
