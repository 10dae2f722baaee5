"""The SQLite backend (the embedded default): every SQL statement for SQLite lives in this package."""

from storyline.storage.sqlite.store import SqliteStore, encoder_in_file

__all__ = ["SqliteStore", "encoder_in_file"]
