"""Sentence embeddings for briefs, cached per article in the store's ``sentences`` table.

The first brief of a story encodes its sentences (the slow part); later briefs read them back.
Lookups are by text, so a changed sentence splitter re-encodes only what it cuts differently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from storyline.embed.base import Encoder
from storyline.storage.protocol import SentenceStore
from storyline.storage.stored_form import sentence_as_stored

__all__ = ["cached_vectors", "encode_sorted"]

# USE runs fastest on batches of a few dozen texts of similar length.
_BATCH = 32


def encode_sorted(encoder: Encoder, texts: Sequence[str], batch: int = _BATCH) -> np.ndarray:
    """Encode in batches of similar length (less padding), rows back in the given order.

    >>> from storyline.embed import HashingEncoder
    >>> encode_sorted(HashingEncoder(dim=8), ["a b", "c", "d e f"]).shape
    (3, 8)
    """
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        out[rows] = encoder.encode([texts[i] for i in rows])
    return out


def cached_vectors(
    store: SentenceStore,
    encoder: Encoder,
    wanted: Mapping[str, Sequence[tuple[str, str, str | None]]],
) -> dict[str, np.ndarray]:
    """Vectors of every (kind, text, speaker) wanted per article id, as text -> vector.

    Cached texts are read; the rest are encoded once and each touched article's rows rewritten. Fresh vectors
    are used as the store keeps them (``stored_form.sentence_as_stored``), so a later brief reads back the
    numbers the first used.
    """
    cached = store.sentence_vectors(list(wanted), encoder.name)
    vectors: dict[str, np.ndarray] = {}
    stale: list[str] = []
    for article_id, rows in wanted.items():
        have = cached.get(article_id, {})
        vectors.update(have)
        texts = {text for _, text, _ in rows}
        if not texts <= have.keys() or len(have) != len(texts):
            stale.append(article_id)
    missing = sorted({text for a in stale for _, text, _ in wanted[a] if text not in vectors})
    if missing:
        encoded = sentence_as_stored(encode_sorted(encoder, missing))
        vectors.update(zip(missing, encoded, strict=True))
    if stale:
        with store.transaction():
            for article_id in stale:
                seen: set[str] = set()
                fresh: list[tuple[str, str, str | None, np.ndarray]] = []
                for kind, text, speaker in wanted[article_id]:
                    if text not in seen:
                        seen.add(text)
                        fresh.append((kind, text, speaker, vectors[text]))
                store.replace_sentences(article_id, encoder.name, fresh)
    return vectors
