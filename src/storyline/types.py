"""The core types every stage speaks: frozen dataclasses, no behaviour beyond small helpers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class RawRecord:
    """One input item before extraction: what a reader found, and where.

    ``origin`` names the file and line (or URL) so every error and rejection can point at it.
    """

    origin: str
    text: str | None = None
    html: str | None = None
    title: str | None = None
    id: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | datetime | None = None
    lang: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    fallback_source: str | None = None  # the source when neither the record nor its page names one (a file's name)


@dataclass(frozen=True)
class RemovedLine:
    """A line the cleaner took out of an article body, and why."""

    line: str
    reason: str


@dataclass(frozen=True)
class Article:
    """A cleaned article. ``text`` keeps paragraph breaks; a headline alone is valid (text may be '')."""

    id: str
    title: str
    text: str
    url: str | None = None
    source: str | None = None
    published: datetime | None = None
    lang: str = "und"
    lang_confidence: float = 0.0
    ingested: datetime | None = None
    content_hash: str = ""
    origin: str = ""
    removed: tuple[RemovedLine, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def time(self) -> datetime | None:
        """The time the article speaks for: its publication, else when we ingested it."""
        return self.published or self.ingested

    @property
    def full_text(self) -> str:
        """Title and body as one string, for encoders and lexical features."""
        if self.title and self.text:
            return f"{self.title}\n\n{self.text}"
        return self.title or self.text


@dataclass(frozen=True)
class Rejection:
    """An input that did not become an article: counted and reported, never silently lost."""

    origin: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Story:
    """A group of articles on one event. ``id`` is stable forever; merges are kept in lineage."""

    id: str
    article_ids: tuple[str, ...]
    first_seen: datetime | None
    last_seen: datetime | None
    languages: tuple[str, ...]
    sources: tuple[str, ...]
    status: str = "active"
    headline: str = ""
    merged_from: tuple[str, ...] = ()
    merged_into: str | None = None
    size: int = 0  # the store's: its articles, near-copies included; ``storyline.stories()``: copies counted once
    copies: int = 0  # its near-copies (``storyline.stories()`` and ``storyline.story()`` fill it: coverage.counts)


@dataclass(frozen=True)
class Assignment:
    """Where one article went: its story, how similar it was to it, whether the story is new, and the
    stories it joined together on the way (``merged``: (absorbed, into) pairs, in order)."""

    article_id: str
    story_id: str
    similarity: float
    is_new: bool
    duplicate_of: str | None = None
    merged: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CitedSentence:
    """A sentence a brief shows (summary or single-source claim): verbatim text of one stored article."""

    text: str
    article_id: str
    source: str
    lang: str


@dataclass(frozen=True)
class StoryEntity:
    """A person, place or organisation merged across a story's articles, languages and spellings."""

    name: str  # the most used form (forms in the preferred language count double)
    key: str  # the canonical key ("Siria" and "Syria" share one)
    kind: str  # place, org, topic or name
    count: int  # mentions in all articles
    articles: int  # how many articles name it
    languages: tuple[str, ...]  # those articles' languages, sorted
    forms: tuple[str, ...]  # up to six surface forms, most used first


@dataclass(frozen=True)
class QuoteVariant:
    """One quotation as one article carries it: its matched sentences joined (" … " marks a gap)."""

    text: str
    article_id: str
    source: str
    lang: str
    speaker: str | None


@dataclass(frozen=True)
class QuoteGroup:
    """One quotation carried by two or more source families, in any languages."""

    text: str  # the variant in the preferred language, else the first
    speaker: str | None  # the speaker most variants name
    languages: tuple[str, ...]
    sources: tuple[str, ...]
    variants: tuple[QuoteVariant, ...]  # one per article


@dataclass(frozen=True)
class TimelineEntry:
    """One article of a story on its timeline."""

    time: datetime | None  # UTC: the publication time when ``published``, else when it was ingested
    published: bool
    article_id: str
    source: str
    lang: str
    title: str
    url: str | None
    # A near-copy's original (copies of copies lead to the first one); None for an original. A copy is
    # counted once, with its original, in every total a brief shows.
    copy_of: str | None


@dataclass(frozen=True)
class Brief:
    """What a story says, with every sentence traceable to its article (JSON: docs/brief-schema.md)."""

    story_id: str
    headline: str
    summary: tuple[CitedSentence, ...]
    entities: tuple[StoryEntity, ...]
    quote_groups: tuple[QuoteGroup, ...]
    single_source_claims: tuple[CitedSentence, ...]
    timeline: tuple[TimelineEntry, ...]
    sources: Mapping[str, tuple[str, ...]]  # language -> its sources, sorted; languages with most sources first


@dataclass(frozen=True)
class PairScore:
    """How similar two articles are on the SemEval-2022 Task 8 scale (1 same story … 4 unrelated)."""

    overall: float
    cosine: float
    shared_entities: tuple[str, ...] = ()
    matched_sentences: tuple[tuple[str, str, float], ...] = ()
    date_gap_days: float | None = None
