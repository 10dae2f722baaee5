"""Watches (saved searches), the stories they caught and their webhook deliveries (tables ``watches`` and
``watch_hits``): one piece of SQL for both backends."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from storyline.dates import to_iso, utcnow
from storyline.storage.portable import Portable
from storyline.storage.rows import DELIVERIES, Watch, WatchHit

_HIT_COLUMNS = "id, watch_id, story_id, kind, size, at, delivery, attempts, error"


class WatchRows(Portable):
    def add_watch(self, query: str, *, lang: str | None, webhook: str | None, encoder: str | None,
                  vector: np.ndarray | None) -> Watch:
        """Store a new watch; returns it with its id."""
        created = to_iso(utcnow()) or ""
        blob = None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()
        row = self.run(
            "INSERT INTO watches(query, lang, webhook, encoder, vector, created) VALUES(?,?,?,?,?,?) RETURNING id",
            (query, lang, webhook, encoder, blob, created)).fetchall()[0]
        return Watch(int(row[0]), query, lang, webhook, created, encoder, vector)

    def list_watches(self) -> list[Watch]:
        """Every watch, oldest first, with its vector, hit count and hits per delivery state."""
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        for watch_id, delivery, n in self.run(
                "SELECT watch_id, delivery, COUNT(*) FROM watch_hits GROUP BY watch_id, delivery"):
            counts[watch_id][delivery] = int(n)
        rows = self.run("SELECT id, query, lang, webhook, created, encoder, vector FROM watches ORDER BY id")
        return [
            Watch(r[0], r[1], r[2], r[3], r[4], r[5],
                  None if r[6] is None else np.frombuffer(r[6], dtype=np.float32),
                  sum(counts[r[0]].values()), dict(counts[r[0]]))
            for r in rows
        ]

    def remove_watch(self, watch_id: int) -> bool:
        """Delete a watch and its hits; False if there was none."""
        with self.own_transaction():
            self.run("DELETE FROM watch_hits WHERE watch_id = ?", (watch_id,))
            return self.run("DELETE FROM watches WHERE id = ? RETURNING id", (watch_id,)).fetchall() != []

    def record_hits(self, hits: Sequence[tuple[int, str, str, int]]) -> list[WatchHit]:
        """Store (watch id, story id, kind, size) hits: "pending" when the watch has a webhook, else "none"."""
        at = to_iso(utcnow()) or ""
        stored: list[WatchHit] = []
        with self.own_transaction():
            for watch_id, story_id, kind, size in hits:
                row = self.run("SELECT webhook FROM watches WHERE id = ?", (watch_id,)).fetchone()
                if row is None:
                    continue  # removed meanwhile
                delivery = "pending" if row[0] else "none"
                made = self.run(
                    "INSERT INTO watch_hits(watch_id, story_id, kind, size, at, delivery) VALUES(?,?,?,?,?,?)"
                    " RETURNING id", (watch_id, story_id, kind, size, at, delivery)).fetchall()[0]
                stored.append(WatchHit(int(made[0]), watch_id, story_id, kind, size, at, delivery))
        return stored

    def record_delivery(self, hit_id: int, delivery: str, attempts: int, error: str = "") -> None:
        """How a hit's webhook notice went, after ``attempts`` tries."""
        if delivery not in DELIVERIES:
            raise ValueError(f"delivery {delivery!r} is not one of {DELIVERIES}")
        self.run("UPDATE watch_hits SET delivery = ?, attempts = ?, error = ? WHERE id = ?",
                 (delivery, attempts, error[:1000], hit_id))

    def watch_hits(self, watch_id: int, limit: int = 50) -> list[WatchHit]:
        """A watch's newest ``limit`` hits, newest first."""
        rows = self.run(
            f"SELECT {_HIT_COLUMNS} FROM watch_hits WHERE watch_id = ? ORDER BY id DESC LIMIT ?", (watch_id, limit))
        return [WatchHit(*r) for r in rows]
