"""SQL both backends share: statements written once with ``?`` placeholders, run by each backend in its own
parameter style (SQLite ``?``, PostgreSQL ``%s``). Row classes here hold no connection; each backend's
``Connected`` supplies ``run`` and ``own_transaction``."""

from __future__ import annotations

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
    read (RETURNING included: SQLite has it since 3.35). The backend's ``Connected`` supplies the two methods."""

    def run(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Execute one statement written with ``?`` placeholders (and no literal question mark)."""
        raise NotImplementedError

    def own_transaction(self) -> AbstractContextManager[None]:
        """A write transaction, or a part of the caller's if one is open."""
        raise NotImplementedError
