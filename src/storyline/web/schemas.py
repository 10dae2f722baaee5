"""Pydantic models that document the JSON API in OpenAPI (/docs); handlers answer plain dicts."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from storyline.briefs.render import SCHEMA
from storyline.coverage import Coverage
from storyline.types import Brief


class StorylineNeighbour(BaseModel):
    story_id: str
    headline: str


class StoryStoryline(BaseModel):
    """Where a story stands in its storyline: shown on the story's page and in its API detail."""

    id: str
    events: int
    position: int  # 1-based, in the storyline's timeline
    previous: StorylineNeighbour | None
    next: StorylineNeighbour | None


class ErrorOut(BaseModel):
    error: str
    hint: str = ""


class StoryOut(BaseModel):
    id: str
    headline: str
    size: int  # its articles, a near-copy counted once with its original (coverage.counts)
    copies: int = 0  # the near-copies beside them
    languages: list[str]
    sources: list[str]  # the sources of its originals first, then the ``copiers``
    copiers: list[str] = []  # the sources that only carried near-copies of its articles
    first_seen: str | None
    last_seen: str | None
    status: str
    merged_into: str | None
    updated: str
    first_published: str | None  # the span of its dated articles (as first_seen/last_seen; None: none dated)
    last_published: str | None
    undated: int  # articles with no publication date
    # with a search (q): the fused rank score, the query's cosine to the story (None: not matched by
    # meaning) and its rank by words (None: not matched by words)
    score: float | None = None
    cosine: float | None = None
    text_rank: int | None = None


class StoryPage(BaseModel):
    stories: list[StoryOut]
    limit: int
    offset: int
    next_offset: int | None
    version: int


class StoryArticle(BaseModel):
    id: str
    title: str
    lang: str
    source: str | None
    url: str | None
    time: str | None  # publication time; None when the article is undated
    duplicate_of: str | None
    similarity: float
    undated: bool


def _brief_model() -> type[BaseModel]:
    """The brief's JSON (docs/brief-schema.md) as a model: ``schema``, then the fields of ``Brief`` as declared,
    its nested dataclasses documented as they are. Derived from the type, so the API schema cannot drift from it."""
    hints = get_type_hints(Brief)
    declared: dict[str, Any] = {f.name: (hints[f.name], ...) for f in fields(Brief)}
    version = Field(..., alias="schema", description=f'the schema version, "{SCHEMA}"')
    return create_model("BriefOut", __doc__="A story's brief (docs/brief-schema.md).", schema_=(str, version),
                        **declared)


if TYPE_CHECKING:
    BriefOut = BaseModel
else:
    BriefOut = _brief_model()


class StoryDetail(StoryOut):
    articles: list[StoryArticle]
    brief: BriefOut | None
    brief_error: str | None
    # ready; pending (being built in the background: ask again, or pass ?wait=SECONDS); failed; unavailable;
    # none (no articles, or merged)
    brief_status: Literal["ready", "pending", "failed", "unavailable", "none"]
    note: str | None  # "merged into s58" for a merged story (its articles are listed there)
    storyline: StoryStoryline | None  # its storyline, with the events before and after it
    coverage: Coverage | None  # sources by language, copies, first reporter, chart, blind spots (None: merged)


class RemovedOut(BaseModel):
    line: str
    reason: str


class ArticleOut(BaseModel):
    id: str
    title: str
    text: str
    url: str | None
    source: str | None
    published: str | None
    lang: str
    lang_confidence: float
    ingested: str | None
    story_id: str
    duplicate_of: str | None
    similarity: float
    removed: list[RemovedOut]
    extra: dict[str, Any]


class MatchedSentence(BaseModel):
    a: str
    b: str
    cosine: float


class CompareOut(BaseModel):
    a: str
    b: str
    overall: float
    label: str
    cosine: float
    shared_entities: list[str]
    matched_sentences: list[MatchedSentence]
    date_gap_days: float | None


class ArticleIn(BaseModel):
    """One article, with the fields of a JSONL input line; unknown fields are kept in ``extra``."""

    model_config = ConfigDict(extra="allow")
    id: str | None = None
    title: str | None = None
    text: str | None = None
    html: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    lang: str | None = None


class AssignmentOut(BaseModel):
    article_id: str
    story_id: str
    similarity: float
    is_new: bool
    duplicate_of: str | None


class RejectionOut(BaseModel):
    item: int | None
    reason: str
    detail: str


class WarningOut(BaseModel):
    item: int
    field: str
    value: str
    message: str


class IngestOut(BaseModel):
    ingested: int
    already_stored: int
    duplicates: int
    stories_created: int
    stories_updated: int
    assignments: list[AssignmentOut]
    rejected: list[RejectionOut]
    warnings: list[WarningOut]


class VersionOut(BaseModel):
    version: int
