"""Stories in SQLite: summary rows (``stories``), merges (``story_lineage``), headlines, closing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storyline.dates import from_iso, to_iso, utcnow
from storyline.storage.portable.headlines import HeadlineReads
from storyline.storage.protocol import MemberFacts
from storyline.storage.sqlite.base import Connected
from storyline.storage.stored_form import ascii_json, json_items, json_text
from storyline.types import Story

_STORY_COLUMNS = "id, first_seen, last_seen, languages, sources, status, headline, merged_into, size"


class StoryRows(Connected, HeadlineReads):
    def create_story(self, story_id: str, seq: int) -> bool:
        """Create the story, or reopen it if it exists (a closed story can come back); True if new."""
        return story_id in self.create_stories([(story_id, seq)])

    def create_stories(self, stories: Sequence[tuple[str, int]]) -> set[str]:
        """Create each (id, seq) story, or reopen it if it exists and is closed; the ids that were new.
        One statement per kind of row for the whole batch (a batch opens hundreds of stories)."""
        seq_of = dict(stories)
        if not seq_of:
            return set()
        now = to_iso(utcnow())
        existing = self._existing_story_ids(list(seq_of))
        fresh = [story_id for story_id in seq_of if story_id not in existing]
        before = self._conn.total_changes
        self._conn.executemany(
            "INSERT OR IGNORE INTO stories(seq, id, created, updated) VALUES(?,?,?,?)",
            [(seq_of[story_id], story_id, now, now) for story_id in fresh],
        )
        if self._conn.total_changes - before != len(fresh):  # a seq already taken: those rows were not made
            fresh = sorted(self._existing_story_ids(fresh))
        self._conn.executemany(
            "UPDATE stories SET status='active', updated=? WHERE id=? AND status='closed'",
            [(now, story_id) for story_id in sorted(existing)],
        )
        return set(fresh)

    def _existing_story_ids(self, story_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for condition, params in self.ids_in("id", story_ids):
            found.update(row[0] for row in self._conn.execute(f"SELECT id FROM stories WHERE {condition}", params))
        return found

    def refresh_story(self, story_id: str, headline: str, headline_article: str | None) -> None:
        """Recompute a story's size, span (of its dated articles), languages and sources from its articles."""
        rows = self._conn.execute(
            "SELECT lang, source, published FROM articles WHERE story_id=?",
            (story_id,),
        ).fetchall()
        times = sorted(t for _, _, t in rows if t)
        languages = sorted({lang for lang, _, _ in rows if lang})
        sources = sorted({src for _, src, _ in rows if src})
        self._conn.execute(
            "UPDATE stories SET size=?, first_seen=?, last_seen=?, languages=?, sources=?,"
            " headline=?, headline_article=?, updated=? WHERE id=?",
            (
                len(rows), times[0] if times else None, times[-1] if times else None,
                json.dumps(languages), json_text(sources),
                headline, headline_article, to_iso(utcnow()), story_id,
            ),
        )

    def grow_story(self, story_id: str, added: Sequence[MemberFacts]) -> tuple[int, int]:
        """Fold new members' (lang, source, ISO publication time or None) into a story's summary row, without
        reading its articles: the cost depends on the batch, not on the story's size. A closed story
        that grows is open again (the batch's closing pass closes it anew if it is still past the window).
        Returns the story's (size before, size after).
        """
        return self.grow_stories([(story_id, added)])[0]

    def grow_stories(self, grown: Sequence[tuple[str, Sequence[MemberFacts]]]) -> list[tuple[int, int]]:
        """``grow_story`` of each (story id, added members), in order: one read of the summary rows and one
        ``executemany`` for the batch, not a read and a write per story."""
        rows: dict[str, tuple[Any, ...]] = {}
        for condition, params in self.ids_in("id", sorted({story_id for story_id, _ in grown})):
            for row in self._conn.execute(
                f"SELECT id, size, first_seen, last_seen, languages, sources FROM stories WHERE {condition}", params
            ):
                rows[row[0]] = (row[1], row[2], row[3], set(json_items(row[4])), set(json_items(row[5])))
        now = to_iso(utcnow())
        sizes: list[tuple[int, int]] = []
        updates: list[tuple[Any, ...]] = []
        for story_id, added in grown:
            found = rows.get(story_id)
            if found is None:
                sizes.append((0, 0))
                continue
            size, first, last, languages, sources = found
            for lang, source, time in added:
                if lang:
                    languages.add(lang)
                if source:
                    sources.add(source)
                if time:
                    first = time if first is None or time < first else first
                    last = time if last is None or time > last else last
            rows[story_id] = (size + len(added), first, last, languages, sources)  # a story named twice grows twice
            sizes.append((size, size + len(added)))
            updates.append((size + len(added), first, last, ascii_json(sorted(languages)),
                            json_text(sorted(sources)), now, story_id))
        self._conn.executemany(
            "UPDATE stories SET size=?, first_seen=?, last_seen=?, languages=?, sources=?, updated=?,"
            " status=CASE status WHEN 'closed' THEN 'active' ELSE status END WHERE id=?",
            updates,
        )
        return sizes

    def set_headline(self, story_id: str, headline: str, headline_article: str | None) -> None:
        self.set_headlines([(story_id, headline, headline_article)])

    def set_headlines(self, headlines: Sequence[tuple[str, str, str | None]]) -> None:
        """``set_headline`` of each (story id, headline, headline article id), in one ``executemany``."""
        self._conn.executemany(
            "UPDATE stories SET headline=?, headline_article=? WHERE id=?",
            [(headline, article, story_id) for story_id, headline, article in headlines],
        )

    def merge_story(self, absorbed: str, into: str) -> None:
        """Move every article of ``absorbed`` into ``into``; keep the old id with its lineage."""
        now = to_iso(utcnow())
        self._conn.execute("UPDATE articles SET story_id=? WHERE story_id=?", (into, absorbed))
        self._conn.execute(
            "UPDATE stories SET status='merged', merged_into=?, size=0, updated=? WHERE id=?",
            (into, now, absorbed),
        )
        self._conn.execute(
            "INSERT INTO story_lineage(story_id, kind, other_id, at) VALUES(?, 'merged_from', ?, ?)",
            (into, absorbed, now),
        )
        self._conn.execute(
            "INSERT INTO story_lineage(story_id, kind, other_id, at) VALUES(?, 'merged_into', ?, ?)",
            (absorbed, into, now),
        )

    def close_stories_before(self, cutoff: datetime) -> int:
        cur = self._conn.execute(
            "UPDATE stories SET status='closed' WHERE status='active' AND last_seen < ?",
            (to_iso(cutoff),),
        )
        return cur.rowcount

    def recent_story_ids(self, limit: int | None = None) -> list[str]:
        """Stories not merged away (open or closed), the most recently updated ``limit`` of them when
        given, oldest first: what a restarted clusterer holds in memory."""
        rows = self._conn.execute(
            "SELECT id FROM stories WHERE status!='merged' ORDER BY updated DESC, seq DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [r[0] for r in rows][::-1]

    def get_story(self, story_id: str) -> Story | None:
        found = self._conn.execute(f"SELECT {_STORY_COLUMNS} FROM stories WHERE id=?", (story_id,)).fetchone()
        return None if found is None else self._story_from_row(found)

    def list_stories(
        self, *, limit: int | None = None, offset: int = 0, include_merged: bool = False
    ) -> list[Story]:
        """Stories newest first by their dated articles; those with none dated after them, newest update first."""
        where = "" if include_merged else "WHERE status != 'merged'"
        sql = (
            f"SELECT {_STORY_COLUMNS} FROM stories {where}"
            " ORDER BY last_seen IS NULL, COALESCE(last_seen, updated) DESC, seq DESC"
        )
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [limit, offset]
        return [self._story_from_row(r, with_articles=False) for r in self._conn.execute(sql, params)]

    def _story_from_row(self, row: Sequence[Any], with_articles: bool = True) -> Story:
        story_id = row[0]
        article_ids: tuple[str, ...] = ()
        if with_articles:
            article_ids = tuple(
                r[0] for r in self._conn.execute("SELECT id FROM articles WHERE story_id=? ORDER BY seq", (story_id,))
            )
        lineage = self._conn.execute(
            "SELECT other_id FROM story_lineage WHERE story_id=? AND kind='merged_from'", (story_id,)
        ).fetchall()
        return Story(
            id=story_id,
            article_ids=article_ids,
            first_seen=from_iso(row[1]),
            last_seen=from_iso(row[2]),
            languages=tuple(json.loads(row[3])),
            sources=tuple(json.loads(row[4])),
            status=row[5],
            headline=row[6],
            merged_from=tuple(r[0] for r in lineage),
            merged_into=row[7],
            size=row[8],
        )
