"""The typed values of a story's coverage: who carried it in which language, who first, copies credited to
their originals, articles over time, and the sources that stayed silent. Frozen; nothing here computes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Piece:
    """One article of a story as coverage reads it: no text. ``source`` is already a name (the stored
    source, else the web host, else "unknown"); ``time`` is its publication time (None: undated)."""

    article_id: str
    source: str
    lang: str
    time: datetime | None
    title: str
    duplicate_of: str | None = None


@dataclass(frozen=True)
class Reporter:
    """The article that carried the story first (overall or in one language)."""

    article_id: str
    source: str
    lang: str
    time: datetime


@dataclass(frozen=True)
class Copy:
    """A near-copy: counted once, with its original (``original_id``), never on its own."""

    article_id: str
    source: str
    lang: str
    original_id: str


@dataclass(frozen=True)
class Original:
    """An article with the near-copies of it the story holds (credited to it)."""

    article_id: str
    source: str
    lang: str
    time: datetime | None
    title: str
    copies: tuple[Copy, ...]


@dataclass(frozen=True)
class SourceCount:
    """One source in one language: its original articles and how many near-copies of them exist."""

    source: str
    articles: int
    copied: int


@dataclass(frozen=True)
class LanguageCoverage:
    """One language of a story: its articles (copies counted once, with their original), its sources
    with original articles, the sources that only carried copies, and who reported first in it."""

    lang: str
    articles: int
    copies: int
    sources: tuple[SourceCount, ...]
    copiers: tuple[str, ...]
    first: Reporter | None


@dataclass(frozen=True)
class LanguageSources:
    """One language of a story's Sources list: each source with original articles in it, and the sources
    that carried near-copies of them (credited to it, not listed on their own)."""

    lang: str
    sources: tuple[tuple[str, tuple[str, ...]], ...]  # (source, copied by), sorted by source


@dataclass(frozen=True)
class LangCount:
    lang: str
    articles: int


@dataclass(frozen=True)
class ChartBar:
    """One time step of the chart: its original articles per language, [start, end)."""

    start: datetime
    end: datetime
    counts: tuple[LangCount, ...]
    total: int


@dataclass(frozen=True)
class Chart:
    """Articles over time by language (copies counted once). ``step`` names the bar width ("1 hour",
    "1 day"); ``languages`` are in stacking order (most articles first); ``undated`` are not drawn."""

    step: str
    bars: tuple[ChartBar, ...]
    languages: tuple[str, ...]
    peak: int
    undated: int


@dataclass(frozen=True)
class QuietSource:
    """A source that published in the database during the story's window and did not carry the story."""

    source: str
    articles: int  # its articles in the window (all languages)


@dataclass(frozen=True)
class LanguageBlindSpots:
    """The silent sources of one language (the one each published most in during the window), busiest
    first; ``more`` says how many beyond those listed."""

    lang: str
    sources: tuple[QuietSource, ...]
    more: int = 0


@dataclass(frozen=True)
class BlindSpots:
    """Sources active from ``since`` to ``until`` (the story's dated span with a margin) that did not cover it."""

    since: datetime
    until: datetime
    languages: tuple[LanguageBlindSpots, ...]

    @property
    def count(self) -> int:
        return sum(len(group.sources) + group.more for group in self.languages)


@dataclass(frozen=True)
class Coverage:
    """A story's coverage at a glance. Every total counts a near-copy once, with its original:
    ``articles`` are originals, ``copies`` the near-copies beside them; ``sources`` the sources with an
    original article. ``blind_spots`` is None for a story with no dated article (it has no window)."""

    story_id: str
    articles: int
    copies: int
    sources: int
    languages: tuple[LanguageCoverage, ...]
    first: Reporter | None
    copied: tuple[Original, ...]  # the originals that have near-copies, each with them
    chart: Chart
    blind_spots: BlindSpots | None
