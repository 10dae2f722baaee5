"""PostgreSQL's side of the story reads (storage.portable.search has the statements both backends run):
how a story's languages and sources are searched (text arrays) and its text search.

Text search: ``article_search`` holds one ``tsvector`` per article, filled lazily by ``sync_search``
(any process may bring it up to date). Its words are made here, not by the server's parser or
locale: every run of letters and digits, case-folded and stripped of accents (as SQLite's FTS5
``unicode61 remove_diacritics 2``), so every language and script is searched alike, and a query's
words match as word prefixes, all of them required (as in SQLite).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from storyline.storage.portable.schema import READ_INDEXES
from storyline.storage.portable.search import ListField, StoryReads
from storyline.storage.postgres.base import Connected
from storyline.storage.postgres.connect import LOCK_SEARCH, lock_key

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_LONGEST_WORD = 200  # characters; a tsvector word has at most 2 KB
_POSITIONS_PER_WORD, _LAST_POSITION = 256, 16383  # what a tsvector keeps of a word's positions


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


class SearchRows(Connected, StoryReads):
    ARTICLE_HITS = "article_search x JOIN articles a ON a.seq = x.seq WHERE x.doc @@ ?::tsquery"

    def lists_hold_any(self, field: ListField, values: Sequence[str]) -> tuple[str, list[Any]]:
        """Array overlap; sources against ``sources_folded``, the case-folded copy the store keeps."""
        column = "sources_folded" if field == "sources" else field
        return f"s.{column} && ?::text[]", [list(values)]

    def search_query(self, words: str) -> str:
        return ts_query(words)

    def prepare_reads(self) -> None:
        """Create the web layer's indexes if they are missing (one process at a time)."""
        with self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", lock_key(LOCK_SEARCH, self.schema))
            for statement in READ_INDEXES:
                self._conn.execute(statement)

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
