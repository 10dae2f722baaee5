"""Rejected inputs (``rejections``: one row per input and reason) and the sentence vectors cached for
briefs (``sentences``) written in PostgreSQL; what is read back is shared (storage.portable.rejections)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from storyline.dates import to_iso, utcnow
from storyline.storage.portable.rejections import RejectionReads, SentenceReads
from storyline.storage.postgres.base import Connected
from storyline.storage.stored_form import sentence_blob

# Characters of a rejection's detail that are kept (a whole bad input is no detail)
DETAIL_CHARS = 2000


class RejectionRows(Connected, RejectionReads):
    def insert_rejection(self, origin: str, reason: str, detail: str) -> None:
        self.insert_rejections([(origin, reason, detail)])

    def insert_rejections(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Store (origin, reason, detail) rejections; one already stored for the same input and reason
        (a re-run) is updated, its ``times`` counted up, not stored twice."""
        now = to_iso(utcnow())
        values = [(origin, reason, detail[:DETAIL_CHARS], now) for origin, reason, detail in rows]
        if not values:
            return
        with self._conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO rejections(origin, reason, detail, at) VALUES(%s,%s,%s,%s)"
                " ON CONFLICT (origin, reason) DO UPDATE SET detail=excluded.detail, at=excluded.at,"
                " times=rejections.times+1",
                values,
            )


class SentenceRows(Connected, SentenceReads):
    def replace_sentences(
        self, article_id: str, encoder: str, rows: Sequence[tuple[str, str, str | None, np.ndarray]]
    ) -> None:
        """Replace one article's cached sentences: rows of (kind, text, speaker, vector), in order."""
        with self.own_transaction(), self._conn.cursor() as cur:
            cur.execute("DELETE FROM sentences WHERE article_id=%s AND encoder=%s", (article_id, encoder))
            cur.executemany(
                "INSERT INTO sentences(article_id, encoder, idx, kind, text, speaker, vector)"
                " VALUES(%s,%s,%s,%s,%s,%s,%s)",
                [
                    (article_id, encoder, idx, kind, text, speaker,
                     sentence_blob(vec))
                    for idx, (kind, text, speaker, vec) in enumerate(rows)
                ],
            )
