"""The stored form both backends share, in Python: an article to and from its columns, a vector to and from
its bytes, a story's summed member vectors, an event's first sentence. One home for it, whatever SQL wrote
or read the rows."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import lru_cache
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


def one_shot(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """``encoder.encode`` with the C encoder it builds on every call built once (≈ 3 µs of a 4 µs call on a short
    list): the same text, as ``json.dumps`` takes the same C encoder. Without the cycle check (values written here
    are parsed JSON and plain lists, never cyclic: a cycle would recurse, not raise ValueError); a bare str, or a
    Python without the C encoder, goes through ``encoder.encode``.

    >>> one_shot(json.JSONEncoder())({"a": [1.5, "é", None]}) == json.dumps({"a": [1.5, "é", None]})
    True
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None or encoder.indent is not None:
        return encoder.encode
    strings = json.encoder.encode_basestring_ascii if encoder.ensure_ascii else json.encoder.encode_basestring
    chunks = make(None, encoder.default, strings, None, encoder.key_separator, encoder.item_separator,
                  encoder.sort_keys, encoder.skipkeys, encoder.allow_nan)
    fallback = encoder.encode

    def encode(value: Any) -> str:
        return fallback(value) if isinstance(value, str) else "".join(chunks(value, 0))

    return encode


# ``json.dumps`` with options builds an encoder on every call; these are built once and write the same text
_TEXT_JSON = one_shot(json.JSONEncoder(ensure_ascii=False))  # json.dumps(value, ensure_ascii=False)
_EXTRA_JSON = one_shot(json.JSONEncoder(ensure_ascii=False, default=str))  # the same, any value as its str
ascii_json = one_shot(json.JSONEncoder())  # json.dumps(value)


def json_text(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)``: non-ASCII text kept as it is, from an encoder made once.

    >>> json_text(["São Paulo", "b"]) == json.dumps(["São Paulo", "b"], ensure_ascii=False)
    True
    """
    return _TEXT_JSON(value)


@lru_cache(maxsize=4096)
def json_items(text: str) -> tuple[Any, ...]:
    """The items of a stored JSON list, ``tuple(json.loads(text))``, remembered by text (a batch's stories re-read
    the same few language and source lists: ≈ 3 µs a parse); the last 4,096 texts.

    >>> json_items('["en", "de"]'), json_items('["en", "de"]') is json_items('["en", "de"]')
    (('en', 'de'), True)
    """
    return tuple(json.loads(text))


# the last ingest time written and its ISO text: a batch's articles share one (a tuple, read and replaced whole,
# so threads writing at once never pair one time with another's text)
_LAST_INGESTED: tuple[datetime | None, str | None] = (None, None)


def article_values(article: Article, story_id: str, similarity: float, duplicate_of: str | None) -> tuple:
    """The values of an ``articles`` row in the order the backends' INSERT lists its columns (the stored
    form: ISO times, JSON removed lines and extra fields)."""
    global _LAST_INGESTED
    last = _LAST_INGESTED
    if last[0] is not article.ingested:
        last = _LAST_INGESTED = (article.ingested, to_iso(article.ingested))
    return (
        article.id, article.content_hash, article.title, article.text, article.url,
        article.source, to_iso(article.published), article.lang, article.lang_confidence,
        last[1], article.origin,
        _TEXT_JSON([[r.line, r.reason] for r in article.removed]) if article.removed else "[]",
        _EXTRA_JSON(dict(article.extra)) if article.extra else "{}",
        duplicate_of, story_id, float(similarity),
    )


# A stored article vector (schema 10 on): one signed byte per dimension and one float32 scale per row, the
# scale first (``scale * code`` is the value; the largest magnitude takes code ±127). A 512-dimension row is
# 516 bytes: half of float16 (schemas 8–9), a quarter of float32 (before). Its rounding moves a unit vector's
# cosine by ~2e-4 (every labelled set's partition unchanged: benchmarks/STORE.md); a choice among near-equal
# scores leaves ties to a rule of its own (``centrality.SCORE_TIE``), not to the rounding.
SCALE_DTYPE = np.dtype("<f4")
CODE_DTYPE = np.dtype("i1")
_PEAK_CODE = 127
# The form before schema 10 (article vectors in schemas 8–9), kept by the briefs' cached sentence vectors
# (schema 9 on; float32 before): a brief uses the rounded vectors from its first build on (``briefs.cache``),
# so the first brief and every later one agree.
FLOAT16 = np.dtype("<f2")
SENTENCE_DTYPE = FLOAT16


def _quantised(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(float32 scale per row, int8 codes) of float32 rows: the one rounding every writer and ``as_stored`` use."""
    peaks = np.abs(matrix).max(axis=1, initial=0.0)
    scales = (peaks / np.float32(_PEAK_CODE)).astype(np.float32)
    divisors = np.where(scales > 0, scales, np.float32(1))
    rounded = matrix / divisors[:, None]
    np.rint(rounded, out=rounded)  # in place, and bounded by two ufuncs: np.clip's wrapper costs more per row
    np.minimum(rounded, _PEAK_CODE, out=rounded)
    np.maximum(rounded, -_PEAK_CODE, out=rounded)
    return scales, rounded.astype(CODE_DTYPE)


def vector_blob(vector: np.ndarray) -> bytes:
    """The stored bytes of an article vector: its scale, then its codes.

    >>> len(vector_blob(np.ones(512)))
    516
    """
    return vector_blobs([np.ravel(vector)])[0]


def vector_blobs(vectors: Sequence[np.ndarray]) -> list[bytes]:
    """The stored bytes of a batch of article vectors of one encoder: ``vector_blob`` of each, rounded at once.

    >>> rows = [np.array([0.25, -1.0]), np.array([3.0, 0.1])]
    >>> vector_blobs(rows) == [vector_blob(row) for row in rows]
    True
    """
    if not len(vectors):
        return []
    scales, codes = _quantised(np.stack([np.asarray(v, dtype=np.float32) for v in vectors]))
    return [scale.tobytes() + row.tobytes() for scale, row in zip(scales.astype(SCALE_DTYPE), codes, strict=True)]


def vector_from_blob(blob: bytes) -> np.ndarray:
    """A stored article vector back as float32: exactly ``as_stored`` of the vector written.

    >>> vector_from_blob(vector_blob(np.array([0.5, -1.0, 0.0], np.float32))).tolist()
    [0.5039370059967041, -1.0, 0.0]
    """
    scale = np.frombuffer(blob, dtype=SCALE_DTYPE, count=1)[0]
    return np.frombuffer(blob, dtype=CODE_DTYPE, offset=SCALE_DTYPE.itemsize).astype(np.float32) * scale


def vectors_from_blobs(blobs: Sequence[bytes | None]) -> list[np.ndarray | None]:
    """``vector_from_blob`` of each stored vector (None stays None), decoded in one pass when the rows are of
    one length (one encoder): the same float32 values, without a few numpy calls per row.

    >>> blobs = [vector_blob(np.array([0.5, -1.0])), None, vector_blob(np.array([3.0, 0.1]))]
    >>> [None if v is None else v.tolist() for v in vectors_from_blobs(blobs)]
    [[0.5039370059967041, -1.0], None, [3.0, 0.09448818862438202]]
    """
    present = [blob for blob in blobs if blob is not None]
    if not present or len({len(blob) for blob in present}) > 1:
        return [None if blob is None else vector_from_blob(blob) for blob in blobs]
    raw = np.frombuffer(b"".join(present), dtype=np.uint8).reshape(len(present), -1)
    scales = raw[:, : SCALE_DTYPE.itemsize].copy().view(SCALE_DTYPE)  # (rows, 1)
    decoded = iter(raw[:, SCALE_DTYPE.itemsize :].view(CODE_DTYPE).astype(np.float32) * scales)
    return [None if blob is None else next(decoded) for blob in blobs]


def as_stored(vectors: np.ndarray) -> np.ndarray:
    """Article vectors (float32, one or many rows) rounded to the stored form: what the database gives back for
    them. The engine assigns with these from the start, so a resumed run replays the very numbers the first used."""
    matrix = np.asarray(vectors, dtype=np.float32)
    scales, codes = _quantised(matrix.reshape(-1, matrix.shape[-1]))
    return (codes * scales[:, None]).reshape(matrix.shape)  # int8 times float32: float32


def sentence_blob(vector: np.ndarray) -> bytes:
    """The stored bytes of a brief's cached sentence vector (float16)."""
    return np.asarray(vector, dtype=np.float32).astype(SENTENCE_DTYPE).tobytes()


def sentence_from_blob(blob: bytes) -> np.ndarray:
    """A cached sentence vector back as float32: exactly ``sentence_as_stored`` of the vector written."""
    return np.frombuffer(blob, dtype=SENTENCE_DTYPE).astype(np.float32)


def sentence_as_stored(vectors: np.ndarray) -> np.ndarray:
    """Sentence vectors (float32) rounded as the cache stores them."""
    return np.asarray(vectors, dtype=np.float32).astype(SENTENCE_DTYPE).astype(np.float32)


def float16_blob(float32_blob: bytes) -> bytes:
    """A vector stored before schema 8 (float32 bytes) in float16 (migrations 8 and 9; schema 8's article form).

    >>> np.frombuffer(float16_blob(np.array([0.5, 2.0], np.float32).tobytes()), FLOAT16).tolist()
    [0.5, 2.0]
    """
    return np.frombuffer(float32_blob, dtype="<f4").astype(FLOAT16).tobytes()


def int8_blob(float16_blob: bytes) -> bytes:
    """An article vector stored in schemas 8–9 (float16 bytes) in today's stored form (migration 10).

    >>> vector_from_blob(int8_blob(np.array([0.5, -1.0], FLOAT16).tobytes())).tolist()
    [0.5039370059967041, -1.0]
    """
    return vector_blob(np.frombuffer(float16_blob, dtype=FLOAT16))


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
