"""What a story's headline is chosen from, read back for many stories in one statement: one piece of SQL for both
backends (the writer re-reads a few stories' newest members every batch; a statement each cost more than the rows)."""

from __future__ import annotations

from collections.abc import Sequence

from storyline.storage.portable import Portable
from storyline.storage.rows import HeadlineCandidate
from storyline.storage.stored_form import vectors_from_blobs

# a story's newest members (the index on articles(story_id, seq) reads just those), with their vectors
_NEWEST = ("SELECT * FROM (SELECT a.story_id, a.seq, a.id, a.title, v.vector FROM articles a"
           " LEFT JOIN vectors v ON v.article_id = a.id WHERE a.story_id=? ORDER BY a.seq DESC LIMIT ?) AS t{n}")
_PER_STATEMENT = 100  # stories a statement (SQLite allows 500 terms of a UNION)

class HeadlineReads(Portable):
    def headline_candidates(self, story_id: str, last: int) -> list[HeadlineCandidate]:
        """(id, title, vector or None) of a story's newest ``last`` members, oldest first; no texts read."""
        return self.headline_candidates_of([story_id], last)[story_id]

    def headline_candidates_of(self, story_ids: Sequence[str], last: int) -> dict[str, list[HeadlineCandidate]]:
        """``headline_candidates`` of each story (an unknown one has none), in one statement a hundred stories."""
        found: dict[str, list[tuple[int, str, str, bytes | None]]] = {story_id: [] for story_id in story_ids}
        wanted = list(found)
        for start in range(0, len(wanted), _PER_STATEMENT):
            part = wanted[start : start + _PER_STATEMENT]
            sql = " UNION ALL ".join(_NEWEST.format(n=n) for n in range(len(part)))
            for story_id, seq, article_id, title, blob in self.run(sql, [v for s in part for v in (s, last)]):
                found[story_id].append((seq, article_id, title, blob))
        for members in found.values():
            members.sort()  # oldest first (by seq, unique)
        vectors = iter(vectors_from_blobs([blob for members in found.values() for *_, blob in members]))
        return {story_id: [(article_id, title, next(vectors)) for _, article_id, title, _ in members]
                for story_id, members in found.items()}
