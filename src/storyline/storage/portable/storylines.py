"""What is read back of storylines (``storylines``, ``storyline_stories`` and the ``stories`` rows beside
them): one piece of SQL for both backends. ``save_storylines``, whose upserts differ, stays in each backend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storyline.storage.portable import Portable, text_list
from storyline.storage.portable.search import COPIES_OF_STORY
from storyline.storage.rows import StorylineEvent, StorylineSummary, StoryLink
from storyline.storage.stored_form import first_sentence
from storyline.storage.storyline_form import LINK_COLUMNS, link_from_row

# a storyline's summary: its stories, their articles (stored, copies included), dated span, the headline of
# its biggest story, and its near-copies (counted once, with their originals: coverage.counts)
_SUMMARY = f"""
SELECT l.id, COUNT(s.id), COALESCE(SUM(s.size), 0), MIN(s.first_seen), MAX(s.last_seen),
       (SELECT s2.headline FROM storyline_stories x2 JOIN stories s2 ON s2.id = x2.story_id
        WHERE x2.storyline_id = l.id ORDER BY s2.size DESC, s2.seq LIMIT 1),
       l.merged_into, COALESCE(SUM({COPIES_OF_STORY}), 0)
FROM storylines l
LEFT JOIN storyline_stories x ON x.storyline_id = l.id
LEFT JOIN stories s ON s.id = x.story_id AND s.status != 'merged'
"""
_BY_STORYLINE = " GROUP BY l.id, l.seq, l.merged_into"  # PostgreSQL wants every column shown grouped by


class StorylineReads(Portable):
    def storyline_links(self, last: int) -> list[StoryLink]:
        """The ``last`` most recently changed stories' links, oldest change first (what a linker restores)."""
        rows = self.run(
            f"SELECT {LINK_COLUMNS} FROM storyline_stories ORDER BY step DESC, story_id LIMIT ?", (last,)).fetchall()
        return [link_from_row(r) for r in reversed(rows)]

    def last_storyline_number(self) -> int:
        row = self.run("SELECT MAX(seq) FROM storylines").fetchone()
        return int(row[0] or 0)

    def storyline_of(self, story_id: str) -> str | None:
        row = self.run("SELECT storyline_id FROM storyline_stories WHERE story_id=?", (story_id,)).fetchone()
        return row[0] if row else None

    def list_storylines(self, *, min_stories: int = 1, limit: int | None = None,
                        offset: int = 0) -> list[StorylineSummary]:
        """Storylines of at least ``min_stories`` stories, the most recently dated first (undated last)."""
        sql = (f"{_SUMMARY} WHERE l.merged_into IS NULL{_BY_STORYLINE} HAVING COUNT(s.id) >= ?"
               " ORDER BY MAX(s.last_seen) IS NULL, MAX(s.last_seen) DESC, l.seq DESC")
        params: list[Any] = [min_stories]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        rows = self.run(sql, params).fetchall()
        return [_summary(row) for row in (rows if limit is not None else rows[offset:])]

    def get_storyline(self, storyline_id: str) -> StorylineSummary | None:
        row = self.run(f"{_SUMMARY} WHERE l.id=?{_BY_STORYLINE}", (storyline_id,)).fetchone()
        return None if row is None else _summary(row)

    def storyline_events(self, storyline_id: str, summary_chars: int = 200) -> list[StorylineEvent]:
        """A storyline's stories as a timeline: oldest dated first, undated last."""
        rows = self.run(
            "SELECT s.id, s.headline, s.size, s.languages, s.first_seen, s.last_seen,"
            " (SELECT substr(a.text, 1, CAST(? AS INTEGER)) FROM articles a WHERE a.id = s.headline_article),"
            f" {COPIES_OF_STORY}"
            " FROM storyline_stories x JOIN stories s ON s.id = x.story_id"
            " WHERE x.storyline_id=? AND s.status != 'merged'"
            " ORDER BY s.first_seen IS NULL, s.first_seen, s.seq", (summary_chars, storyline_id)).fetchall()
        return [StorylineEvent(r[0], r[1], r[2] - int(r[7]), tuple(text_list(r[3])), r[4], r[5],
                               first_sentence(r[6] or ""), int(r[7])) for r in rows]


def _summary(row: Sequence[Any]) -> StorylineSummary:
    copies = int(row[7])
    return StorylineSummary(row[0], int(row[1]), int(row[2]) - copies, row[3], row[4], row[5] or "", row[6], copies)
