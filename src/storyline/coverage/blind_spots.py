"""Blind spots: the sources that published in the database while a story ran and did not carry it.

The window is the story's dated span widened by ``MARGIN`` on each side (a story of one article still
has a day either side); a source is silent when none of the story's articles, copies included, is
its. Each silent source is grouped under the language it published most in during the window.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from storyline.coverage.types import BlindSpots, LanguageBlindSpots, Piece, QuietSource
from storyline.storage.rows import SourceActivity

__all__ = ["MARGIN", "MAX_PER_LANGUAGE", "blind_spots", "window"]

MARGIN = timedelta(days=1)
MAX_PER_LANGUAGE = 20


def window(pieces: Sequence[Piece]) -> tuple[datetime, datetime] | None:
    """The span a story's blind spots are looked for in; None when no article is dated."""
    times = [p.time for p in pieces if p.time is not None]
    if not times:
        return None
    return min(times) - MARGIN, max(times) + MARGIN


def blind_spots(active: Iterable[SourceActivity], covering: Iterable[str], since: datetime,
                until: datetime) -> BlindSpots:
    """The sources of ``active`` that are not among ``covering`` (case folded), by language.

    >>> from datetime import datetime, UTC
    >>> t = datetime(2026, 4, 14, tzinfo=UTC)
    >>> found = blind_spots([SourceActivity("Wire", "en", 3), SourceActivity("Herald", "en", 2),
    ...                      SourceActivity("Wire", "es", 1)], ["herald"], t, t)
    >>> [(g.lang, [(s.source, s.articles) for s in g.sources]) for g in found.languages]
    [('en', [('Wire', 4)])]
    """
    covered = {name.casefold() for name in covering}
    per_lang: dict[str, Counter] = defaultdict(Counter)
    for row in active:
        if row.source.casefold() not in covered:
            per_lang[row.source][row.lang] += row.articles
    grouped: dict[str, list[QuietSource]] = defaultdict(list)
    for source, langs in per_lang.items():
        main = min(langs, key=lambda lang: (-langs[lang], lang))
        grouped[main].append(QuietSource(source, sum(langs.values())))
    groups = []
    for lang, quiet in grouped.items():
        quiet.sort(key=lambda q: (-q.articles, q.source.casefold()))
        groups.append(LanguageBlindSpots(lang, tuple(quiet[:MAX_PER_LANGUAGE]), max(0, len(quiet) - MAX_PER_LANGUAGE)))
    groups.sort(key=lambda g: (-(len(g.sources) + g.more), g.lang))
    return BlindSpots(since, until, tuple(groups))
