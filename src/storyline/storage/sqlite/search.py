"""SQLite's side of the story reads (storage.portable.search has the statements both backends run): how
a story's languages and sources are searched (JSON lists) and its text search.

Text search uses the ``article_search`` FTS5 table, filled lazily from ``articles`` by
``sync_search`` (the engine does not know about it, so any process may bring it up to date).
``prepare_reads`` creates it and the list indexes; all ``IF NOT EXISTS``, so it is idempotent and
leaves the migrations alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from storyline.storage.portable.search import ListField, StoryReads
from storyline.storage.sqlite.base import Connected
from storyline.storage.sqlite.schema import READ_SCHEMA

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """A safe FTS5 query: every word of ``text`` must appear (as a word prefix).

    >>> fts_query('port "strike" OR')
    '"port"* "strike"* "OR"*'
    """
    return " ".join(f'"{word}"*' for word in _WORD.findall(text))


class SearchRows(Connected, StoryReads):
    ARTICLE_HITS = "article_search x JOIN articles a ON a.seq = x.rowid WHERE article_search MATCH ?"

    def lists_hold_any(self, field: ListField, values: Sequence[str]) -> tuple[str, list[Any]]:
        """The stored JSON list, one element at a time; sources through ``casefold`` (the store registers
        it: SQLite's own lower() and NOCASE fold ASCII only)."""
        marks = ",".join("?" * len(values))
        element = "casefold(value)" if field == "sources" else "value"
        return f"EXISTS (SELECT 1 FROM json_each(s.{field}) WHERE {element} IN ({marks}))", list(values)

    def search_query(self, words: str) -> str:
        return fts_query(words)

    def prepare_reads(self) -> None:
        """Create the web layer's indexes and search table if they are missing."""
        for statement in READ_SCHEMA:
            self._conn.execute(statement)

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
