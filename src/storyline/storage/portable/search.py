"""The reads the story list, pages and API need, each one SQL statement (no per-row queries): one piece of
SQL for both backends. What differs stays in each backend behind small hooks: how a story's list of
languages or sources is searched (``lists_hold_any``) and its text search (``search_query`` and
``ARTICLE_HITS``); so do ``prepare_reads`` and ``sync_search``, which build each backend's search index."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Literal

from storyline.dates import to_iso
from storyline.storage.portable import Portable, text_list
from storyline.storage.rows import SourceActivity, StoryFilter, originals_first

ListField = Literal["languages", "sources"]

# The near-copies of story ``s``: its articles that are a ``duplicate_of`` another article of it (each counted
# once, with its original: coverage.counts). One probe of the partial index ``web_articles_copies`` per story.
COPIES_OF_STORY = (
    "(SELECT COUNT(*) FROM articles c JOIN articles o ON o.id = c.duplicate_of"
    " WHERE c.story_id = s.id AND c.duplicate_of IS NOT NULL AND o.story_id = s.id)"
)
_ORDER_BY = {
    # by time, the stories with no dated article (no span) come after the dated ones; the stored size (copies
    # included) only breaks ties within a day there, where the index serves the order
    "recent": "s.last_seen IS NULL, substr(COALESCE(s.last_seen, s.updated), 1, 10) DESC, s.size DESC, s.seq DESC",
    "latest": "s.last_seen IS NULL, COALESCE(s.last_seen, s.updated) DESC, s.seq DESC",
    # "Biggest": by originals, a near-copy counted once
    "size": f"s.size - {COPIES_OF_STORY} DESC, s.seq DESC",
}
_STORY_SELECT = (
    f"SELECT s.id, s.headline, s.size, s.languages, s.sources, s.first_seen, s.last_seen,"
    f" s.status, s.merged_into, s.updated, {COPIES_OF_STORY} FROM stories s"
)


def _story_dict(row: Sequence[Any]) -> dict[str, Any]:
    """A stories row as the API shows it: ``size`` its originals, ``copies`` the near-copies beside them."""
    copies = int(row[10])
    return {
        "id": row[0], "headline": row[1], "size": row[2] - copies, "copies": copies,
        "languages": text_list(row[3]), "sources": text_list(row[4]), "first_seen": row[5], "last_seen": row[6],
        "status": row[7], "merged_into": row[8], "updated": row[9],
    }


class StoryReads(Portable):
    def lists_hold_any(self, field: ListField, values: Sequence[str]) -> tuple[str, list[Any]]:
        """A condition on ``stories s``: its ``field`` holds one of ``values`` (sources compared
        case-folded: ``values`` come folded), and its parameters."""
        raise NotImplementedError

    # the articles ``a`` that hold every word of one text query (a ``?``): the text-search index joined to them
    ARTICLE_HITS: ClassVar[str]

    def search_query(self, words: str) -> str:
        """The backend's text query for ``words``: every word, as a word prefix ("" when none is left)."""
        raise NotImplementedError

    def text_match(self, words: str) -> tuple[str, list[Any]] | None:
        """A condition on ``stories s``: one of its articles holds every word of ``words`` (as a word
        prefix), and its parameters; None when ``words`` has no word to search for."""
        query = self.search_query(words)
        return (f"s.id IN (SELECT a.story_id FROM {self.ARTICLE_HITS})", [query]) if query else None

    def story_conditions(self, f: StoryFilter) -> tuple[list[str], list[Any]]:
        """The WHERE conditions (on ``stories s``) and parameters of ``f``'s language, source and date
        filters; merged stories never pass."""
        where = ["s.status != 'merged'"]
        params: list[Any] = []
        if f.langs:
            condition, values = self.lists_hold_any("languages", f.langs)
            where.append(condition)
            params += values
        if f.sources:
            # any case in any script: "el faro mediterráneo" finds "El Faro Mediterráneo"
            condition, values = self.lists_hold_any("sources", [source.casefold() for source in f.sources])
            where.append(condition)
            params += values
        if f.since is not None:
            where.append("COALESCE(s.last_seen, s.updated) >= ?")
            params.append(to_iso(f.since))
        if f.until is not None:
            where.append("COALESCE(s.first_seen, s.created) <= ?")
            params.append(to_iso(f.until))
        return where, params

    def content_version(self) -> int:
        """A number that grows whenever articles arrive (stories only change when articles do)."""
        return int(self.run("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    def dated_spans(self, story_ids: Sequence[str]) -> dict[str, tuple[str | None, str | None, int]]:
        """Per story: (first, last) publication time of its dated articles and how many are undated.

        The count of undated articles is what the stored span (of the dated ones) cannot say. One query
        for a whole page of stories.
        """
        spans: dict[str, tuple[str | None, str | None, int]] = {}
        for among, params in self.ids_in("story_id", story_ids):
            rows = self.run(
                "SELECT story_id, MIN(published), MAX(published), COUNT(*) - COUNT(published) FROM articles"
                f" WHERE {among} GROUP BY story_id", params)
            spans.update((r[0], (r[1], r[2], int(r[3]))) for r in rows)
        return spans

    def story_copies(self, story_ids: Sequence[str]) -> dict[str, int]:
        """Per story, its near-copies (those with none left out): what its stored size counts twice."""
        found: dict[str, int] = {}
        for among, params in self.ids_in("s.id", list(story_ids)):
            rows = self.run(f"SELECT s.id, {COPIES_OF_STORY} FROM stories s WHERE {among}", params)
            found.update((r[0], int(r[1])) for r in rows if r[1])
        return found

    def active_sources(self, since: datetime, until: datetime) -> list[SourceActivity]:
        """Per named source and language, the articles published from ``since`` to ``until`` (both included),
        most first: one query on the ``web_articles_when`` index (published, source, lang) alone."""
        rows = self.run(
            "SELECT source, lang, COUNT(*) FROM articles WHERE published >= ? AND published <= ?"
            " AND source IS NOT NULL GROUP BY source, lang ORDER BY COUNT(*) DESC, source, lang",
            (to_iso(since), to_iso(until)),
        )
        return [SourceActivity(source=r[0], lang=r[1], articles=int(r[2])) for r in rows]

    def copy_only_sources(self, story_ids: Sequence[str]) -> dict[str, set[str]]:
        """Per story, the sources that carried only near-copies in it (none of its originals); stories with none
        left out. One query for a page of stories (ask only for those with copies: it reads their copies)."""
        found: dict[str, set[str]] = {}
        for among, params in self.ids_in("c.story_id", list(story_ids)):
            rows = self.run(
                "SELECT c.story_id, c.source FROM articles c JOIN articles o ON o.id = c.duplicate_of"
                f" WHERE {among} AND c.duplicate_of IS NOT NULL AND o.story_id = c.story_id AND c.source IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM articles x LEFT JOIN articles xo ON xo.id = x.duplicate_of"
                " WHERE x.story_id = c.story_id AND x.source = c.source"
                " AND (xo.id IS NULL OR xo.story_id <> x.story_id))", params)
            for story_id, source in rows:
                found.setdefault(story_id, set()).add(source)
        return found

    def _with_dates(self, stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Stories with ``first_published``, ``last_published`` (None when no article is dated) and ``undated``;
        a story with near-copies lists the sources of its originals first, then ``copiers``: those that only copied."""
        spans = self.dated_spans([s["id"] for s in stories])
        copiers = self.copy_only_sources([s["id"] for s in stories if s["copies"]])
        for story in stories:
            first, last, undated = spans.get(story["id"], (None, None, 0))
            story.update(first_published=first, last_published=last, undated=undated)
            story["sources"], story["copiers"] = originals_first(story["sources"], copiers.get(story["id"], ()))
        return stories

    def story_page(self, f: StoryFilter) -> tuple[list[dict[str, Any]], bool]:
        """One page of stories matching ``f`` and whether more follow (one query: limit + 1 rows)."""
        where, params = self.story_conditions(f)
        match = self.text_match(f.q)
        if match is not None:
            where.append(match[0])
            params += match[1]
        elif f.q.strip():
            return [], False  # only punctuation: nothing can match
        if f.sort == "size":
            rows = self._biggest(where, params, f.offset + f.limit + 1)[f.offset:]
        else:
            sql = f"{_STORY_SELECT} WHERE {' AND '.join(where)} ORDER BY {_ORDER_BY[f.sort]} LIMIT ? OFFSET ?"
            rows = self.run(sql, [*params, f.limit + 1, f.offset]).fetchall()
        return self._with_dates([_story_dict(r) for r in rows[: f.limit]]), len(rows) > f.limit

    def _biggest(self, where: list[str], params: list[Any], wanted: int) -> list[Sequence[Any]]:
        """The first ``wanted`` stories by originals (``_ORDER_BY["size"]``) without counting every story's
        copies: read by stored size (its index), which bounds the originals from above, until the
        ``wanted``-th best has more originals than any story still unread can have."""
        sql = (f"{_STORY_SELECT.replace(' FROM stories s', ', s.seq FROM stories s')}"
               f" WHERE {' AND '.join(where)} ORDER BY s.size DESC, s.seq DESC LIMIT ? OFFSET ?")
        best: list[Sequence[Any]] = []
        chunk, read = max(2 * wanted, 64), 0
        while True:
            rows = self.run(sql, [*params, chunk, read]).fetchall()
            read += len(rows)
            best = sorted([*best, *rows], key=lambda r: (r[10] - r[2], -r[11]))[:wanted]
            if len(rows) < chunk or (len(best) == wanted and best[-1][2] - best[-1][10] > rows[-1][2]):
                return [r[:11] for r in best]
            chunk *= 2

    def story_rows(self, story_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The rows ``story_row`` gives, for many stories, in the order asked (unknown ids left out)."""
        found: dict[str, dict[str, Any]] = {}
        for among, params in self.ids_in("s.id", list(story_ids)):
            for row in self.run(f"{_STORY_SELECT} WHERE {among}", params):
                found[row[0]] = _story_dict(row)
        return self._with_dates([found[i] for i in story_ids if i in found])

    def story_row(self, story_id: str) -> dict[str, Any] | None:
        """One story as the API lists it, with its dated span."""
        row = self.run(f"{_STORY_SELECT} WHERE s.id = ?", (story_id,)).fetchone()
        return self._with_dates([_story_dict(row)])[0] if row else None

    def final_story(self, story_id: str, hops: int = 50) -> str:
        """Where a merged story's articles are now: its ``merged_into``, followed through later merges."""
        seen = {story_id}
        current = story_id
        for _ in range(hops):
            row = self.run("SELECT merged_into FROM stories WHERE id = ?", (current,)).fetchone()
            if row is None or not row[0] or row[0] in seen:
                return current
            current = row[0]
            seen.add(current)
        return current

    def story_article_rows(self, story_id: str) -> list[dict[str, Any]]:
        """The articles of one story (no body text): the dated oldest first, then the undated (``time`` None)
        in the order they arrived; an ingest time is never shown as if it were a publication date."""
        rows = self.run(
            "SELECT id, title, lang, source, url, published, duplicate_of, similarity, published IS NULL"
            " FROM articles WHERE story_id = ? ORDER BY published IS NULL, published, seq",
            (story_id,),
        )
        keys = ("id", "title", "lang", "source", "url", "time", "duplicate_of", "similarity", "undated")
        return [{**dict(zip(keys, r, strict=True)), "undated": bool(r[8])} for r in rows]

    def article_row(self, article_id: str) -> dict[str, Any] | None:
        """One article with its story link and cleaning record, as the API shows it."""
        row = self.run(
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
        row = self.run(
            "SELECT v.encoder FROM articles a JOIN vectors v ON v.article_id = a.id WHERE a.story_id = ? LIMIT 1",
            (story_id,),
        ).fetchone()
        return row[0] if row else None

    def known_values(self) -> tuple[list[str], list[str]]:
        """Languages and sources that occur in the database, most frequent first (for filter menus)."""
        langs = [r[0] for r in self.run("SELECT lang FROM articles GROUP BY lang ORDER BY COUNT(*) DESC LIMIT 60")]
        sources = [r[0] for r in self.run(
            "SELECT source FROM articles WHERE source IS NOT NULL GROUP BY source ORDER BY COUNT(*) DESC LIMIT 200")]
        return langs, sources
