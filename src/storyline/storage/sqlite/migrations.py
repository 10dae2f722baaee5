"""Running the SQLite migrations a database lacks (``schema.MIGRATIONS``; version in PRAGMA user_version)."""

from __future__ import annotations

import sqlite3

from storyline.errors import StoreError
from storyline.storage.sqlite.schema import MIGRATIONS
from storyline.storage.stored_form import float16_blob, int8_blob


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, path: str) -> None:
    """Run the migrations this database lacks, one transaction each. The version is read again
    inside the transaction: another process opening the same new file may have just run it."""
    conn.create_function("float16_vector", 1, float16_blob, deterministic=True)  # migrations 8 and 9's conversion
    conn.create_function("int8_vector", 1, int8_blob, deterministic=True)  # migration 10's
    while True:
        version = schema_version(conn)
        if version > len(MIGRATIONS):
            raise StoreError(
                f"database {path} has schema version {version}, newer than this Storyline knows",
                hint="upgrade storyline, or use another --db",
            )
        if version == len(MIGRATIONS):
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) == version:
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
