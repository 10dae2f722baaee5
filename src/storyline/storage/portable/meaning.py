"""What search by meaning reads: the stories' centroids (``story_vectors``, each story's sum of its
members' unit vectors), one piece of SQL for both backends. Each backend fills the table in its own
``sync_search`` (their upserts and locks differ) and ranks by text relevance in its own ``text_ranked``."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import numpy as np

from storyline.storage.portable.search import StoryReads
from storyline.storage.rows import StoryFilter, StoryVectors


class MeaningReads(StoryReads):
    def story_vectors(self, f: StoryFilter, among: Sequence[str] | None = None) -> StoryVectors:
        """Unit centroids of the stories passing ``f``'s filters (those in ``among`` when given), oldest
        story first (equal scores rank in one order on both backends)."""
        where, params = self.story_conditions(f)
        # the story's seq is read only where several statements' rows must be put in one order (SQLite
        # reads a long ``among`` in slices): for all stories, the ORDER BY costs nothing (a scan of stories)
        columns = "v.story_id, v.encoder, v.total" if among is None else "v.story_id, v.encoder, v.total, s.seq"
        sql = (f"SELECT {columns} FROM story_vectors v JOIN stories s ON s.id = v.story_id"
               f" WHERE {' AND '.join(where)}")
        rows: list[Any] = []
        if among is None:
            rows = self.run(f"{sql} ORDER BY s.seq", params).fetchall()
        else:
            for condition, ids in self.ids_in("v.story_id", list(among)):
                rows += self.run(f"{sql} AND {condition}", [*params, *ids]).fetchall()
            rows.sort(key=itemgetter(3))
        if not rows:
            return StoryVectors((), np.zeros((0, 0), dtype=np.float32))
        # one buffer, one array: far cheaper than stacking thousands of small ones
        matrix = np.frombuffer(b"".join(row[2] for row in rows), dtype=np.float32).reshape(len(rows), -1)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return StoryVectors(tuple(r[0] for r in rows), matrix / norms, rows[0][1])
