"""Old home of the store, kept so imports in flight keep working: use ``storyline.storage``
(``open_store``, ``Store``) instead. No code of Storyline itself imports this module."""

from storyline.storage import from_iso, open_existing, to_iso, utcnow
from storyline.storage.sqlite import SqliteStore as Store
from storyline.storage.sqlite.schema import MIGRATIONS

__all__ = ["MIGRATIONS", "Store", "from_iso", "open_existing", "to_iso", "utcnow"]
