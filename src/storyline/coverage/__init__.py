"""A story's coverage at a glance (issue #19 item 3): sources by language, originals and the near-copies
credited to them, who reported first, articles over time by language, and the sources that stayed silent.

``story_coverage`` reads a stored story (two store reads: its article rows and the sources active over its
span) and returns a typed ``Coverage``; ``coverage_of`` computes one from invented pieces. Modules:
``types`` (the values), ``facts`` (originals, languages, first reporter), ``chart`` (bars over time),
``blind_spots``, ``svg`` (the chart drawn for pages and HTML briefs), ``render`` (text, Markdown, HTML,
JSON), ``entities`` (an entity's stories across languages).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from storyline.coverage.blind_spots import blind_spots, window
from storyline.coverage.chart import chart
from storyline.coverage.facts import first_reporter, languages, originals
from storyline.coverage.types import Coverage, Piece
from storyline.dates import from_iso, to_iso
from storyline.storage import SourceActivity, Store

__all__ = ["Coverage", "Piece", "coverage_of", "coverage_to_dict", "piece_of_row", "story_coverage"]


def piece_of_row(row: Mapping[str, Any]) -> Piece:
    """A row of ``Store.story_article_rows`` as a ``Piece``, its source named as briefs name it."""
    from storyline.briefs.facts import source_name
    from storyline.types import Article

    named = source_name(Article(id=row["id"], title="", text="", url=row.get("url"), source=row.get("source")))
    time = row["time"] if isinstance(row["time"], datetime) or row["time"] is None else from_iso(row["time"])
    return Piece(row["id"], named, row.get("lang") or "und", time, row.get("title") or "", row.get("duplicate_of"))


def coverage_of(story_id: str, pieces: Sequence[Piece], active: Iterable[SourceActivity] = ()) -> Coverage:
    """The coverage of a story made of ``pieces``; ``active`` are the sources that published during its
    window (``blind_spots.window``), what its blind spots are drawn from."""
    found = originals(pieces)
    span = window(pieces)
    silent = blind_spots(active, {p.source for p in pieces}, *span) if span else None
    return Coverage(
        story_id=story_id,
        articles=len(found),
        copies=sum(len(o.copies) for o in found),
        sources=len({o.source for o in found}),
        languages=languages(found),
        first=first_reporter(found),
        copied=tuple(o for o in found if o.copies),
        chart=chart(found),
        blind_spots=silent,
    )


def story_coverage(store: Store, story_id: str) -> Coverage:
    """The coverage of a stored story (a merged or unknown one has no articles: all totals 0)."""
    pieces = [piece_of_row(row) for row in store.story_article_rows(story_id)]
    span = window(pieces)
    active = store.active_sources(*span) if span else []
    return coverage_of(story_id, pieces, active)


def _json_value(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {key: to_iso(value) if isinstance(value, datetime) else value for key, value in pairs}


def coverage_to_dict(coverage: Coverage) -> dict[str, Any]:
    """The coverage as JSON data: its fields as declared, times as ISO 8601 UTC ("Z")."""
    return asdict(coverage, dict_factory=_json_value)
