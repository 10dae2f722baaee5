"""Storylines in SQLite: ``storylines`` (ids, merges) and ``storyline_stories`` (each story's storyline,
with the facts the linker resumes from). Summaries and timelines read the ``stories`` rows beside them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from storyline.dates import to_iso, utcnow
from storyline.storage.rows import StorylineEvent, StorylineSummary, StorylineUpdate, StoryLink
from storyline.storage.sqlite.base import Connected
from storyline.storage.stored_form import first_sentence
from storyline.storage.storyline_form import LINK_COLUMNS, link_from_row, link_values

# a storyline's summary: its stories, their articles, dated span, the headline of its biggest story
_SUMMARY = """
SELECT l.id, COUNT(s.id), COALESCE(SUM(s.size), 0), MIN(s.first_seen), MAX(s.last_seen),
       (SELECT s2.headline FROM storyline_stories x2 JOIN stories s2 ON s2.id = x2.story_id
        WHERE x2.storyline_id = l.id ORDER BY s2.size DESC, s2.seq LIMIT 1),
       l.merged_into
FROM storylines l
LEFT JOIN storyline_stories x ON x.storyline_id = l.id
LEFT JOIN stories s ON s.id = x.story_id AND s.status != 'merged'
"""


class StorylineRows(Connected):
    def save_storylines(self, update: StorylineUpdate) -> None:
        """Write one batch's storyline changes (inside the caller's transaction when one is open)."""
        now = to_iso(utcnow())
        with self.own_transaction():
            self._conn.executemany(
                "INSERT OR IGNORE INTO storylines(seq, id, created, updated) VALUES(?,?,?,?)",
                [(number, line_id, now, now) for line_id, number in update.created])
            for absorbed, into in update.merges:
                self._conn.execute("UPDATE storyline_stories SET storyline_id=? WHERE storyline_id=?", (into, absorbed))
                self._conn.execute("UPDATE storylines SET merged_into=?, updated=? WHERE id=?", (into, now, absorbed))
            self._conn.executemany("DELETE FROM storyline_stories WHERE story_id=?", [(s,) for s in update.dropped])
            self._conn.executemany(
                f"INSERT INTO storyline_stories({LINK_COLUMNS}) VALUES(?,?,?,?,?,?,?) ON CONFLICT(story_id)"
                " DO UPDATE SET storyline_id=excluded.storyline_id, names=excluded.names, size=excluded.size,"
                " first=excluded.first, last=excluded.last, step=excluded.step",
                [link_values(r) for r in update.links])
            touched = {r.storyline_id for r in update.links} | {into for _, into in update.merges}
            self._conn.executemany("UPDATE storylines SET updated=? WHERE id=?", [(now, t) for t in sorted(touched)])

    def storyline_links(self, last: int) -> list[StoryLink]:
        """The ``last`` most recently changed stories' links, oldest change first (what a linker restores)."""
        rows = self._conn.execute(
            f"SELECT {LINK_COLUMNS} FROM storyline_stories ORDER BY step DESC, story_id LIMIT ?", (last,)).fetchall()
        return [link_from_row(r) for r in reversed(rows)]

    def last_storyline_number(self) -> int:
        row = self._conn.execute("SELECT MAX(seq) FROM storylines").fetchone()
        return int(row[0] or 0)

    def storyline_of(self, story_id: str) -> str | None:
        row = self._conn.execute("SELECT storyline_id FROM storyline_stories WHERE story_id=?", (story_id,)).fetchone()
        return row[0] if row else None

    def list_storylines(self, *, min_stories: int = 1, limit: int | None = None,
                        offset: int = 0) -> list[StorylineSummary]:
        """Storylines of at least ``min_stories`` stories, the most recently dated first (undated last)."""
        sql = (_SUMMARY + " WHERE l.merged_into IS NULL GROUP BY l.id HAVING COUNT(s.id) >= ?"
               " ORDER BY MAX(s.last_seen) IS NULL, MAX(s.last_seen) DESC, l.seq DESC")
        params: list[Any] = [min_stories]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [_summary(row) for row in self._conn.execute(sql, params)]

    def get_storyline(self, storyline_id: str) -> StorylineSummary | None:
        row = self._conn.execute(_SUMMARY + " WHERE l.id=? GROUP BY l.id", (storyline_id,)).fetchone()
        return None if row is None else _summary(row)

    def storyline_events(self, storyline_id: str, summary_chars: int = 200) -> list[StorylineEvent]:
        """A storyline's stories as a timeline: oldest dated first, undated last."""
        rows = self._conn.execute(
            "SELECT s.id, s.headline, s.size, s.languages, s.first_seen, s.last_seen,"
            " (SELECT substr(a.text, 1, ?) FROM articles a WHERE a.id = s.headline_article)"
            " FROM storyline_stories x JOIN stories s ON s.id = x.story_id"
            " WHERE x.storyline_id=? AND s.status != 'merged'"
            " ORDER BY s.first_seen IS NULL, s.first_seen, s.seq", (summary_chars, storyline_id)).fetchall()
        return [StorylineEvent(r[0], r[1], r[2], tuple(json.loads(r[3])), r[4], r[5], first_sentence(r[6] or ""))
                for r in rows]


def _summary(row: Sequence[Any]) -> StorylineSummary:
    return StorylineSummary(row[0], row[1], row[2], row[3], row[4], row[5] or "", row[6])
