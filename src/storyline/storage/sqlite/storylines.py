"""Storylines written in SQLite: ``storylines`` (ids, merges) and ``storyline_stories`` (each story's
storyline, with the facts the linker resumes from); what is read back is shared (storage.portable.storylines)."""

from __future__ import annotations

from storyline.dates import to_iso, utcnow
from storyline.storage.portable.storylines import StorylineReads
from storyline.storage.rows import StorylineUpdate
from storyline.storage.sqlite.base import Connected
from storyline.storage.storyline_form import LINK_COLUMNS, link_values


class StorylineRows(Connected, StorylineReads):
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
