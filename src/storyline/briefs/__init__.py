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

from storyline.briefs.build import MAX_CLAIMS, brief, build_brief, encoder_for
from storyline.briefs.render import FORMATS, SCHEMA, brief_to_dict, plain, render, to_html, to_markdown, to_text

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
