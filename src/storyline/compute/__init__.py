"""Where the per-article stages run: in this process, or on Dask workers (``--dask``).

The engine hands batches of records to a :class:`Preparer` and takes back, in input order, one
:class:`PendingBatch` per batch; it asks that batch for each stage's typed result in turn (the same
values :mod:`storyline.prepare` defines), with its own state passed in where a stage needs it (the
stored content hashes, the dedup index). Assignment and the store writes stay with the engine, in
order. ``open_preparer`` is the one place the choice is made; the plain install never imports Dask.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import numpy as np

from storyline.clean import Cleaned
from storyline.embed import Encoder
from storyline.embed.ahead import PendingVectors
from storyline.prepare import Accepted, Articles, Cleaning, Extraction, Prepared, StoredHashes
from storyline.types import Article, RawRecord, Rejection

Records = Sequence[RawRecord | Rejection]


@dataclass(frozen=True)
class WorkOptions:
    """What the per-article stages need of the settings (explicit values: a stage reads no settings)."""

    min_words: int
    clean_with_encoder: bool  # judge headline-shaped lines by their embedding while cleaning
    num_perm: int  # MinHash permutations of the dedup index
    # what the clusterer sees of each article of a batch and its row of the vectors, keys included: per-article
    # work, so it runs here too, given a whole batch so what is done to the vectors is done once (the engine's
    # rounding to the stored form); the engine passes it in (storyline.assign.story_items_of), so no preparing
    # module imports the assignment stage (scripts/prepared_code.py)
    make_items: Callable[[Sequence[Article], np.ndarray], list[Any]]


class PendingBatch(Protocol):
    """One batch on its way through the per-article stages; the engine calls these in this order."""

    records: Records

    def extraction(self, stored_hashes: StoredHashes) -> Extraction: ...

    def cleaning(self, accepted: Sequence[Accepted]) -> Cleaning: ...

    def articles(self, kept: Sequence[tuple[Accepted, Cleaned]], now: datetime) -> Articles: ...

    def signatures(self, articles: Sequence[Article]) -> list[np.ndarray]: ...

    def vectors(self, prepared: Sequence[Prepared]) -> np.ndarray: ...

    def items(self, prepared: Sequence[Prepared], vectors: np.ndarray) -> list[Any]: ...


@runtime_checkable
class EncodesAheadBatch(Protocol):
    """A pending batch that can start its encoding and let the engine go on (``storyline.embed.ahead``):
    the plain ingest's batches do when the encoder can; None means "ask ``vectors``" as before."""

    def vectors_ahead(self, prepared: Sequence[Prepared]) -> PendingVectors | None: ...


class Preparer(Protocol):
    """Runs the per-article stages of a stream of batches; yields them in input order. An empty batch marks a
    pause of a live input: every batch before it is yielded before the next is read (none held back)."""

    def run(self, batches: Iterable[Records], options: WorkOptions) -> Generator[PendingBatch, None, None]: ...

    def close(self) -> None: ...


def open_preparer(dask: str, encoder: Encoder) -> Preparer:
    """In this process when ``dask`` is empty, else on the Dask cluster it names (``tcp://host:8786``,
    ``local:N``); Dask is imported only then."""
    if not dask:
        from storyline.compute.local import LocalPreparer

        return LocalPreparer(encoder)
    from storyline.compute.cluster import DaskPreparer

    return DaskPreparer(dask, encoder)
