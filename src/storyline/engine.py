"""Wires the stages: read → extract → clean → language → dedup → embed → assign → store.

Work goes in batches (the encoder is batched); each batch is written in one transaction, so a
killed run resumes without losing or duplicating articles.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Callable, Iterable, Sequence, TextIO

import numpy as np

from storyline.dedup import DuplicateIndex, is_short
from storyline.embed import Encoder, get_encoder
from storyline.errors import InputError
from storyline.settings import Settings
from storyline.store import Store, utcnow
from storyline.stories import StoryClusterer, StoryItem, one_blas_thread
from storyline.types import Article, Assignment, RawRecord, Rejection

# Headline choice reads member vectors; past this many members, the newest ones speak for the story.
_HEADLINE_SAMPLE = 100


@dataclass
class IngestReport:
    """What one ingest did: every input is counted in exactly one of these buckets."""

    ingested: int = 0
    duplicates: int = 0
    already_stored: int = 0
    rejected: Counter = field(default_factory=Counter)
    stories_created: int = 0
    stories_updated: int = 0
    uncovered_languages: Counter = field(default_factory=Counter)
    assignments: list[Assignment] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0
    stage_seconds: Counter = field(default_factory=Counter)
    stage_cpu_seconds: Counter = field(default_factory=Counter)  # this process's CPU time: immune to other jobs

    @property
    def seen(self) -> int:
        return self.ingested + self.already_stored + sum(self.rejected.values())

    def summary(self) -> str:
        rate = self.ingested / self.seconds if self.seconds > 0 else 0.0
        parts = [f"ingested {self.ingested}"]
        if self.duplicates:
            parts[0] += f" ({self.duplicates} near-duplicate{'s' if self.duplicates != 1 else ''})"
        parts.append(f"already stored {self.already_stored}")
        rejected = sum(self.rejected.values())
        reasons = ", ".join(f"{r}: {n}" for r, n in self.rejected.most_common())
        parts.append(f"rejected {rejected}" + (f" ({reasons})" if reasons else ""))
        parts.append(f"stories created {self.stories_created}, updated {self.stories_updated}")
        line = "; ".join(parts) + f" — {self.seconds:.1f} s, {rate:.1f} articles/s"
        if self.uncovered_languages:
            langs = ", ".join(f"{k}: {v}" for k, v in self.uncovered_languages.most_common())
            line += (f"\nnote: {langs} — outside the encoder's training set: these articles are clustered on weaker "
                     "vectors plus shared names and words, so expect lower accuracy for them")
        return line


@dataclass
class _Prepared:
    article: Article
    signature: np.ndarray
    duplicate_of: str | None = None


class Engine:
    """The story engine over one database.

    >>> from storyline.embed import HashingEncoder
    >>> engine = Engine(":memory:", encoder=HashingEncoder())
    >>> report = engine.ingest_records([RawRecord(origin="x:1", id="a1", text="Heavy rain floods the old town of Valmare on Monday.")])
    >>> report.ingested, report.stories_created
    (1, 1)
    """

    def __init__(
        self,
        db_path: str | Path = "storyline.db",
        *,
        encoder: Encoder | None = None,
        settings: Settings | None = None,
        clusterer: StoryClusterer | None = None,
    ) -> None:
        self.settings = settings or Settings(db=str(db_path))
        self.store = Store(db_path)
        self.encoder = encoder or get_encoder(self.settings.encoder)
        self._story_counter = self.store.counter("story")
        self.clusterer = clusterer or StoryClusterer(new_story_id=self._new_story_id)
        self._dedup = DuplicateIndex(
            threshold=self.settings.dedup_threshold,
            short_threshold=self.settings.dedup_short_threshold,
            capacity=self.settings.dedup_capacity,
        )
        self._restore()

    # ---------- state ----------
    def _new_story_id(self) -> str:
        self._story_counter += 1
        return f"s{self._story_counter}"

    def _restore(self) -> None:
        """Rebuild in-memory state (dedup index, active stories) from the database."""
        self._dedup.extend(self.store.iter_minhashes(self.settings.dedup_capacity))
        # the clusterer holds at most max_active stories: replaying more would only evict them again
        active = self.store.active_story_ids(limit=getattr(self.clusterer.params, "max_active", None))
        members = self.store.articles_of_stories(active)
        if not members:
            return
        vectors = self.store.get_vectors([article.id for _, article in members])
        for story_id, article in members:
            vector = vectors.get(article.id)
            if vector is not None:
                self.clusterer.add_to(_item(article, vector), story_id)
        self.clusterer.pop_merges()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---------- ingest ----------
    def ingest_paths(
        self,
        paths: Sequence[str],
        *,
        stdin: TextIO | None = None,
        strict: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        from storyline.sources import read_paths

        records = read_paths(paths, stdin=stdin, strict=strict, max_bytes=self.settings.max_bytes)
        return self.ingest_records(records, strict=strict, progress=progress)

    def ingest_records(
        self,
        records: Iterable[RawRecord | Rejection],
        *,
        strict: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Ingest a stream of raw records (and count the rejections readers already made)."""
        report = IngestReport()
        started = time.perf_counter()
        batch: list[RawRecord | Rejection] = []
        for record in records:
            batch.append(record)
            if len(batch) >= self.settings.batch_size:
                self._process(batch, report, strict)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            self._process(batch, report, strict)
            if progress:
                progress(len(batch))
        report.seconds = time.perf_counter() - started
        return report

    def _process(self, batch: list[RawRecord | Rejection], report: IngestReport, strict: bool) -> None:
        from storyline.clean import clean_many
        from storyline.extract import Extracted, extract
        from storyline.language import detect, normalise_code

        clock = _StageClock(report.stage_seconds, report.stage_cpu_seconds)
        rejections: list[Rejection] = []
        extracted: list[tuple[RawRecord, Extracted, str, str]] = []
        batch_ids: set[str] = set()
        for record in batch:
            result = record if isinstance(record, Rejection) else extract(record, min_words=self.settings.min_words)
            if isinstance(result, Rejection):
                _reject(result, rejections, strict)
                continue
            content_hash = _content_hash(result.title, result.text)
            article_id = str(record.id) if record.id not in (None, "") else f"a{content_hash[:16]}"
            stored_hash = self.store.hash_of(article_id)
            if stored_hash == content_hash or (article_id in batch_ids and record.id in (None, "")):
                report.already_stored += 1
                continue
            if stored_hash is not None or article_id in batch_ids:
                _reject(Rejection(record.origin, "duplicate_id",
                                  f"id {article_id!r} is already used by a different article"),
                        rejections, strict)
                continue
            batch_ids.add(article_id)
            extracted.append((record, result, article_id, content_hash))
        clock.lap("extract")

        encoder_for_clean = self.encoder if self.settings.clean_with_encoder else None
        cleaned = clean_many(
            [(ex.text, ex.title, record.lang) for record, ex, _, _ in extracted], encoder=encoder_for_clean
        )
        clock.lap("clean")
        prepared: list[_Prepared] = []
        now = utcnow()
        for (record, ex, article_id, content_hash), clean in zip(extracted, cleaned):
            if len((ex.title + " " + clean.text).split()) < self.settings.min_words:
                _reject(Rejection(record.origin, "too_short", "fewer words than --min-words after cleaning"),
                        rejections, strict)
                continue
            clock.lap("clean")
            if record.lang:
                lang, confidence = normalise_code(str(record.lang)), 1.0
            else:
                lang, confidence = detect(f"{ex.title}\n{clean.text[:2000]}")
            clock.lap("language")
            article = Article(
                id=article_id, title=ex.title, text=clean.text, url=ex.url, source=ex.source,
                published=ex.published, lang=lang, lang_confidence=round(float(confidence), 4),
                ingested=now, content_hash=content_hash, origin=record.origin,
                removed=clean.removed, extra=dict(record.extra),
            )
            signature = self._dedup.signature(article.full_text)
            duplicate_of = self._dedup.find(signature, short=is_short(article.full_text))
            self._dedup.add(article.id, signature, duplicate_of)
            prepared.append(_Prepared(article, signature, duplicate_of))
            clock.lap("dedup")

        vectors = self.encoder.encode([p.article.full_text for p in prepared])
        clock.lap("encode")
        with one_blas_thread():
            assignments = self._assign(prepared, vectors)
        merges = self.clusterer.pop_merges()
        clock.lap("assign")
        self._commit(prepared, vectors, assignments, merges, rejections, report)
        clock.lap("store")

    def _assign(self, prepared: list[_Prepared], vectors: np.ndarray) -> list[Assignment]:
        """Each article to a story; a near-duplicate joins the story of the article it copies."""
        assignments: list[Assignment] = []
        story_of_new: dict[str, str] = {}
        for item, vector in zip(prepared, vectors):
            story_item = _item(item.article, vector)
            if item.duplicate_of is not None:
                target = story_of_new.get(item.duplicate_of) or self.store.story_of(item.duplicate_of)
                assignment = self.clusterer.add_to(story_item, target) if target else self.clusterer.learn_one(story_item)
                assignment = Assignment(assignment.article_id, assignment.story_id,
                                        assignment.similarity, assignment.is_new, item.duplicate_of)
            else:
                assignment = self.clusterer.learn_one(story_item)
            story_of_new[item.article.id] = assignment.story_id
            assignments.append(assignment)
        return assignments

    def _commit(self, prepared, vectors, assignments, merges, rejections, report) -> None:
        from storyline.store import to_iso

        store = self.store
        created: set[str] = set()
        added: dict[str, list[Article]] = {}
        vector_of: dict[str, np.ndarray] = {}
        with store.transaction():
            for rejection in rejections:
                store.insert_rejection(rejection.origin, rejection.reason, rejection.detail)
            rows = []
            for item, vector, assignment in zip(prepared, vectors, assignments):
                if assignment.is_new and store.create_story(
                    assignment.story_id, int(assignment.story_id.lstrip("s") or 0)
                ):
                    created.add(assignment.story_id)
                rows.append((item.article, assignment.story_id, float(assignment.similarity),
                             item.duplicate_of, vector, item.signature))
                added.setdefault(assignment.story_id, []).append(item.article)
                vector_of[item.article.id] = vector
                if self.encoder.languages is not None and item.article.lang not in self.encoder.languages:
                    report.uncovered_languages[item.article.lang] += 1
            store.insert_articles(rows, self.encoder.name)
            full: set[str] = set()
            for absorbed, into in merges:
                store.merge_story(absorbed, into)
                added.pop(absorbed, None)
                full.discard(absorbed)
                full.add(into)
            for story_id, articles in added.items():
                if story_id in full:
                    continue
                before, after = store.grow_story(
                    story_id, [(a.lang, a.source, to_iso(a.published or a.ingested)) for a in articles]
                )
                if before == 0:  # all its members are in this batch: no need to read them back
                    self._set_headline(story_id, [(a.id, a.title, vector_of[a.id]) for a in articles])
                elif _HeadlineSchedule.due(before, after):
                    self._refresh_headline(story_id)
            for story_id in full:
                self._refresh(story_id)
            touched = set(added) | full
            store.set_counter("story", self._story_counter)
            window = getattr(self.clusterer.params, "window_days", None)
            newest = max((p.article.time for p in prepared if p.article.time), default=None)
            if window and newest:
                store.close_stories_before(newest - timedelta(days=float(window)))
        report.ingested += len(prepared)
        report.duplicates += sum(1 for p in prepared if p.duplicate_of)
        report.stories_created += len(created)
        report.stories_updated += len(touched - created)
        report.assignments.extend(assignments)
        for rejection in rejections:
            report.rejected[rejection.reason] += 1
        report.rejections.extend(rejections)

    def _refresh(self, story_id: str) -> None:
        """Recompute the story's summary row from all its articles (after a merge), and its headline."""
        self.store.refresh_story(story_id, "", None)
        self._refresh_headline(story_id)

    def _refresh_headline(self, story_id: str) -> None:
        """The most central title among the newest members (vectors and titles only, no texts)."""
        self._set_headline(story_id, self.store.headline_candidates(story_id, _HEADLINE_SAMPLE))

    def _set_headline(self, story_id: str, members: list[tuple[str, str, np.ndarray | None]]) -> None:
        """Store the most central title of ``members`` (id, title, vector), oldest first, as the headline."""
        titled = [(aid, title, vec) for aid, title, vec in members if title and vec is not None]
        headline, headline_id = "", None
        if titled:
            matrix = np.stack([vec for _, _, vec in titled])
            best = int(np.argmax(matrix @ matrix.mean(axis=0)))
            headline, headline_id = titled[best][1], titled[best][0]
        elif members:
            headline_id = members[0][0]
            headline = self.store.text_start(headline_id, 120)
        self.store.set_headline(story_id, headline, headline_id)


class _HeadlineSchedule:
    """When a growing story's headline is re-read and recomputed: on each of its first few additions,
    then twice per doubling of its size. Each recompute reads up to ``_HEADLINE_SAMPLE`` member
    vectors, so this keeps the reads per article small and flat as stories grow."""

    SMALL = 4

    @staticmethod
    def due(before: int, after: int) -> bool:
        """
        >>> [n for n in range(1, 80) if _HeadlineSchedule.due(n - 1, n)]
        [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]
        >>> sum(_HeadlineSchedule.due(n - 1, n) for n in range(1025, 2049))
        2
        """
        if before < _HeadlineSchedule.SMALL:
            return True
        step = 1 << max(0, after.bit_length() - 2)
        return after // step > before // step


class _StageClock:
    """Adds the time since the previous lap to a named stage, so one run times every stage:
    wall time, and this process's CPU time (which other jobs on the machine do not inflate)."""

    def __init__(self, totals: Counter, cpu_totals: Counter) -> None:
        self._totals = totals
        self._cpu_totals = cpu_totals
        self._last = time.perf_counter()
        self._last_cpu = time.process_time()

    def lap(self, stage: str) -> None:
        now, now_cpu = time.perf_counter(), time.process_time()
        self._totals[stage] += now - self._last
        self._cpu_totals[stage] += now_cpu - self._last_cpu
        self._last, self._last_cpu = now, now_cpu


def _item(article: Article, vector: np.ndarray) -> StoryItem:
    return StoryItem(
        article_id=article.id, vector=np.asarray(vector, dtype=np.float32), lang=article.lang,
        # only a real publication time is evidence: ingest time of an old file says nothing
        time=article.published, title=article.title, text=article.text, source=article.source,
    )


def _content_hash(title: str, text: str) -> str:
    normalised = " ".join(f"{title}\n{text}".split()).lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _reject(rejection: Rejection, rejections: list[Rejection], strict: bool) -> None:
    if strict:
        raise InputError(
            f"{rejection.origin}: {rejection.reason}" + (f" ({rejection.detail})" if rejection.detail else ""),
            hint="fix or remove that input, or run without --strict to skip and count it",
        )
    rejections.append(rejection)
