"""The per-article stages in this process, each run when the engine asks for it (the plain ingest)."""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from storyline.clean import Cleaned
from storyline.compute import PendingBatch, Records, WorkOptions
from storyline.dedup import signatures
from storyline.embed import Encoder
from storyline.embed.ahead import EncodesAhead, PendingVectors
from storyline.prepare import (
    Accepted,
    Articles,
    Cleaning,
    Extraction,
    Prepared,
    StoredHashes,
    clean_batch,
    extract_batch,
    to_articles,
)
from storyline.types import Article


class LocalBatch:
    """A batch whose stages run here, one by one: records already stored are never cleaned or encoded."""

    def __init__(self, records: Records, options: WorkOptions, encoder: Encoder) -> None:
        self.records = records
        self._options = options
        self._encoder = encoder

    def extraction(self, stored_hashes: StoredHashes) -> Extraction:
        return extract_batch(self.records, min_words=self._options.min_words, stored_hashes=stored_hashes)

    def cleaning(self, accepted: Sequence[Accepted]) -> Cleaning:
        encoder = self._encoder if self._options.clean_with_encoder else None
        return clean_batch(accepted, min_words=self._options.min_words, encoder=encoder)

    def articles(self, kept: Sequence[tuple[Accepted, Cleaned]], now: datetime) -> Articles:
        return to_articles(kept, now=now)

    def signatures(self, articles: Sequence[Article]) -> list[np.ndarray]:
        return list(signatures([article.full_text for article in articles], self._options.num_perm))

    def vectors(self, prepared: Sequence[Prepared]) -> np.ndarray:
        return self._encoder.encode([p.article.full_text for p in prepared])

    def vectors_ahead(self, prepared: Sequence[Prepared]) -> PendingVectors | None:
        """The batch's encoding started, when the encoder can encode ahead (its helper process)."""
        if not isinstance(self._encoder, EncodesAhead):
            return None
        return self._encoder.encode_ahead([p.article.full_text for p in prepared])

    def items(self, prepared: Sequence[Prepared], vectors: np.ndarray) -> list[Any]:
        # the keys of each article's lead are per-article work: out of the one-at-a-time assignment
        return self._options.make_items([p.article for p in prepared], vectors)


class LocalPreparer:
    """Batches prepared in this process, one at a time, as the engine reaches them."""

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder

    def run(self, batches: Iterable[Records], options: WorkOptions) -> Generator[PendingBatch, None, None]:
        for records in batches:
            if records:  # an empty one marks a pause: nothing here is held back anyway
                yield LocalBatch(records, options, self._encoder)

    def close(self) -> None:
        """Nothing to release: the engine owns the encoder."""
