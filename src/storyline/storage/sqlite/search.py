"""The reads the story list, pages and API need, each one SQL statement (no per-row queries).

Text search uses the ``article_search`` FTS5 table, filled lazily from ``articles`` by
``sync_search`` (the engine does not know about it, so any process may bring it up to date).
``prepare_reads`` creates it and the list indexes; all ``IF NOT EXISTS``, so it is idempotent and
leaves the migrations alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storyline.dates import to_iso
from storyline.storage.rows import SourceActivity, StoryFilter
from storyline.storage.sqlite.base import Connected, in_chunks
from storyline.storage.sqlite.schema import READ_SCHEMA

_ORDER_BY = {
    # by time, the stories with no dated article (no span) come after the dated ones
    "recent": "s.last_seen IS NULL, substr(COALESCE(s.last_seen, s.updated), 1, 10) DESC, s.size DESC, s.seq DESC",
    "latest": "s.last_seen IS NULL, COALESCE(s.last_seen, s.updated) DESC, s.seq DESC",
    "size": "s.size DESC, s.seq DESC",
}
_WORD = re.compile(r"\w+", re.UNICODE)
_STORY_SELECT = (
    "SELECT s.id, s.headline, s.size, s.languages, s.sources, s.first_seen, s.last_seen,"
    " s.status, s.merged_into, s.updated FROM stories s"
)


def fts_query(text: str) -> str:
    """A safe FTS5 query: every word of ``text`` must appear (as a word prefix).

    >>> fts_query('port "strike" OR')
    '"port"* "strike"* "OR"*'
    """
    return " ".join(f'"{word}"*' for word in _WORD.findall(text))


def _story_dict(row: Sequence[Any]) -> dict[str, Any]:
    """A stories row as the API shows it."""
    return {
        "id": row[0], "headline": row[1], "size": row[2], "languages": json.loads(row[3]),
        "sources": json.loads(row[4]), "first_seen": row[5], "last_seen": row[6],
        "status": row[7], "merged_into": row[8], "updated": row[9],
    }


def story_conditions(f: StoryFilter) -> tuple[list[str], list[Any]]:
    """The WHERE conditions (on ``stories s``) and parameters of ``f``'s language, source and date filters;
    merged stories never pass."""
    where = ["s.status != 'merged'"]
    params: list[Any] = []
    if f.langs:
        marks = ",".join("?" * len(f.langs))
        where.append(f"EXISTS (SELECT 1 FROM json_each(s.languages) WHERE value IN ({marks}))")
        params += list(f.langs)
    if f.sources:
        marks = ",".join("?" * len(f.sources))
        # any case in any script: "el faro mediterráneo" finds "El Faro Mediterráneo" (the store registers casefold)
        where.append(f"EXISTS (SELECT 1 FROM json_each(s.sources) WHERE casefold(value) IN ({marks}))")
        params += [source.casefold() for source in f.sources]
    if f.since is not None:
        where.append("COALESCE(s.last_seen, s.updated) >= ?")
        params.append(to_iso(f.since))
    if f.until is not None:
        where.append("COALESCE(s.first_seen, s.created) <= ?")
        params.append(to_iso(f.until))
    return where, params


class SearchRows(Connected):
    def prepare_reads(self) -> None:
        """Create the web layer's indexes and search table if they are missing."""
        for statement in READ_SCHEMA:
            self._conn.execute(statement)

    def content_version(self) -> int:
        """A number that grows whenever articles arrive (stories only change when articles do)."""
        return int(self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    def sync_search(self, batch: int = 5000) -> int:
        """Index articles the search table has not seen yet; returns how many were added."""
        added = 0
        while True:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                last = self._conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM article_search").fetchone()[0]
                cur = self._conn.execute(
                    "INSERT INTO article_search(rowid, title, text) SELECT seq, title, text FROM articles"
                    " WHERE seq > ? ORDER BY seq LIMIT ?",
                    (last, batch),
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            added += cur.rowcount
            if cur.rowcount < batch:
                return added

    def dated_spans(self, story_ids: Sequence[str]) -> dict[str, tuple[str | None, str | None, int]]:
        """Per story: (first, last) publication time of its dated articles and how many are undated.

        The count of undated articles is what the stored span (of the dated ones) cannot say. One query
        for a whole page of stories.
        """
        if not story_ids:
            return {}
        marks = ",".join("?" * len(story_ids))
        rows = self._conn.execute(
            f"SELECT story_id, MIN(published), MAX(published), COUNT(*) - COUNT(published) FROM articles"
            f" WHERE story_id IN ({marks}) GROUP BY story_id", list(story_ids))
        return {r[0]: (r[1], r[2], int(r[3])) for r in rows}

    def active_sources(self, since: datetime, until: datetime) -> list[SourceActivity]:
        """Per named source and language, the articles published from ``since`` to ``until`` (both included),
        most first: one query on the ``web_articles_when`` index (published, source, lang) alone."""
        rows = self._conn.execute(
            "SELECT source, lang, COUNT(*) FROM articles WHERE published >= ? AND published <= ?"
            " AND source IS NOT NULL GROUP BY source, lang ORDER BY COUNT(*) DESC, source, lang",
            (to_iso(since), to_iso(until)),
        )
        return [SourceActivity(source=r[0], lang=r[1], articles=int(r[2])) for r in rows]

    def _with_dates(self, stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Stories with ``first_published``, ``last_published`` (None when no article is dated) and ``undated``."""
        spans = self.dated_spans([s["id"] for s in stories])
        for story in stories:
            first, last, undated = spans.get(story["id"], (None, None, 0))
            story.update(first_published=first, last_published=last, undated=undated)
        return stories

    def story_page(self, f: StoryFilter) -> tuple[list[dict[str, Any]], bool]:
        """One page of stories matching ``f`` and whether more follow (one query: limit + 1 rows)."""
        where, params = story_conditions(f)
        query = fts_query(f.q)
        if query:
            where.append(
                "s.id IN (SELECT a.story_id FROM article_search x JOIN articles a ON a.seq = x.rowid"
                " WHERE article_search MATCH ?)"
            )
            params.append(query)
        elif f.q.strip():
            return [], False  # only punctuation: nothing can match
        sql = f"{_STORY_SELECT} WHERE {' AND '.join(where)} ORDER BY {_ORDER_BY[f.sort]} LIMIT ? OFFSET ?"
        rows = self._conn.execute(sql, [*params, f.limit + 1, f.offset]).fetchall()
        return self._with_dates([_story_dict(r) for r in rows[: f.limit]]), len(rows) > f.limit

    def story_rows(self, story_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The rows ``story_row`` gives, for many stories, in the order asked (unknown ids left out)."""
        found: dict[str, dict[str, Any]] = {}
        for chunk, marks in in_chunks(list(story_ids)):
            for row in self._conn.execute(f"{_STORY_SELECT} WHERE s.id IN ({marks})", chunk):
                found[row[0]] = _story_dict(row)
        return self._with_dates([found[i] for i in story_ids if i in found])

    def story_row(self, story_id: str) -> dict[str, Any] | None:
        """One story as the API lists it, with its dated span."""
        row = self._conn.execute(f"{_STORY_SELECT} WHERE s.id = ?", (story_id,)).fetchone()
        return self._with_dates([_story_dict(row)])[0] if row else None

    def final_story(self, story_id: str, hops: int = 50) -> str:
        """Where a merged story's articles are now: its ``merged_into``, followed through later merges."""
        seen = {story_id}
        current = story_id
        for _ in range(hops):
            row = self._conn.execute("SELECT merged_into FROM stories WHERE id = ?", (current,)).fetchone()
            if row is None or not row[0] or row[0] in seen:
                return current
            current = row[0]
            seen.add(current)
        return current

    def story_article_rows(self, story_id: str) -> list[dict[str, Any]]:
        """The articles of one story (no body text): the dated oldest first, then the undated (``time`` None)
        in the order they arrived; an ingest time is never shown as if it were a publication date."""
        rows = self._conn.execute(
            "SELECT id, title, lang, source, url, published, duplicate_of, similarity, published IS NULL"
            " FROM articles WHERE story_id = ? ORDER BY published IS NULL, published, seq",
            (story_id,),
        )
        keys = ("id", "title", "lang", "source", "url", "time", "duplicate_of", "similarity", "undated")
        return [{**dict(zip(keys, r, strict=True)), "undated": bool(r[8])} for r in rows]

    def article_row(self, article_id: str) -> dict[str, Any] | None:
        """One article with its story link and cleaning record, as the API shows it."""
        row = self._conn.execute(
            "SELECT id, title, text, url, source, published, lang, lang_confidence, ingested, story_id,"
            " duplicate_of, similarity, removed, extra FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        keys = ("id", "title", "text", "url", "source", "published", "lang", "lang_confidence",
                "ingested", "story_id", "duplicate_of", "similarity")
        found = dict(zip(keys, row[:12], strict=True))
        found["removed"] = [{"line": line, "reason": reason} for line, reason in json.loads(row[12])]
        found["extra"] = json.loads(row[13], parse_constant=lambda name: None)  # a stored NaN reads as null
        return found

    def story_vector_encoder(self, story_id: str) -> str | None:
        """The name of the encoder that made a story's stored vectors (None if it has none)."""
        row = self._conn.execute(
            "SELECT v.encoder FROM articles a JOIN vectors v ON v.article_id = a.id WHERE a.story_id = ? LIMIT 1",
            (story_id,),
        ).fetchone()
        return row[0] if row else None

    def known_values(self) -> tuple[list[str], list[str]]:
        """Languages and sources that occur in the database, most frequent first (for filter menus)."""
        langs = [r[0] for r in self._conn.execute(
            "SELECT lang FROM articles GROUP BY lang ORDER BY COUNT(*) DESC LIMIT 60")]
        sources = [r[0] for r in self._conn.execute(
            "SELECT source FROM articles WHERE source IS NOT NULL GROUP BY source"
            " ORDER BY COUNT(*) DESC LIMIT 200")]
        return langs, sources
