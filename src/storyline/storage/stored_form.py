"""The stored form both backends share, in Python: an article to and from its columns, a vector to and from
its bytes, a story's summed member vectors, an event's first sentence. One home for it, whatever SQL wrote
or read the rows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from storyline.dates import from_iso, to_iso
from storyline.types import Article, RemovedLine

# the article columns, in the order ``article_from_row`` reads them
ARTICLE_COLUMNS = (
    "id, title, text, url, source, published, lang, lang_confidence, ingested, content_hash,"
    " origin, removed, extra"
)


def article_from_row(row: Sequence[Any]) -> Article:
    """An Article from the ``ARTICLE_COLUMNS`` of one row."""
    return Article(
        id=row[0], title=row[1], text=row[2], url=row[3], source=row[4],
        published=from_iso(row[5]), lang=row[6], lang_confidence=row[7],
        ingested=from_iso(row[8]), content_hash=row[9], origin=row[10],
        removed=tuple(RemovedLine(line, reason) for line, reason in json.loads(row[11])),
        extra=json.loads(row[12]),
    )


def article_values(article: Article, story_id: str, similarity: float, duplicate_of: str | None) -> tuple:
    """The values of an ``articles`` row in the order the backends' INSERT lists its columns (the stored
    form: ISO times, JSON removed lines and extra fields)."""
    return (
        article.id, article.content_hash, article.title, article.text, article.url,
        article.source, to_iso(article.published), article.lang, article.lang_confidence,
        to_iso(article.ingested), article.origin,
        json.dumps([[r.line, r.reason] for r in article.removed], ensure_ascii=False),
        json.dumps(dict(article.extra), ensure_ascii=False, default=str),
        duplicate_of, story_id, float(similarity),
    )


# The precision of a stored article vector (schema 8 on; float32 before): half the bytes, so a 512-dimension
# row fits a quarter of a 4 KB page, not a whole one. Its rounding moves a cosine by ~1e-4 (every labelled
# set's partition unchanged: benchmarks/RESULTS.md).
VECTOR_DTYPE = np.dtype("<f2")
# Sentence vectors cached for briefs, float16 too (schema 9 on; float32 before): a briefed article's cache rows
# are most of a database that serves briefs. A brief uses the rounded vectors from its first build on
# (``briefs.cache``), so the first brief and every later one agree.
SENTENCE_DTYPE = VECTOR_DTYPE


def vector_blob(vector: np.ndarray, dtype: np.dtype = VECTOR_DTYPE) -> bytes:
    """The stored bytes of a vector (an article's by default)."""
    return np.asarray(vector, dtype=np.float32).astype(dtype).tobytes()


def vector_from_blob(blob: bytes, dtype: np.dtype = VECTOR_DTYPE) -> np.ndarray:
    """A stored vector back as float32: for an article's, exactly ``as_stored`` of the vector written.

    >>> vector_from_blob(vector_blob(np.array([0.1, -1.0], np.float32))).tolist()
    [0.0999755859375, -1.0]
    """
    return np.frombuffer(blob, dtype=dtype).astype(np.float32)


def as_stored(vectors: np.ndarray) -> np.ndarray:
    """Article vectors (float32) rounded to the stored precision: what the database gives back for them. The
    engine assigns with these from the start, so a resumed run replays the very numbers the first one used."""
    return np.asarray(vectors, dtype=np.float32).astype(VECTOR_DTYPE).astype(np.float32)


def float16_blob(float32_blob: bytes) -> bytes:
    """An article vector stored before schema 8 (float32 bytes) in today's stored form (migration 8).

    >>> vector_from_blob(float16_blob(np.array([0.5, 2.0], np.float32).tobytes())).tolist()
    [0.5, 2.0]
    """
    return vector_blob(np.frombuffer(float32_blob, dtype="<f4"))


def sums_by_story(rows: Iterable[tuple[Any, str, str, bytes]]) -> dict[str, tuple[str, np.ndarray, int]]:
    """(seq, story id, encoder, stored vector bytes) rows → story id: (encoder, float32 sum of vectors, count).

    >>> one, two = vector_blob(np.ones(2)), vector_blob(np.full(2, 2))
    >>> sums = sums_by_story([(1, "s1", "use", one), (2, "s1", "use", two), (3, "s2", "use", one)])
    >>> {k: (e, v.tolist(), n) for k, (e, v, n) in sums.items()}
    {'s1': ('use', [3.0, 3.0], 2), 's2': ('use', [1.0, 1.0], 1)}
    """
    sums: dict[str, tuple[str, np.ndarray, int]] = {}
    for _, story_id, encoder, blob in rows:
        vector = vector_from_blob(blob)
        found = sums.get(story_id)
        sums[story_id] = (encoder, vector.copy(), 1) if found is None else (encoder, found[1] + vector, found[2] + 1)
    return sums


def first_sentence(text: str) -> str:
    """The first sentence of a text's opening, on one line.

    >>> first_sentence("Police arrested a man on Monday. He was held overnight.")
    'Police arrested a man on Monday.'
    """
    flat = " ".join(text.split())
    for end in (". ", "! ", "? "):
        cut = flat.find(end)
        if cut >= 20:
            return flat[: cut + 1]
    return flat
