"""The reads the story list, pages and API need, each one SQL statement (no per-row queries), in
PostgreSQL.

Text search: ``article_search`` holds one ``tsvector`` per article, filled lazily by ``sync_search``
(any process may bring it up to date). Its words are made here, not by the server's parser or
locale: every run of letters and digits, case-folded and stripped of accents (as SQLite's FTS5
``unicode61 remove_diacritics 2``), so every language and script is searched alike, and a query's
words match as word prefixes, all of them required (as in SQLite).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storyline.dates import to_iso
from storyline.storage.postgres.base import Connected
from storyline.storage.postgres.connect import LOCK_SEARCH, lock_key
from storyline.storage.postgres.schema import READ_SCHEMA
from storyline.storage.rows import SourceActivity, StoryFilter

_ORDER_BY = {
    # by time, the stories with no dated article (no span) come after the dated ones
    "recent": "s.last_seen IS NULL, substr(COALESCE(s.last_seen, s.updated), 1, 10) DESC, s.size DESC, s.seq DESC",
    "latest": "s.last_seen IS NULL, COALESCE(s.last_seen, s.updated) DESC, s.seq DESC",
    "size": "s.size DESC, s.seq DESC",
}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_LONGEST_WORD = 200  # characters; a tsvector word has at most 2 KB
_POSITIONS_PER_WORD, _LAST_POSITION = 256, 16383  # what a tsvector keeps of a word's positions
_STORY_SELECT = (
    "SELECT s.id, s.headline, s.size, s.languages, s.sources, s.first_seen, s.last_seen,"
    " s.status, s.merged_into, s.updated FROM stories s"
)


def _plain_words(text: str) -> list[str]:
    """The words of ``text`` in order: runs of letters and digits, case-folded, without accents."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return [word for word in _WORD.findall(plain) if len(word) <= _LONGEST_WORD]


def search_words(text: str) -> list[str]:
    """The words of ``text`` as the index keeps them: case-folded, without accents, each once.

    >>> search_words("Grúas en el PUERTO, grúas")
    ['el', 'en', 'gruas', 'puerto']
    """
    return sorted(set(_plain_words(text)))


def search_document(text: str) -> str:
    """A tsvector literal of ``text``: each word with its positions (how often it occurs counts for
    relevance; PostgreSQL keeps positions up to 16383, 256 per word).

    >>> search_document("Strike, strike! Port strike")
    "'port':3 'strike':1,2,4"
    """
    positions: dict[str, list[str]] = {}
    for at, word in enumerate(_plain_words(text), 1):
        kept = positions.setdefault(word, [])
        if len(kept) < _POSITIONS_PER_WORD:
            kept.append(str(min(at, _LAST_POSITION)))
    return " ".join(f"'{word}':{','.join(at)}" for word, at in sorted(positions.items()))


def ts_query(text: str) -> str:
    """A tsquery literal: every word of ``text`` must appear, as a word prefix.

    >>> ts_query('Port "strike" OR')
    "'or':* & 'port':* & 'strike':*"
    """
    return " & ".join(f"'{word}':*" for word in search_words(text))


def _story_dict(row: Sequence[Any]) -> dict[str, Any]:
    """A stories row as the API shows it."""
    return {
        "id": row[0], "headline": row[1], "size": row[2], "languages": list(row[3]),
        "sources": list(row[4]), "first_seen": row[5], "last_seen": row[6],
        "status": row[7], "merged_into": row[8], "updated": row[9],
    }


def story_conditions(f: StoryFilter) -> tuple[list[str], list[Any]]:
    """The WHERE conditions (on ``stories s``) and parameters of ``f``'s language, source and date filters;
    merged stories never pass."""
    where = ["s.status != 'merged'"]
    params: list[Any] = []
    if f.langs:
        where.append("s.languages && %s::text[]")
        params.append(list(f.langs))
    if f.sources:
        # any case in any script: "el faro mediterráneo" finds "El Faro Mediterráneo"
        where.append("s.sources_folded && %s::text[]")
        params.append([source.casefold() for source in f.sources])
    if f.since is not None:
        where.append("COALESCE(s.last_seen, s.updated) >= %s")
        params.append(to_iso(f.since))
    if f.until is not None:
        where.append("COALESCE(s.first_seen, s.created) <= %s")
        params.append(to_iso(f.until))
    return where, params


class SearchRows(Connected):
    def prepare_reads(self) -> None:
        """Create the web layer's indexes if they are missing (one process at a time)."""
        with self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", lock_key(LOCK_SEARCH, self.schema))
            for statement in READ_SCHEMA:
                self._conn.execute(statement)

    def content_version(self) -> int:
        """A number that grows whenever articles arrive (stories only change when articles do)."""
        row = self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()
        return int(row[0]) if row else 0

    def sync_search(self, batch: int = 5000) -> int:
        """Index articles the search table has not seen yet; returns how many were added. Several
        processes may call it at once: they take turns (an advisory lock), none indexes twice."""
        added = 0
        while True:
            with self._conn.transaction(), self._conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", lock_key(LOCK_SEARCH, self.schema))
                cur.execute(
                    "SELECT seq, title, text FROM articles"
                    " WHERE seq > (SELECT COALESCE(MAX(seq), 0) FROM article_search) ORDER BY seq LIMIT %s",
                    (batch,),
                )
                rows = cur.fetchall()
                cur.executemany(
                    "INSERT INTO article_search(seq, doc) VALUES (%s, %s::tsvector)",
                    [(seq, search_document(f"{title}\n{text}")) for seq, title, text in rows],
                )
            added += len(rows)
            if len(rows) < batch:
                return added

    def dated_spans(self, story_ids: Sequence[str]) -> dict[str, tuple[str | None, str | None, int]]:
        """Per story: (first, last) publication time of its dated articles and how many are undated."""
        if not story_ids:
            return {}
        rows = self._conn.execute(
            "SELECT story_id, MIN(published), MAX(published), COUNT(*) - COUNT(published) FROM articles"
            " WHERE story_id = ANY(%s::text[]) GROUP BY story_id", (list(story_ids),))
        return {r[0]: (r[1], r[2], int(r[3])) for r in rows}

    def active_sources(self, since: datetime, until: datetime) -> list[SourceActivity]:
        """Per named source and language, the articles published from ``since`` to ``until`` (both included),
        most first: one query on the ``web_articles_when`` index (published, source, lang) alone."""
        rows = self._conn.execute(
            "SELECT source, lang, COUNT(*) FROM articles WHERE published >= %s AND published <= %s"
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
        query = ts_query(f.q)
        if query:
            where.append(
                "s.id IN (SELECT a.story_id FROM article_search x JOIN articles a ON a.seq = x.seq"
                " WHERE x.doc @@ %s::tsquery)"
            )
            params.append(query)
        elif f.q.strip():
            return [], False  # only punctuation: nothing can match
        sql = f"{_STORY_SELECT} WHERE {' AND '.join(where)} ORDER BY {_ORDER_BY[f.sort]} LIMIT %s OFFSET %s"
        rows = self._conn.execute(sql, [*params, f.limit + 1, f.offset]).fetchall()
        return self._with_dates([_story_dict(r) for r in rows[: f.limit]]), len(rows) > f.limit

    def story_rows(self, story_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The rows ``story_row`` gives, for many stories, in the order asked (unknown ids left out)."""
        rows = self._conn.execute(f"{_STORY_SELECT} WHERE s.id = ANY(%s::text[])", (list(story_ids),))
        found = {row[0]: _story_dict(row) for row in rows}
        return self._with_dates([found[i] for i in story_ids if i in found])

    def story_row(self, story_id: str) -> dict[str, Any] | None:
        """One story as the API lists it, with its dated span."""
        row = self._conn.execute(f"{_STORY_SELECT} WHERE s.id = %s", (story_id,)).fetchone()
        return self._with_dates([_story_dict(row)])[0] if row else None

    def final_story(self, story_id: str, hops: int = 50) -> str:
        """Where a merged story's articles are now: its ``merged_into``, followed through later merges."""
        seen = {story_id}
        current = story_id
        for _ in range(hops):
            row = self._conn.execute("SELECT merged_into FROM stories WHERE id = %s", (current,)).fetchone()
            if row is None or not row[0] or row[0] in seen:
                return current
            current = row[0]
            seen.add(current)
        return current

    def story_article_rows(self, story_id: str) -> list[dict[str, Any]]:
        """The articles of one story (no body text): the dated oldest first, then the undated in arrival order."""
        rows = self._conn.execute(
            "SELECT id, title, lang, source, url, published, duplicate_of, similarity, published IS NULL"
            " FROM articles WHERE story_id = %s ORDER BY published IS NULL, published, seq",
            (story_id,),
        )
        keys = ("id", "title", "lang", "source", "url", "time", "duplicate_of", "similarity", "undated")
        return [{**dict(zip(keys, r, strict=True)), "undated": bool(r[8])} for r in rows]

    def article_row(self, article_id: str) -> dict[str, Any] | None:
        """One article with its story link and cleaning record, as the API shows it."""
        row = self._conn.execute(
            "SELECT id, title, text, url, source, published, lang, lang_confidence, ingested, story_id,"
            " duplicate_of, similarity, removed, extra FROM articles WHERE id = %s",
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
            "SELECT v.encoder FROM articles a JOIN vectors v ON v.article_id = a.id WHERE a.story_id = %s LIMIT 1",
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
