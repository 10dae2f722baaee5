"""Story briefs: what happened, who says what, and where the sources agree or differ, across languages.

The public surface: ``build_brief`` (a story of a store) and ``brief`` (a database file) make a
typed ``Brief``; ``render`` writes it as text, Markdown, JSON (``brief_to_dict``: the schema of
docs/brief-schema.md) or one HTML page.

Modules, in the order a brief is made: ``text`` (sentences and quoted spans), ``quotes`` (quotations,
speakers, the same quotation across languages), ``match`` (two sentences stating one fact),
``select`` (summary and single-source claims over sentence vectors), ``facts`` (what needs no
vectors: families, entities, timeline, sources, headline), ``cache`` (sentence vectors kept in the
store), ``build`` (the brief from a stored story), ``render`` (the output formats).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from storyline.briefs.render import FORMATS, SCHEMA, brief_to_dict, plain, render, to_html, to_markdown, to_text

if TYPE_CHECKING:
    from storyline.briefs.build import MAX_CLAIMS, brief, build_brief, encoder_for

__all__ = [
    "FORMATS",
    "MAX_CLAIMS",
    "SCHEMA",
    "brief",
    "brief_to_dict",
    "build_brief",
    "encoder_for",
    "plain",
    "render",
    "to_html",
    "to_markdown",
    "to_text",
]

# ``build`` loads on first use of one of its names: `storyline stories` needs ``plain`` alone, not the
# entity and quote machinery that building a brief imports.
_BUILT_BY_BUILD = frozenset({"MAX_CLAIMS", "brief", "build_brief", "encoder_for"})


def __getattr__(name: str) -> Any:
    if name not in _BUILT_BY_BUILD:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.build"), name)
