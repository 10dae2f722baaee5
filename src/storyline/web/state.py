"""What one web app shares across requests: a store per thread, one encoder, one engine, a brief worker.

Reads use a store (connection) per worker thread (SQLite's WAL lets them run beside the writer). The encoder
loads once, on first need, and is called under a lock; the engine is built once and ingests under
its own lock, so concurrent POSTs queue instead of interleaving batches.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.embed.base import Encoder
from storyline.settings import Settings
from storyline.storage import Store, StoryFilter, StoryVectors, open_store
from storyline.types import Brief
from storyline.web.briefing import BriefState, BriefWorker

if TYPE_CHECKING:
    from storyline.story_search import SearchHit


class LockedEncoder:
    """An Encoder whose ``encode`` is serialised (numpy models are not safe to share across threads)."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.languages = inner.languages
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self.inner.encode(texts)


class CentroidCache:
    """The unfiltered story centroids, kept in memory while no article arrives (``content_version``;
    stories change only when articles do): a search then costs one matrix product, not a read of every
    centroid. Shared by the app's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[int, StoryVectors] | None = None

    def get(self, store: Store) -> StoryVectors:
        version = store.content_version()
        with self._lock:
            if self._cached is not None and self._cached[0] == version:
                return self._cached[1]
        found = store.story_vectors(StoryFilter())
        with self._lock:
            self._cached = (version, found)
        return found


class CachedIndex:
    """One thread's store as search reads it (``SearchIndex``), unfiltered centroids from the shared cache."""

    def __init__(self, store: Store, cache: CentroidCache) -> None:
        self._store, self._cache = store, cache

    def story_vectors(self, f: StoryFilter, among: Sequence[str] | None = None) -> StoryVectors:
        if among is not None or f.langs or f.sources or f.since or f.until:
            return self._store.story_vectors(f, among)
        return self._cache.get(self._store)

    def text_ranked(self, words: str, f: StoryFilter, limit: int, among: Sequence[str] | None = None) -> list[str]:
        return self._store.text_ranked(words, f, limit, among)

    def story_rows(self, story_ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._store.story_rows(story_ids)


class AppState:
    """Shared resources of one app over the database at ``db_path``."""

    def __init__(self, db_path: str | Path, encoder: Encoder | None = None,
                 settings: Settings | None = None, brief_cache_size: int = 256) -> None:
        self.db_path = str(db_path)
        self.settings = settings or Settings.load(db=self.db_path)
        self.brief_cache_size = brief_cache_size
        self._encoder = LockedEncoder(encoder) if encoder is not None else None
        self._engine: Any = None
        self._pair_encoders: tuple[LockedEncoder, LockedEncoder | None] | None = None
        self._local = threading.local()
        self._stores: list[Store] = []
        self._lock = threading.Lock()
        self._engine_lock = threading.Lock()
        self._search_lock = threading.Lock()
        self.briefs = BriefWorker(brief_cache_size)
        self._indexed = -1  # article version the search index is known to cover
        self._centroids = CentroidCache()
        first = open_store(self.db_path)  # runs the store's migrations once, before any worker thread
        first.prepare_reads()
        self._local.store = first
        self._stores.append(first)

    # ---------- database ----------
    def store(self) -> Store:
        """This thread's own Store (connection) on the database."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db_path)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def search_stale(self) -> bool:
        """Whether articles arrived since the search index was last brought up to date."""
        return self.store().content_version() > self._indexed

    def sync_search(self) -> int:
        """Bring the text-search index up to date with the articles; a no-op when nothing arrived."""
        store = self.store()
        if store.content_version() <= self._indexed:
            return 0
        with self._search_lock:
            seen = store.content_version()
            added = store.sync_search()
            self._indexed = max(self._indexed, seen)
            return added

    def search(self, f: StoryFilter) -> list[SearchHit]:
        """Every story matching ``f.q`` under ``f``'s filters, best first (storyline.story_search): the
        index brought up to date, the query encoded once by the app's encoder when it made the stored
        vectors (else by words only)."""
        from storyline.story_search import cut_off, search_store

        self.sync_search()
        store = self.store()
        stored = store.vector_encoder()
        wanted = cut_off(stored) is not None and (self._encoder is not None or stored is not None)
        encoder = self.encoder if wanted and self.encoder.name == stored else None
        return search_store(CachedIndex(store, self._centroids), encoder, f.q, f, stored_encoder=stored)

    # ---------- models ----------
    @property
    def encoder(self) -> LockedEncoder:
        """The app's encoder, loaded on first use (from settings when none was given)."""
        with self._lock:
            if self._encoder is None:
                from storyline.embed import get_encoder

                self._encoder = LockedEncoder(get_encoder(self.settings.resolved_encoder()))
            return self._encoder

    @property
    def pair_encoders(self) -> tuple[LockedEncoder, LockedEncoder | None]:
        """The encoders the shipped pair model was fitted on: USE (the app's own when it is USE) and
        e5 when the optional wheel is installed, each under a lock. The app's encoder may be another
        (hashing, e5) whose cosines the pair model was never fitted on."""
        from storyline.embed import registry
        from storyline.similarity import default_encoder, default_wide_encoder

        with self._lock:
            if self._pair_encoders is not None:
                return self._pair_encoders
        pairs = registry.for_role(registry.PAIRS)
        app = self.encoder if self._encoder is not None or self.settings.resolved_encoder() == pairs.option else None
        use = app if app is not None and app.name == pairs.name else LockedEncoder(default_encoder())
        wide = default_wide_encoder()
        with self._lock:
            if self._pair_encoders is None:
                self._pair_encoders = (use, LockedEncoder(wide) if wide is not None else None)
            return self._pair_encoders

    def ingest(self, records: list) -> Any:
        """Ingest raw records through the one Engine; returns its IngestReport."""
        with self._engine_lock:
            if self._engine is None:
                from storyline.engine import Engine

                self._engine = Engine(self.db_path, encoder=self.encoder, settings=self.settings)
            return self._engine.ingest_records(records)

    # ---------- briefs ----------
    def brief_state(self, key: tuple, build: Callable[[], Brief], wait: float = 0.0) -> BriefState:
        """The brief for ``key`` (story id, size, update time, lang) as it is now: ready, or asked of the
        brief worker (built once while the story stays unchanged) and waited for up to ``wait`` seconds."""
        state = self.briefs.ask(key, build)
        if state.status == "pending" and wait > 0:
            state = self.briefs.wait(key, wait)
        return state

    def brief_if_cached(self, story: dict[str, Any], lang: str | None = None) -> Brief | None:
        """The story's brief if it is built as the story is now (never built here: feeds stay cheap)."""
        return self.briefs.peek((story["id"], story["size"], story["updated"], lang))

    def close(self) -> None:
        self.briefs.close()
        with self._lock:
            stores, self._stores = self._stores, []
        for store in stores:
            store.close()
        with self._engine_lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
