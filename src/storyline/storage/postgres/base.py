"""What every part of the PostgreSQL backend shares: the connection attribute and transactions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from storyline.storage.portable import Portable


class Connected(Portable):
    """A part of the PostgreSQL store: its methods run on ``self._conn`` (autocommit; transactions are
    opened by ``transaction()`` or ``own_transaction``)."""

    _conn: psycopg.Connection
    path: str
    schema: str

    def run(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor:
        """A shared statement (storage.portable): its ``?`` placeholders become psycopg's ``%s``."""
        return self._conn.execute(sql.replace("?", "%s"), params)

    @contextmanager
    def own_transaction(self) -> Iterator[None]:
        """A write transaction, or a part of the caller's (a savepoint) if one is open."""
        with self._conn.transaction():
            yield

    def ids_in(self, column: str, ids: Sequence[str]) -> Iterator[tuple[str, list[Any]]]:
        """One ``column = ANY(array)`` for all the ids: one parameter, however many."""
        if ids:
            yield f"{column} = ANY(?::text[])", [list(ids)]

