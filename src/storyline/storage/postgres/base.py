"""What every part of the PostgreSQL backend shares: the connection attribute and transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg


class Connected:
    """A part of the PostgreSQL store: its methods run on ``self._conn`` (autocommit; transactions are
    opened by ``transaction()`` or ``own_transaction``)."""

    _conn: psycopg.Connection
    path: str
    schema: str

    @contextmanager
    def own_transaction(self) -> Iterator[None]:
        """A write transaction, or a part of the caller's (a savepoint) if one is open."""
        with self._conn.transaction():
            yield

