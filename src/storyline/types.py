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
    size: int = 0


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
class SummarySentence:
    text: str
    article_id: str
    lang: str
    source: str | None = None


@dataclass(frozen=True)
class Brief:
    """What a story says, with every sentence traceable to its article."""

    story_id: str
    headline: str
    summary: tuple[SummarySentence, ...]
    entities: tuple[Mapping[str, Any], ...]
    quote_groups: tuple[Mapping[str, Any], ...]
    single_source_claims: tuple[SummarySentence, ...]
    timeline: tuple[Mapping[str, Any], ...]
    sources: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class PairScore:
    """How similar two articles are on the SemEval-2022 Task 8 scale (1 same story … 4 unrelated)."""

    overall: float
    cosine: float
    shared_entities: tuple[str, ...] = ()
    matched_sentences: tuple[tuple[str, str, float], ...] = ()
    date_gap_days: float | None = None
