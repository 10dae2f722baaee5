"""The PostgreSQL backend (psycopg 3): every SQL statement for PostgreSQL lives in this package."""

from storyline.storage.postgres.store import PostgresStore, encoder_at_url, store_exists

__all__ = ["PostgresStore", "encoder_at_url", "store_exists"]
