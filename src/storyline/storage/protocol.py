"""The Store protocol: the only door to storage. Small protocols, one per concern, make up ``Store``;
a caller that needs one concern may ask for that one alone (``ArticleLookup``-style).

Every backend (SQLite today, PostgreSQL next) implements all of them and passes the contract suite
in ``tests/storage``. No caller sees a connection or a query: only these methods and typed values
(``storyline.types``, ``storyline.storage.rows``). Rows shown by the web API are plain dicts of JSON
values, as the API returns them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from storyline.storage.rows import (
    ArticleSummary,
    FeedState,
    HeadlineCandidate,
    SourceActivity,
    StoryFilter,
    StorylineEvent,
    StorylineSummary,
    StorylineUpdate,
    StoryLink,
    StoryVectors,
    UrlState,
    Watch,
    WatchHit,
)
from storyline.types import Article, Story

# (article, story id, similarity, duplicate_of, vector, MinHash signature): one stored article
ArticleRow = tuple[Article, str, float, str | None, np.ndarray, np.ndarray]
# (lang, source, ISO time) of a story's new member
MemberFacts = tuple[str | None, str | None, str | None]


class Database(Protocol):
    """Opening, transactions and the writer lease of one database."""

    path: str  # the file (SQLite) or URL the store was opened on, for messages and second connections

    def schema_version(self) -> int:
        """How many migrations the database has run."""
        ...

    def transaction(self) -> AbstractContextManager[Any]:
        """``with store.transaction():`` — all or nothing; writes outside one commit on their own."""
        ...

    def snapshot(self) -> AbstractContextManager[Any]:
        """``with store.snapshot():`` — reads that all see the database as of one moment."""
        ...

    def close(self) -> None: ...

    def checkpoint(self) -> None:
        """Make the stored file(s) whole on disk now (SQLite: fold the write-ahead log in)."""
        ...

    def space_by_table(self) -> dict[str, int]:
        """Bytes each table and index takes, biggest first (what to shrink; benchmarks/bench_dbsize.py)."""
        ...

    def shared_connections(self) -> bool:
        """True if a second store opened on ``path`` sees the same database and may write while this
        one reads (so a background writer thread can have its own)."""
        ...

    def writer_lease(self, *, timeout: float | None = None,
                     on_wait: Callable[[str], None] | None = None) -> AbstractContextManager[Any]:
        """``with store.writer_lease():`` — one process at a time assigns articles to stories."""
        ...


class Counters(Protocol):
    """Named counters that never go backwards (story ids, written batches)."""

    def set_counter(self, name: str, value: int) -> None: ...

    def bump_counter(self, name: str) -> None: ...

    def counter(self, name: str) -> int: ...

    def last_story_number(self) -> int:
        """The highest story number issued (the counter, or a higher stored story). Read inside the
        write transaction, it tells whether another writer took ids since this one read them."""
        ...


class ArticleStore(Protocol):
    """Articles with their vectors and MinHash signatures."""

    def insert_article(self, article: Article, *, story_id: str, similarity: float,
                       duplicate_of: str | None) -> None: ...

    def insert_articles(self, rows: Sequence[ArticleRow], encoder: str) -> None: ...

    def insert_vector(self, article_id: str, encoder: str, vector: np.ndarray) -> None: ...

    def hashes_of(self, article_ids: Sequence[str]) -> dict[str, str]: ...

    def lead_of(self, article_id: str, chars: int) -> tuple[str, str] | None: ...

    def get_article(self, article_id: str) -> Article | None: ...

    def find_article_by_url(self, url: str) -> Article | None: ...

    def article_meta(self, article_id: str) -> dict[str, Any] | None: ...

    def story_of(self, article_id: str) -> str | None: ...

    def get_vector(self, article_id: str) -> np.ndarray | None: ...

    def get_vectors(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]: ...

    def iter_minhashes(self, last: int) -> Iterator[tuple[str, np.ndarray, str | None]]: ...

    def story_articles(self, story_id: str) -> list[Article]: ...

    def articles_of_stories(self, story_ids: Iterable[str]) -> list[tuple[str, Article]]: ...

    def duplicate_links(self, story_id: str) -> dict[str, str | None]: ...

    def count_articles(self) -> int: ...

    def article_story_pairs(self) -> list[tuple[str, str]]: ...

    def article_summaries(self) -> list[ArticleSummary]: ...

    def vector_encoder(self) -> str | None: ...

    def text_start(self, article_id: str, chars: int) -> str: ...


class StoryStore(Protocol):
    """Stories: their summary rows, headlines, merges and lineage."""

    def create_story(self, story_id: str, seq: int) -> bool: ...

    def create_stories(self, stories: Sequence[tuple[str, int]]) -> set[str]: ...

    def refresh_story(self, story_id: str, headline: str, headline_article: str | None) -> None: ...

    def grow_story(self, story_id: str, added: Sequence[MemberFacts]) -> tuple[int, int]: ...

    def grow_stories(self, grown: Sequence[tuple[str, Sequence[MemberFacts]]]) -> list[tuple[int, int]]: ...

    def headline_candidates(self, story_id: str, last: int) -> list[HeadlineCandidate]: ...

    def headline_candidates_of(self, story_ids: Sequence[str], last: int) -> dict[str, list[HeadlineCandidate]]: ...

    def set_headline(self, story_id: str, headline: str, headline_article: str | None) -> None: ...

    def set_headlines(self, headlines: Sequence[tuple[str, str, str | None]]) -> None: ...

    def merge_story(self, absorbed: str, into: str) -> None: ...

    def close_stories_before(self, cutoff: datetime) -> int: ...

    def recent_story_ids(self, limit: int | None = None) -> list[str]: ...

    def get_story(self, story_id: str) -> Story | None: ...

    def list_stories(self, *, limit: int | None = None, offset: int = 0,
                     include_merged: bool = False) -> list[Story]: ...


class RejectionStore(Protocol):
    """Inputs that were not stored, with their reasons: one row per input and reason."""

    def insert_rejection(self, origin: str, reason: str, detail: str) -> None: ...

    def insert_rejections(self, rows: Iterable[tuple[str, str, str]]) -> None: ...

    def rejection_counts(self) -> dict[str, int]: ...


class SentenceStore(Protocol):
    """Sentence vectors cached for briefs, per article and encoder."""

    def sentence_vectors(self, article_ids: Sequence[str], encoder: str) -> dict[str, dict[str, np.ndarray]]: ...

    def replace_sentences(self, article_id: str, encoder: str,
                          rows: Sequence[tuple[str, str, str | None, np.ndarray]]) -> None: ...

    def transaction(self) -> AbstractContextManager[Any]: ...


class FetchLog(Protocol):
    """What the fetcher has seen: one row per canonical URL and per feed. Each write commits on its
    own, or with the caller's transaction when one is open."""

    def fetch_url_state(self, url: str) -> UrlState | None: ...

    def record_fetch(self, url: str, status: str, *, reason: str = "", detail: str = "",
                     final_url: str | None = None, feed_url: str | None = None, article_id: str | None = None,
                     etag: str | None = None, last_modified: str | None = None) -> None: ...

    def fetch_feed_state(self, url: str) -> FeedState | None: ...

    def record_feed_poll(self, url: str, status: str, *, detail: str = "", etag: str | None = None,
                         last_modified: str | None = None, keep_validators: bool = False,
                         items_new: int = 0) -> None: ...

    def fetch_status_counts(self) -> dict[str, int]: ...


class StoryReads(Protocol):
    """The reads the story list, pages and API need, each one query (no per-row queries)."""

    def prepare_reads(self) -> None:
        """Create what fast list reads and text search need, if missing (idempotent)."""
        ...

    def content_version(self) -> int:
        """A number that grows whenever articles arrive (stories only change when articles do)."""
        ...

    def sync_search(self, batch: int = 5000) -> int:
        """Index articles search has not seen yet: text search, and their vectors into their stories'
        centroids (``SearchIndex.story_vectors``); returns how many were added to text search."""
        ...

    def story_page(self, f: StoryFilter) -> tuple[list[dict[str, Any]], bool]:
        """One page of stories matching ``f`` and whether more follow."""
        ...

    def story_row(self, story_id: str) -> dict[str, Any] | None: ...

    def final_story(self, story_id: str, hops: int = 50) -> str: ...

    def story_article_rows(self, story_id: str) -> list[dict[str, Any]]: ...

    def article_row(self, article_id: str) -> dict[str, Any] | None: ...

    def story_vector_encoder(self, story_id: str) -> str | None: ...

    def known_values(self) -> tuple[list[str], list[str]]: ...

    def dated_spans(self, story_ids: Sequence[str]) -> dict[str, tuple[str | None, str | None, int]]: ...

    def story_copies(self, story_ids: Sequence[str]) -> dict[str, int]:
        """Per story, its near-copies (articles ``duplicate_of`` another of its articles); stories with none left
        out. The rows above give ``size`` as originals and ``copies`` already (coverage.counts)."""
        ...

    def copy_only_sources(self, story_ids: Sequence[str]) -> dict[str, set[str]]:
        """Per story, the sources that carried only near-copies in it; stories with none left out."""
        ...

    def active_sources(self, since: datetime, until: datetime) -> list[SourceActivity]:
        """Per named source and language, how many articles were published from ``since`` to ``until``
        (both included; undated articles and articles with no source left out), most articles first."""
        ...


class SearchIndex(Protocol):
    """What ranked search reads (``storyline.search``): story centroids for meaning, stories ranked by
    text relevance, and story rows by id. Both indexes are as fresh as the last ``sync_search``.
    ``f.q``, ``f.sort``, ``f.limit`` and ``f.offset`` are ignored: the caller ranks and pages."""

    def story_vectors(self, f: StoryFilter, among: Sequence[str] | None = None) -> StoryVectors:
        """Unit centroids of the stories (not merged away) that pass ``f``'s language, source and date
        filters, only those in ``among`` when given."""
        ...

    def text_ranked(self, words: str, f: StoryFilter, limit: int,
                    among: Sequence[str] | None = None) -> list[str]:
        """Ids of stories one of whose articles holds every word of ``words`` (as word prefixes, accents
        and case ignored), best text relevance (BM25) first, at most ``limit``; filtered as above."""
        ...

    def story_rows(self, story_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The rows ``story_row`` gives, for many stories at once, in the order asked (unknown ids left out)."""
        ...


class WatchStore(Protocol):
    """Saved searches (watches), the stories they caught, and how their webhook notices went."""

    def add_watch(self, query: str, *, lang: str | None, webhook: str | None, encoder: str | None,
                  vector: np.ndarray | None) -> Watch:
        """Store a new watch; returns it with its id."""
        ...

    def list_watches(self) -> list[Watch]:
        """Every watch, oldest first, with its vector, its hit count and its hits per delivery state."""
        ...

    def remove_watch(self, watch_id: int) -> bool:
        """Delete a watch and its hits; False if there was none with that id."""
        ...

    def record_hits(self, hits: Sequence[tuple[int, str, str, int]]) -> list[WatchHit]:
        """Store (watch id, story id, kind, size) hits, delivery "pending" for a watch with a webhook
        and "none" otherwise; returns them with their ids."""
        ...

    def record_delivery(self, hit_id: int, delivery: str, attempts: int, error: str = "") -> None:
        """How a hit's webhook notice went (one of ``rows.DELIVERIES``), after ``attempts`` tries."""
        ...

    def watch_hits(self, watch_id: int, limit: int = 50) -> list[WatchHit]:
        """A watch's newest ``limit`` hits, newest first."""
        ...


class StorylineStore(Protocol):
    """Storylines: which storyline each story belongs to, with the facts the online linker resumes from
    (``storyline.storylines``), merges of storylines, and the reads lists and timelines need."""

    def save_storylines(self, update: StorylineUpdate) -> None:
        """Write one batch's changes: new storylines, story links (upserted), storyline merges (the absorbed
        one's stories move to ``into``, the absorbed row keeps ``merged_into``), links of absorbed stories
        removed. Joins the caller's transaction when one is open."""
        ...

    def storyline_links(self, last: int) -> list[StoryLink]:
        """The ``last`` most recently changed links (by ``step``), oldest change first."""
        ...

    def last_storyline_number(self) -> int:
        """The highest storyline number stored (0 when none)."""
        ...

    def storyline_of(self, story_id: str) -> str | None:
        """The storyline a (not merged) story belongs to, None if it has none."""
        ...

    def list_storylines(self, *, min_stories: int = 1, limit: int | None = None,
                        offset: int = 0) -> list[StorylineSummary]:
        """Storylines not merged away with at least ``min_stories`` stories, the most recently dated first."""
        ...

    def get_storyline(self, storyline_id: str) -> StorylineSummary | None:
        """One storyline (a merged one too: its ``merged_into`` says where its stories went)."""
        ...

    def storyline_events(self, storyline_id: str, summary_chars: int = 200) -> list[StorylineEvent]:
        """Its stories as a timeline, oldest first (undated last), each with a one-line summary."""
        ...


class Store(Database, Counters, ArticleStore, StoryStore, RejectionStore, SentenceStore, FetchLog,
            StoryReads, SearchIndex, WatchStore, StorylineStore, Protocol):
    """Everything a backend offers: what ``open_store`` returns."""
