"""Storylines written in PostgreSQL: ``storylines`` (ids, merges) and ``storyline_stories`` (each story's
storyline, with the facts the linker resumes from); what is read back is shared (storage.portable.storylines)."""

from __future__ import annotations

from storyline.dates import to_iso, utcnow
from storyline.storage.portable.storylines import StorylineReads
from storyline.storage.postgres.base import Connected
from storyline.storage.rows import StorylineUpdate
from storyline.storage.storyline_form import LINK_COLUMNS, link_values


class StorylineRows(Connected, StorylineReads):
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
