"""What is read back of rejected inputs (``rejections``) and of the sentence vectors cached for briefs
(``sentences``): one piece of SQL for both backends. Their writes, whose upserts differ, stay in each backend."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.storage.portable import Portable
from storyline.storage.stored_form import sentence_from_blob


class RejectionReads(Portable):
    def rejection_counts(self) -> dict[str, int]:
        """How many inputs were rejected for each reason."""
        rows = self.run("SELECT reason, COUNT(*) FROM rejections GROUP BY reason")
        return {reason: int(count) for reason, count in rows}


class SentenceReads(Portable):
    def sentence_vectors(self, article_ids: Sequence[str], encoder: str) -> dict[str, dict[str, np.ndarray]]:
        """Cached sentence vectors by article, then by sentence text, for one encoder."""
        found: dict[str, dict[str, np.ndarray]] = {}
        for among, ids in self.ids_in("article_id", list(article_ids)):
            rows = self.run(
                f"SELECT article_id, text, vector FROM sentences WHERE encoder=? AND {among} ORDER BY article_id, idx",
                [encoder, *ids])
            for article_id, text, blob in rows:
                found.setdefault(article_id, {})[text] = sentence_from_blob(blob)
        return found
