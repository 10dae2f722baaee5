"""Storylines in PostgreSQL: ``storylines`` (ids, merges) and ``storyline_stories`` (each story's storyline,
with the facts the linker resumes from). Summaries and timelines read the ``stories`` rows beside them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storyline.dates import to_iso, utcnow
from storyline.storage.postgres.base import Connected
from storyline.storage.rows import StorylineEvent, StorylineSummary, StorylineUpdate, StoryLink
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
        with self.own_transaction(), self._conn.cursor() as cur:
            if update.created:
                cur.executemany(
                    "INSERT INTO storylines(seq, id, created, updated) VALUES(%s,%s,%s,%s) ON CONFLICT DO NOTHING",
                    [(number, line_id, now, now) for line_id, number in update.created])
            for absorbed, into in update.merges:
                cur.execute("UPDATE storyline_stories SET storyline_id=%s WHERE storyline_id=%s", (into, absorbed))
                cur.execute("UPDATE storylines SET merged_into=%s, updated=%s WHERE id=%s", (into, now, absorbed))
            if update.dropped:
                cur.execute("DELETE FROM storyline_stories WHERE story_id = ANY(%s::text[])", (list(update.dropped),))
            if update.links:
                cur.executemany(
                    f"INSERT INTO storyline_stories({LINK_COLUMNS}) VALUES(%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (story_id)"
                    " DO UPDATE SET storyline_id=excluded.storyline_id, names=excluded.names, size=excluded.size,"
                    " first=excluded.first, last=excluded.last, step=excluded.step",
                    [link_values(r) for r in update.links])
            touched = {r.storyline_id for r in update.links} | {into for _, into in update.merges}
            if touched:
                cur.execute("UPDATE storylines SET updated=%s WHERE id = ANY(%s::text[])", (now, sorted(touched)))

    def storyline_links(self, last: int) -> list[StoryLink]:
        """The ``last`` most recently changed stories' links, oldest change first (what a linker restores)."""
        rows = self._conn.execute(
            f"SELECT {LINK_COLUMNS} FROM storyline_stories ORDER BY step DESC, story_id LIMIT %s", (last,)).fetchall()
        return [link_from_row(r) for r in reversed(rows)]

    def last_storyline_number(self) -> int:
        row = self._conn.execute("SELECT MAX(seq) FROM storylines").fetchone()
        return int((row[0] if row else None) or 0)

    def storyline_of(self, story_id: str) -> str | None:
        row = self._conn.execute("SELECT storyline_id FROM storyline_stories WHERE story_id=%s", (story_id,)).fetchone()
        return row[0] if row else None

    def list_storylines(self, *, min_stories: int = 1, limit: int | None = None,
                        offset: int = 0) -> list[StorylineSummary]:
        """Storylines of at least ``min_stories`` stories, the most recently dated first (undated last)."""
        rows = self._conn.execute(
            _SUMMARY + " WHERE l.merged_into IS NULL GROUP BY l.id, l.seq, l.merged_into HAVING COUNT(s.id) >= %s"
            " ORDER BY MAX(s.last_seen) IS NULL, MAX(s.last_seen) DESC, l.seq DESC LIMIT %s OFFSET %s",
            (min_stories, limit, offset)).fetchall()
        return [_summary(row) for row in rows]

    def get_storyline(self, storyline_id: str) -> StorylineSummary | None:
        row = self._conn.execute(_SUMMARY + " WHERE l.id=%s GROUP BY l.id, l.seq, l.merged_into",
                                 (storyline_id,)).fetchone()
        return None if row is None else _summary(row)

    def storyline_events(self, storyline_id: str, summary_chars: int = 200) -> list[StorylineEvent]:
        """A storyline's stories as a timeline: oldest dated first, undated last."""
        rows = self._conn.execute(
            "SELECT s.id, s.headline, s.size, s.languages, s.first_seen, s.last_seen,"
            " (SELECT substr(a.text, 1, %s::integer) FROM articles a WHERE a.id = s.headline_article)"
            " FROM storyline_stories x JOIN stories s ON s.id = x.story_id"
            " WHERE x.storyline_id=%s AND s.status != 'merged'"
            " ORDER BY s.first_seen IS NULL, s.first_seen, s.seq", (summary_chars, storyline_id)).fetchall()
        return [StorylineEvent(r[0], r[1], r[2], tuple(r[3]), r[4], r[5], first_sentence(r[6] or "")) for r in rows]


def _summary(row: Sequence[Any]) -> StorylineSummary:
    return StorylineSummary(row[0], int(row[1]), int(row[2]), row[3], row[4], row[5] or "", row[6])
