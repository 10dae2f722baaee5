"""Running the PostgreSQL migrations a schema lacks (``schema.MIGRATIONS``; the versions run are rows
of ``storyline_migrations``). Each runs in its own transaction under an advisory lock, the version read
again inside it: many processes opening one new database migrate it once."""

from __future__ import annotations

import psycopg

from storyline.dates import to_iso, utcnow
from storyline.errors import StoreError
from storyline.storage.postgres.connect import LOCK_MIGRATE, lock_key
from storyline.storage.postgres.schema import MIGRATIONS

_VERSIONS = "CREATE TABLE IF NOT EXISTS storyline_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"


def schema_version(conn: psycopg.Connection) -> int:
    """How many migrations the schema has run (0 for one Storyline never touched)."""
    if conn.execute("SELECT to_regclass('storyline_migrations')").fetchone()[0] is None:  # type: ignore[index]
        return 0
    row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM storyline_migrations").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: psycopg.Connection, schema: str, shown: str, *, create_schema: bool) -> None:
    """Run the migrations this schema lacks (``create_schema``: make the schema first if missing)."""
    if create_schema and conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", lock_key(LOCK_MIGRATE, schema))
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    while True:
        version = schema_version(conn)
        if version > len(MIGRATIONS):
            raise StoreError(f"database {shown} has schema version {version}, newer than this Storyline knows",
                             hint="upgrade storyline, or use another --db")
        if version == len(MIGRATIONS):
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", lock_key(LOCK_MIGRATE, schema))
            conn.execute(_VERSIONS)
            locked = schema_version(conn)
            if locked < len(MIGRATIONS):
                step = MIGRATIONS[locked]
                if callable(step):
                    step(conn)
                else:
                    conn.execute(step)  # many statements, no parameters: the simple query protocol
                conn.execute("INSERT INTO storyline_migrations(version, applied) VALUES (%s, %s)",
                             (locked + 1, to_iso(utcnow())))
