"""The PostgreSQL backend (psycopg 3): every SQL statement for PostgreSQL lives in this package."""

from storyline.storage.postgres.connect import with_schema
from storyline.storage.postgres.store import PostgresStore, drop_schema, encoder_at_url, schema_ready

__all__ = ["PostgresStore", "drop_schema", "encoder_at_url", "schema_ready", "with_schema"]
