"""Stories in PostgreSQL: summary rows (``stories``), merges (``story_lineage``), headlines, closing.
Languages and sources are text arrays; ``sources_folded`` holds the sources case-folded (Python's
Unicode ``casefold``, whatever the server's locale) for the story list's source filter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from storyline.dates import from_iso, to_iso, utcnow
from storyline.storage.portable.headlines import HeadlineReads
from storyline.storage.postgres.base import Connected
from storyline.storage.protocol import MemberFacts
from storyline.types import Story

# a text array column with the values of a parameter added, each once, in code point order (as Python sorts)
_UNION = 'ARRAY(SELECT DISTINCT v COLLATE "C" FROM unnest({column} || %({added})s::text[]) AS v ORDER BY 1)'
_STORY_COLUMNS = "id, first_seen, last_seen, languages, sources, status, headline, merged_into, size"


def folded(sources: Iterable[str]) -> list[str]:
    """Sources as the source filter compares them.

    >>> folded(["Écho du Léman", "ÉCHO DU LÉMAN"])
    ['écho du léman']
    """
    return sorted({source.casefold() for source in sources})


class StoryRows(Connected, HeadlineReads):
    def create_story(self, story_id: str, seq: int) -> bool:
        """Create the story, or reopen it if it exists (a closed story can come back); True if new."""
        return story_id in self.create_stories([(story_id, seq)])

    def create_stories(self, stories: Sequence[tuple[str, int]]) -> set[str]:
        """Create each (id, seq) story, or reopen it if it exists and is closed; the ids that were new.
        One pipelined ``executemany`` per kind of row for the whole batch: few round trips."""
        seq_of = dict(stories)
        if not seq_of:
            return set()
        now = to_iso(utcnow())
        existing = self._existing_story_ids(list(seq_of))
        fresh = [story_id for story_id in seq_of if story_id not in existing]
        with self._conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO stories(seq, id, created, updated) VALUES(%s,%s,%s,%s) ON CONFLICT DO NOTHING",
                [(seq_of[story_id], story_id, now, now) for story_id in fresh],
            )
            made = cur.rowcount
            if existing:
                cur.executemany(
                    "UPDATE stories SET status='active', updated=%s WHERE id=%s AND status='closed'",
                    [(now, story_id) for story_id in sorted(existing)],
                )
        if fresh and made != len(fresh):  # a seq already taken: those rows were not made
            fresh = sorted(self._existing_story_ids(fresh))
        return set(fresh)

    def _existing_story_ids(self, story_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for condition, params in self.ids_in("id", story_ids):
            found.update(row[0] for row in self.run(f"SELECT id FROM stories WHERE {condition}", params))
        return found

    def _write_summary(self, story_id: str, size: int, first: str | None, last: str | None,
                       languages: Iterable[str], sources: Iterable[str], extra_sql: str = "",
                       extra: tuple = ()) -> None:
        sources = sorted(set(sources))
        self._conn.execute(
            "UPDATE stories SET size=%s, first_seen=%s, last_seen=%s, languages=%s, sources=%s,"
            f" sources_folded=%s, updated=%s{extra_sql} WHERE id=%s",
            (size, first, last, sorted(set(languages)), sources, folded(sources), to_iso(utcnow()),
             *extra, story_id),
        )

    def refresh_story(self, story_id: str, headline: str, headline_article: str | None) -> None:
        """Recompute a story's size, span (of its dated articles), languages and sources from its articles."""
        rows = self._conn.execute(
            "SELECT lang, source, published FROM articles WHERE story_id=%s", (story_id,)
        ).fetchall()
        times = sorted(t for _, _, t in rows if t)
        self._write_summary(
            story_id, len(rows), times[0] if times else None, times[-1] if times else None,
            [lang for lang, _, _ in rows if lang], [src for _, src, _ in rows if src],
            ", headline=%s, headline_article=%s", (headline, headline_article),
        )

    def grow_story(self, story_id: str, added: Sequence[MemberFacts]) -> tuple[int, int]:
        """Fold new members' (lang, source, ISO time or None) into a story's summary row without reading
        its articles, in one statement (one round trip); a closed story that grows is open again.
        Returns its (size before, size after)."""
        times = [time for _, _, time in added if time]
        sources = sorted({source for _, source, _ in added if source})
        row = self._conn.execute(
            "UPDATE stories SET size = size + %(n)s,"
            ' first_seen = LEAST(first_seen, %(first)s COLLATE "C"),'
            ' last_seen = GREATEST(last_seen, %(last)s COLLATE "C"),'
            f" languages = {_UNION.format(column='languages', added='langs')},"
            f" sources = {_UNION.format(column='sources', added='sources')},"
            f" sources_folded = {_UNION.format(column='sources_folded', added='folded')},"
            " updated = %(now)s, status = CASE status WHEN 'closed' THEN 'active' ELSE status END"
            " WHERE id = %(id)s RETURNING size",
            {"n": len(added), "first": min(times, default=None), "last": max(times, default=None),
             "langs": sorted({lang for lang, _, _ in added if lang}), "sources": sources,
             "folded": folded(sources), "now": to_iso(utcnow()), "id": story_id},
        ).fetchone()
        if row is None:
            return 0, 0
        return row[0] - len(added), row[0]

    def grow_stories(self, grown: Sequence[tuple[str, Sequence[MemberFacts]]]) -> list[tuple[int, int]]:
        """``grow_story`` of each (story id, added members), in order (each is one statement already)."""
        return [self.grow_story(story_id, added) for story_id, added in grown]

    def set_headline(self, story_id: str, headline: str, headline_article: str | None) -> None:
        self.set_headlines([(story_id, headline, headline_article)])

    def set_headlines(self, headlines: Sequence[tuple[str, str, str | None]]) -> None:
        """``set_headline`` of each (story id, headline, headline article id), in one pipelined ``executemany``."""
        with self._conn.cursor() as cur:
            cur.executemany(
                "UPDATE stories SET headline=%s, headline_article=%s WHERE id=%s",
                [(headline, article, story_id) for story_id, headline, article in headlines],
            )

    def merge_story(self, absorbed: str, into: str) -> None:
        """Move every article of ``absorbed`` into ``into``; keep the old id with its lineage."""
        now = to_iso(utcnow())
        self._conn.execute("UPDATE articles SET story_id=%s WHERE story_id=%s", (into, absorbed))
        self._conn.execute(
            "UPDATE stories SET status='merged', merged_into=%s, size=0, updated=%s WHERE id=%s", (into, now, absorbed)
        )
        self._conn.execute(
            "INSERT INTO story_lineage(story_id, kind, other_id, at) VALUES(%s, 'merged_from', %s, %s),"
            " (%s, 'merged_into', %s, %s)",
            (into, absorbed, now, absorbed, into, now),
        )

    def close_stories_before(self, cutoff: datetime) -> int:
        closed = self._conn.execute(
            "UPDATE stories SET status='closed' WHERE status='active' AND last_seen < %s RETURNING 1", (to_iso(cutoff),)
        ).fetchall()
        return len(closed)

    def recent_story_ids(self, limit: int | None = None) -> list[str]:
        """Stories not merged away, the most recently updated ``limit`` of them when given, oldest first."""
        rows = self._conn.execute(
            "SELECT id FROM stories WHERE status!='merged' ORDER BY updated DESC, seq DESC LIMIT %s", (limit,)
        )
        return [r[0] for r in rows][::-1]

    def get_story(self, story_id: str) -> Story | None:
        found = self._conn.execute(f"SELECT {_STORY_COLUMNS} FROM stories WHERE id=%s", (story_id,)).fetchone()
        return None if found is None else self._story_from_row(found)

    def list_stories(
        self, *, limit: int | None = None, offset: int = 0, include_merged: bool = False
    ) -> list[Story]:
        """Stories newest first by their dated articles; those with none dated after them, newest update first."""
        where = "" if include_merged else "WHERE status != 'merged'"
        rows = self._conn.execute(
            f"SELECT {_STORY_COLUMNS} FROM stories {where}"
            " ORDER BY last_seen IS NULL, COALESCE(last_seen, updated) DESC, seq DESC LIMIT %s OFFSET %s",
            (limit, offset),
        ).fetchall()
        return [self._story_from_row(r, with_articles=False) for r in rows]

    def _story_from_row(self, row: Sequence[Any], with_articles: bool = True) -> Story:
        story_id = row[0]
        article_ids: tuple[str, ...] = ()
        if with_articles:
            article_ids = tuple(
                r[0] for r in self._conn.execute("SELECT id FROM articles WHERE story_id=%s ORDER BY seq", (story_id,))
            )
        lineage = self._conn.execute(
            "SELECT other_id FROM story_lineage WHERE story_id=%s AND kind='merged_from'", (story_id,)
        ).fetchall()
        return Story(
            id=story_id,
            article_ids=article_ids,
            first_seen=from_iso(row[1]),
            last_seen=from_iso(row[2]),
            languages=tuple(row[3]),
            sources=tuple(row[4]),
            status=row[5],
            headline=row[6],
            merged_from=tuple(r[0] for r in lineage),
            merged_into=row[7],
            size=row[8],
        )
