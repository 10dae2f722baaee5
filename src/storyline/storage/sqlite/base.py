"""What every part of the SQLite backend shares: the connection attribute and small SQL helpers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from storyline.storage.portable import Portable


class Connected(Portable):
    """A part of the SQLite store: its methods run on ``self._conn`` (autocommit; transactions are
    opened explicitly by ``transaction()`` or ``own_transaction``)."""

    _conn: sqlite3.Connection
    path: str

    def run(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """A shared statement (storage.portable): SQLite reads its ``?`` placeholders as they are."""
        return self._conn.execute(sql, params)

    @contextmanager
    def own_transaction(self) -> Iterator[None]:
        """A write transaction, or a part of the caller's if one is open."""
        if self._conn.in_transaction:
            yield
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def ids_in(self, column: str, ids: Sequence[str]) -> Iterator[tuple[str, list[Any]]]:
        """One ``column IN (?, …)`` per slice of 500 ids (SQLite caps a statement's parameters)."""
        for chunk, marks in in_chunks(ids):
            yield f"{column} IN ({marks})", chunk


def in_chunks(ids: Sequence[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """Ids in slices small enough for one ``IN (?, ?, …)`` each, with their placeholders.

    >>> [marks for _, marks in in_chunks(["a", "b", "c"], size=2)]
    ['?,?', '?']
    """
    for start in range(0, len(ids), size):
        chunk = list(ids[start : start + size])
        yield chunk, ",".join("?" * len(chunk))
