"""The per-article stages of a whole batch in one call, for a worker away from the store, and the
batch the engine reads back from their results.

A worker cannot see the store, so it prepares every record it extracts; the engine then checks the
identities against the store in input order (``check_extractions``, as a plain ingest does) and
takes only the work of the records it keeps: the same articles, rejections and counts as a plain
run. What a worker computed for a record the store already holds is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

import numpy as np

from storyline.clean import Cleaned
from storyline.compute import Records, WorkOptions
from storyline.dedup import signature
from storyline.embed import Encoder
from storyline.prepare import (
    Accepted,
    Articles,
    Cleaning,
    Extraction,
    Prepared,
    StoredHashes,
    check_extractions,
    clean_batch,
    extract_record,
    gather_articles,
    to_article,
)
from storyline.types import Article, RawRecord, Rejection

T = TypeVar("T")


@dataclass(frozen=True)
class Worked:
    """One extracted record's per-article work: its cleaning, and (unless too short after it) its
    article, whether its given `lang` was no code, its MinHash signature and what the clusterer sees."""

    cleaned: Cleaned | None
    too_short: Rejection | None = None
    article: Article | None = None
    bad_lang: bool = False
    signature: np.ndarray | None = None
    item: Any = None  # what the clusterer sees of it (WorkOptions.make_items)


@dataclass(frozen=True)
class WorkedBatch:
    """A batch's per-article work: each record extracted (unchecked identity) or rejected, in input
    order; the work of each extracted one, in the same order; the count of surrogate repairs."""

    outcomes: tuple[Accepted | Rejection, ...]
    worked: tuple[Worked, ...]
    repaired_surrogates: int


def work_records(records: Records, options: WorkOptions, encoder: Encoder, now: datetime) -> WorkedBatch:
    """Extract, clean, tell the language of, sign and encode every record of a batch (ingested ``now``)."""
    extracted = [_extracted(record, options.min_words) for record in records]
    outcomes = tuple(outcome for outcome, _ in extracted)
    accepted = [outcome for outcome in outcomes if isinstance(outcome, Accepted)]
    cleaning = clean_batch(accepted, min_words=options.min_words,
                           encoder=encoder if options.clean_with_encoder else None)
    made = [(item, cleaned, to_article(item, cleaned, now)) for item, cleaned in cleaning.kept]
    vectors = encoder.encode([article.full_text for _, _, (article, _) in made])
    items = options.make_items([article for _, _, (article, _) in made], vectors)
    work_of = {
        id(item): Worked(cleaned, None, article, bad_lang, signature(article.full_text, options.num_perm), story)
        for (item, cleaned, (article, bad_lang)), story in zip(made, items, strict=True)
    }
    too_short = iter(cleaning.rejections)  # clean_batch keeps or rejects each accepted record, in order
    worked = tuple(work_of.get(id(item)) or Worked(None, too_short=next(too_short)) for item in accepted)
    return WorkedBatch(tuple(_slim(o) for o in outcomes), worked, sum(repaired for _, repaired in extracted))


def _slim(outcome: Accepted | Rejection) -> Accepted | Rejection:
    """An accepted record without its raw and extracted text, which the engine already has in the article
    (or never needs): only the ids, origin and date fields travel back."""
    if isinstance(outcome, Rejection):
        return outcome
    return replace(outcome, record=replace(outcome.record, text=None, html=None),
                   extracted=replace(outcome.extracted, text=""))


class RecordFailed(Exception):
    """A stage raised on one input: the message names it by file and line (it reaches the engine)."""


def _extracted(record: RawRecord | Rejection, min_words: int) -> tuple[Accepted | Rejection, bool]:
    try:
        return extract_record(record, min_words=min_words)
    except Exception as error:
        raise RecordFailed(f"{record.origin}: {type(error).__name__}: {error}") from error


class RemoteBatch:
    """A batch prepared elsewhere: ``fetch`` waits for its :class:`WorkedBatch` (and raises the workers'
    error); each stage then reads the work of the records the engine kept."""

    def __init__(self, records: Records, fetch: Callable[[], WorkedBatch], dim: int) -> None:
        self.records = records
        self._fetch = fetch
        self._dim = dim
        self._work_of: dict[int, Worked] = {}  # id() of an Accepted the engine was handed -> its work
        self._by_article: dict[str, Worked] = {}

    def extraction(self, stored_hashes: StoredHashes) -> Extraction:
        done = self._fetch()
        accepted = [outcome for outcome in done.outcomes if isinstance(outcome, Accepted)]
        self._work_of = {id(item): work for item, work in zip(accepted, done.worked, strict=True)}
        return check_extractions(done.outcomes, done.repaired_surrogates, stored_hashes)

    def cleaning(self, accepted: Sequence[Accepted]) -> Cleaning:
        works = [self._work_of[id(item)] for item in accepted]
        return Cleaning(tuple((item, _present(work.cleaned)) for item, work in zip(accepted, works, strict=True)
                              if work.too_short is None),
                        tuple(work.too_short for work in works if work.too_short is not None))

    def articles(self, kept: Sequence[tuple[Accepted, Cleaned]], now: datetime) -> Articles:
        made = []
        for item, _ in kept:
            work = self._work_of[id(item)]
            assert work.article is not None, "a kept record has its article"
            self._by_article[work.article.id] = work
            made.append((work.article, work.bad_lang))
        return gather_articles(kept, made)  # ingested when the batch was sent, not ``now``

    def signatures(self, articles: Sequence[Article]) -> list[np.ndarray]:
        return [_present(self._by_article[article.id].signature) for article in articles]

    def vectors(self, prepared: Sequence[Prepared]) -> np.ndarray:
        if not prepared:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.stack([_present(self._by_article[p.article.id].item).vector for p in prepared])

    def items(self, prepared: Sequence[Prepared], vectors: np.ndarray) -> list[Any]:
        return [_present(self._by_article[p.article.id].item) for p in prepared]


def _present(value: T | None) -> T:
    """The value a kept article's work must hold."""
    if value is None:
        raise RuntimeError("a worker's result lacks the work of a kept article")
    return value
