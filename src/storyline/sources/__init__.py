"""Readers: local files, folders and stdin become RawRecords (or Rejections, never crashes).

Feeds and HTTP fetching live in their own modules beside these.
"""

from storyline.sources.files import REJECTION_REASONS, read_paths

__all__ = ["REJECTION_REASONS", "read_paths"]
