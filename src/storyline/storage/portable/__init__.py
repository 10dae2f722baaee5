"""SQL both backends share: statements written once with ``?`` placeholders, run by each backend in its own
parameter style (SQLite ``?``, PostgreSQL ``%s``). Row classes here hold no connection; each backend's
``Connected`` supplies ``run``, ``own_transaction`` and ``ids_in`` (how a list of ids is matched)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol


class Cursor(Protocol):
    """The part of a DB-API cursor the shared statements read."""

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Portable:
    """A row class whose SQL runs on either backend: only ``?`` placeholders, and standard SQL both servers
    read (RETURNING included: SQLite has it since 3.35; ``CAST(? AS INTEGER)`` where PostgreSQL must know a
    parameter's type). The backend's ``Connected`` supplies the methods below."""

    def run(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Execute one statement written with ``?`` placeholders (and no literal question mark)."""
        raise NotImplementedError

    def own_transaction(self) -> AbstractContextManager[None]:
        """A write transaction, or a part of the caller's if one is open."""
        raise NotImplementedError

    def ids_in(self, column: str, ids: Sequence[str]) -> Iterator[tuple[str, list[Any]]]:
        """``column`` is one of ``ids``: a condition and its parameters per statement to run (SQLite: one
        ``IN (?, …)`` per slice of ids; PostgreSQL: one ``= ANY(array)``); nothing for no ids."""
        raise NotImplementedError


def text_list(stored: str | Sequence[str]) -> list[str]:
    """A list of text as a backend gives it back: JSON text (SQLite) or an array (PostgreSQL).

    >>> text_list('["en", "es"]'), text_list(["en", "es"])
    (['en', 'es'], ['en', 'es'])
    """
    return json.loads(stored) if isinstance(stored, str) else list(stored)
