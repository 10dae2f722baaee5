"""Cleaning: the noise extractors leave inside an article body taken out, each line with its reason.

The public surface: :func:`clean` and :func:`clean_many` give a :class:`Cleaned` text with the
lines removed and why; :func:`line_reason` and :func:`is_headline_shaped` judge one line.
``cleaner`` runs the passes over a body, ``rules`` judges a line on its own, ``vocab`` holds the
phrase lists the rules match.
"""

from storyline.clean.cleaner import Cleaned, clean, clean_many
from storyline.clean.rules import is_headline_shaped, line_reason

__all__ = ["Cleaned", "clean", "clean_many", "is_headline_shaped", "line_reason"]
