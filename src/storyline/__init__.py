"""Storyline: a local-first multilingual news story engine.

Articles in (files, feeds, stdin), stories and briefs out.
"""

__version__ = "0.1.0"
