"""PostgreSQL's migrations 4 and 5 (SQLite's 8 and 9): article vectors, then briefs' cached sentence vectors,
from float32 bytes to today's stored form (``storage.stored_form``: float16). The server has no such cast, so
the rows are read, converted in Python and written back, in slices by key: memory stays flat however many
rows there are."""

from __future__ import annotations

import psycopg

from storyline.storage.stored_form import float16_blob

_SLICE = 2000
# (table, its key columns): each table's rows are visited in key order, one slice after another
_VECTORS = (("vectors", ("article_id",)),)
_SENTENCES = (("sentences", ("article_id", "encoder", "idx")),)


def vectors_to_float16(conn: psycopg.Connection) -> None:
    """Convert every stored vector of ``vectors`` (inside the migration's transaction)."""
    _to_float16(conn, _VECTORS)


def sentences_to_float16(conn: psycopg.Connection) -> None:
    """Convert every cached sentence vector of ``sentences`` (inside the migration's transaction)."""
    _to_float16(conn, _SENTENCES)


def _to_float16(conn: psycopg.Connection, tables: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
    for table, key in tables:
        columns = ", ".join(key)
        matches = " AND ".join(f"{column} = %s" for column in key)
        after: tuple | None = None
        while True:
            where = f"WHERE ({columns}) > ({', '.join(['%s'] * len(key))})" if after else ""
            rows = conn.execute(f"SELECT {columns}, vector FROM {table} {where} ORDER BY {columns} LIMIT {_SLICE}",
                                after or ()).fetchall()
            if not rows:
                break
            with conn.cursor() as cur:
                cur.executemany(f"UPDATE {table} SET vector = %s WHERE {matches}",
                                [(float16_blob(bytes(row[-1])), *row[:-1]) for row in rows])
            after = tuple(rows[-1][:-1])
