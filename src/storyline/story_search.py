"""Hybrid story search: by meaning in any language, and by words, fused into one ranked list.

Meaning: the query's vector from the database's own encoder against each story's centroid (the mean of
its members' vectors, ``SearchIndex.story_vectors``); a story at or above the encoder's
``search_cosine`` (embed/registry.py) is a match, so "terremoto" finds an earthquake reported only in
English. Words: stories one of whose articles holds every word of the query (FTS5, BM25 order).

Fusion is **reciprocal-rank fusion** (RRF, k = 60): a story scores the sum of 1 / (60 + rank) over the
two lists it appears in. Ranks, not raw scores, are fused because a cosine and a BM25 value live on
unrelated scales; RRF needs no calibration between them and rewards a story both lists agree on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np

from storyline.embed import Encoder, get_encoder, option_for, registry
from storyline.storage import SearchIndex, StoryFilter

__all__ = [
    "RRF_K",
    "SearchHit",
    "candidates",
    "encode_query",
    "filter_of",
    "fuse",
    "matching",
    "query_encoder",
    "rank",
    "search_store",
]

RRF_K = 60  # the usual RRF constant: a rank-1 hit is worth 1/61, and the tail flattens out
CANDIDATES = 500  # the most stories each list contributes (and so the most a search returns)


@dataclass(frozen=True)
class SearchHit:
    """One story found: its row (as ``/api/stories`` lists it), its fused score, and what found it
    (``cosine`` to the query when it matched by meaning, ``text_rank`` 1… when it matched by words)."""

    story_id: str
    score: float
    cosine: float | None
    text_rank: int | None
    row: dict[str, Any] = field(compare=False, repr=False)

    @property
    def headline(self) -> str:
        return str(self.row.get("headline", ""))

    def as_dict(self) -> dict[str, Any]:
        """The story row with ``score``, ``cosine`` and ``text_rank`` added (the JSON of CLI and API)."""
        cosine = None if self.cosine is None else round(self.cosine, 4)
        return {**self.row, "score": round(self.score, 6), "cosine": cosine, "text_rank": self.text_rank}


def cut_off(encoder_name: str | None, *, watch: bool = False) -> float | None:
    """The query-to-centroid cosine from which a story is about the query on this encoder's scale (a
    search result, or with ``watch`` a watch's catch); None when its vectors cannot say (search by words only)."""
    entry = registry.find(encoder_name)
    if entry is None:
        return None  # an encoder the registry does not know: its scale is unknown
    return entry.watch_cosine if watch else entry.search_cosine


@lru_cache(maxsize=2)
def query_encoder(encoder_name: str) -> Encoder:
    """The encoder that made a database's vectors, built once per process (queries then cost one encode)."""
    return get_encoder(option_for(encoder_name))


def candidates(index: SearchIndex, query: str, vector: np.ndarray | None, f: StoryFilter, *,
               encoder_name: str | None, among: Sequence[str] | None = None, watch: bool = False,
               limit: int = CANDIDATES) -> tuple[list[tuple[str, float]], list[str]]:
    """The two ranked lists: (story id, cosine) at or above the cut-off (``cut_off``), best first; and the
    stories matching every word, best BM25 first. ``among`` limits both to those stories."""
    by_meaning: list[tuple[str, float]] = []
    floor = cut_off(encoder_name, watch=watch)
    if vector is not None and floor is not None:
        stories = index.story_vectors(f, among=among)
        if stories.ids and stories.encoder == encoder_name and stories.matrix.shape[1] == vector.shape[0]:
            cosines = stories.matrix @ vector
            order = np.argsort(-cosines, kind="stable")[:limit]
            by_meaning = [(stories.ids[i], float(cosines[i])) for i in order if cosines[i] >= floor]
    by_words = index.text_ranked(query, f, limit, among=among)
    return by_meaning, by_words


def fuse(by_meaning: Sequence[tuple[str, float]], by_words: Sequence[str]) -> list[tuple[str, float, float | None,
                                                                                         int | None]]:
    """Reciprocal-rank fusion of the two lists: (story id, score, cosine, text rank), best first.

    >>> [(s, round(x, 4)) for s, x, _, _ in fuse([("s1", 0.5), ("s2", 0.4)], ["s2", "s3"])]
    [('s2', 0.0325), ('s1', 0.0164), ('s3', 0.0161)]
    """
    scores: dict[str, float] = {}
    cosine: dict[str, float] = {}
    text_rank: dict[str, int] = {}
    for place, (story_id, value) in enumerate(by_meaning, 1):
        scores[story_id] = scores.get(story_id, 0.0) + 1.0 / (RRF_K + place)
        cosine[story_id] = value
    for place, story_id in enumerate(by_words, 1):
        scores[story_id] = scores.get(story_id, 0.0) + 1.0 / (RRF_K + place)
        text_rank[story_id] = place
    order = sorted(scores, key=lambda s: (-scores[s], -cosine.get(s, -1.0), text_rank.get(s, 1 << 30), s))
    return [(s, scores[s], cosine.get(s), text_rank.get(s)) for s in order]


def rank(index: SearchIndex, query: str, vector: np.ndarray | None, f: StoryFilter, *,
         encoder_name: str | None) -> list[SearchHit]:
    """Every story matching ``query`` (by meaning or by words) under ``f``'s filters, best first, with
    their rows; the caller pages (``f.limit``/``f.offset`` are not applied here)."""
    fused = fuse(*candidates(index, query, vector, f, encoder_name=encoder_name))
    rows = {row["id"]: row for row in index.story_rows([s for s, _, _, _ in fused])}
    return [SearchHit(s, score, cos, text, rows[s]) for s, score, cos, text in fused if s in rows]


def matching(index: SearchIndex, query: str, vector: np.ndarray | None, f: StoryFilter, among: Sequence[str], *,
             encoder_name: str | None) -> dict[str, float | None]:
    """Which of the stories ``among`` match ``query`` (what a watch asks of a batch's changed stories):
    story id -> its cosine (None when it matched by words alone)."""
    if not among:
        return {}
    by_meaning, by_words = candidates(index, query, vector, f, encoder_name=encoder_name, among=among, watch=True)
    found: dict[str, float | None] = {s: None for s in by_words}
    found.update(dict(by_meaning))
    return found


def encode_query(encoder: Encoder | None, query: str, stored_encoder: str | None) -> np.ndarray | None:
    """The query's vector, or None when ``encoder`` did not make the stored vectors (``stored_encoder``):
    its cosines to them would mean nothing."""
    if encoder is None or not query.strip() or stored_encoder not in (None, encoder.name):
        return None
    if cut_off(encoder.name) is None:
        return None  # its vectors carry no meaning: do not pay for the encoding
    return np.asarray(encoder.encode([query])[0], dtype=np.float32)


def search_store(index: SearchIndex, encoder: Encoder | None, query: str, f: StoryFilter | None = None,
                 *, stored_encoder: str | None = None) -> list[SearchHit]:
    """Search a store whose search index is up to date (``sync_search``); the query is encoded once.
    ``stored_encoder`` names the stored vectors' encoder (default: taken to be ``encoder``)."""
    f = f or StoryFilter()
    name = stored_encoder or (encoder.name if encoder is not None else None)
    vector = encode_query(encoder, query, name)
    return rank(index, query, vector, replace(f, q=query), encoder_name=name)


def ordered(hits: Sequence[SearchHit], sort: str) -> list[SearchHit]:
    """Hits in the order asked: "relevance" as ranked, else as the story list sorts (``rows.SORTS``):
    "recent" newest day then biggest, "latest" last seen first, "size" biggest first; undated last by time.

    >>> rows = [{"id": "a", "size": 1, "last_seen": "2026-03-02T08:00Z", "updated": ""},
    ...         {"id": "b", "size": 5, "last_seen": None, "updated": "2026-03-09"}]
    >>> [h.story_id for h in ordered([SearchHit(r["id"], 0.0, None, 1, r) for r in rows], "size")]
    ['b', 'a']
    >>> [h.story_id for h in ordered([SearchHit(r["id"], 0.0, None, 1, r) for r in rows], "recent")]
    ['a', 'b']
    """
    if sort == "relevance":
        return list(hits)

    def when(hit: SearchHit) -> str:
        return str(hit.row.get("last_seen") or hit.row.get("updated") or "")

    def undated(hit: SearchHit) -> bool:
        return hit.row.get("last_seen") is None

    by_size = sorted(hits, key=lambda h: -int(h.row.get("size", 0)))
    if sort == "size":
        return by_size
    if sort == "latest":
        by_time = sorted(hits, key=when, reverse=True)
        return sorted(by_time, key=undated)
    by_day = sorted(by_size, key=lambda h: when(h)[:10], reverse=True)
    return sorted(by_day, key=undated)


def filter_of(lang: str | None, since: datetime | None) -> StoryFilter:
    """The filter of ``--lang`` and ``--since``: stories with an article in ``lang``, seen since ``since``."""
    return StoryFilter(langs=(lang.lower(),) if lang else (), since=since)


def search_database(query: str, *, db: str, lang: str | None = None, since: datetime | None = None,
                    limit: int | None = 20, hint: str = "ingest something first (storyline ingest PATH)"
                    ) -> list[SearchHit]:
    """Search the database at ``db`` (what ``storyline.search`` and ``storyline search`` do): bring its
    search index up to date, encode the query with the encoder that made its vectors (built once per
    process), rank. ``limit`` None: every match."""
    from storyline.storage import open_existing

    store = open_existing(db, hint)
    try:
        store.prepare_reads()
        store.sync_search()
        stored = store.vector_encoder()
        encoder = query_encoder(stored) if stored is not None and cut_off(stored) is not None else None
        hits = search_store(store, encoder, query, filter_of(lang, since), stored_encoder=stored)
    finally:
        store.close()
    return hits if limit is None else hits[:limit]
