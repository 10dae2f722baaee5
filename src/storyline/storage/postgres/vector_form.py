"""PostgreSQL's migrations 4, 5 and 6 (SQLite's 8, 9 and 10): article vectors, then briefs' cached sentence
vectors, from float32 bytes to float16; then article vectors from float16 to today's stored form
(``storage.stored_form``: a signed byte per dimension and a scale per row). The server has no such cast, so
the rows are read, converted in Python and written back, in slices by key: memory stays flat however many
rows there are."""

from __future__ import annotations

from collections.abc import Callable

import psycopg

from storyline.storage.stored_form import float16_blob, int8_blob

_SLICE = 2000
# (table, its key columns): each table's rows are visited in key order, one slice after another
_VECTORS = ("vectors", ("article_id",))
_SENTENCES = ("sentences", ("article_id", "encoder", "idx"))


def vectors_to_float16(conn: psycopg.Connection) -> None:
    """Convert every stored vector of ``vectors`` from float32 (inside the migration's transaction)."""
    _convert(conn, _VECTORS, float16_blob)


def sentences_to_float16(conn: psycopg.Connection) -> None:
    """Convert every cached sentence vector of ``sentences`` from float32 (inside the migration's transaction)."""
    _convert(conn, _SENTENCES, float16_blob)


def vectors_to_int8(conn: psycopg.Connection) -> None:
    """Convert every stored vector of ``vectors`` from float16 (inside the migration's transaction)."""
    _convert(conn, _VECTORS, int8_blob)


def _convert(conn: psycopg.Connection, table_key: tuple[str, tuple[str, ...]],
             convert: Callable[[bytes], bytes]) -> None:
    table, key = table_key
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
                            [(convert(bytes(row[-1])), *row[:-1]) for row in rows])
        after = tuple(rows[-1][:-1])
