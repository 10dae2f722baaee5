"""The SQLite backend (the embedded default): every SQL statement for SQLite lives in this package."""

from storyline.storage.sqlite.store import SqliteStore, stored_encoder

__all__ = ["SqliteStore", "stored_encoder"]
