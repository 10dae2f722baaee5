"""Wires the stages: read → extract → clean → language → dedup → embed → assign → store.

Work goes in batches (the encoder is batched); each batch is written in one transaction, so a
killed run resumes without losing or duplicating articles. On a database file, a batch is written
by a background thread (its own connection) while the next batch is prepared: one batch at most is
in flight, and what the next batch reads of it (content hashes, stories of near-duplicates) comes
from memory until it lands. One ingest at a time writes to a database: ``ingest_records`` holds its
writer lease (storyline.lease), so processes sharing a database take turns.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

import numpy as np

from storyline.clustering import StoryClusterer, StoryItem, StoryParams, one_blas_thread
from storyline.dedup import DuplicateIndex, is_short
from storyline.embed import Encoder, get_encoder, option_for
from storyline.errors import ConfigError, strict_error
from storyline.settings import Settings
from storyline.sources.decode import without_surrogates
from storyline.storage import open_store, utcnow
from storyline.types import Article, Assignment, RawRecord, Rejection
from storyline.writer import WRITES_COUNTER, Writer, write_batch
from storyline.writer import available as background_writes_available

# Rejections a report keeps as objects: memory must not grow with every bad line of a huge input. It
# covers one web POST whole (at most 1,000 items).
REJECTION_SAMPLE = 1000


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
    unparsed_dates: int = 0  # articles kept whose given `published` no parser read (raw value in extra)
    bad_lang_codes: int = 0  # a given `lang` that is no language code: detected instead, the value kept in extra
    future_dates: int = 0  # articles dated over a day after their ingest: stored, not used as time evidence
    repaired_surrogates: int = 0  # inputs holding lone UTF-16 surrogates, each replaced by U+FFFD
    assignments: list[Assignment] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)  # the first REJECTION_SAMPLE; all are counted
    # in `rejected` and stored in the database's `rejections` table
    seconds: float = 0.0
    # wall time per stage on the ingest's own timeline; "store" is the time it waited for writes, which
    # run in the background while the next batch is prepared: their own duration is writer_seconds
    stage_seconds: Counter = field(default_factory=Counter)
    # this process's CPU time (immune to other jobs); the background writer's is charged to "store"
    stage_cpu_seconds: Counter = field(default_factory=Counter)
    writer_seconds: float = 0.0

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
        if self.unparsed_dates:
            line += (f"\nnote: {self.unparsed_dates} article{'s' if self.unparsed_dates != 1 else ''} had a `published` "
                     "value no date parser could read: kept without a date, the value in extra.published_unparsed "
                     "(use ISO 8601, e.g. 2026-03-14T09:30:00Z, or RFC 2822)")
        if self.bad_lang_codes:
            line += (f"\nnote: {self.bad_lang_codes} article{'s' if self.bad_lang_codes != 1 else ''} gave a `lang` that is "
                     "no ISO 639 code: the language was detected instead (the value kept in extra.lang_given)")
        if self.repaired_surrogates:
            line += (f"\nnote: {self.repaired_surrogates} input{'s' if self.repaired_surrogates != 1 else ''} held "
                     "lone UTF-16 surrogates (e.g. \\ud83d, half of an emoji cut in two), which no text can store: "
                     "each was replaced by U+FFFD (�)")
        if self.future_dates:
            line += (f"\nnote: {self.future_dates} article{'s' if self.future_dates != 1 else ''} dated more than a day "
                     "after ingest: the dates are stored as given but not used to place them in time")
        return line


@dataclass
class _Prepared:
    article: Article
    signature: np.ndarray
    duplicate_of: str | None = None


@dataclass
class _InFlight:
    """A batch the background writer is storing, and what the next batch must read of it meanwhile:
    its content hashes, and each article's story once the batch's merges are applied (as in the store)."""

    prepared: list[_Prepared]
    assignments: list[Assignment]
    rejections: list[Rejection]
    merges: list[tuple[str, str]]
    hashes: dict[str, str] = field(init=False)
    story_of: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.hashes = {p.article.id: p.article.content_hash for p in self.prepared}
        self.story_of = {a.article_id: a.story_id for a in self.assignments}
        for absorbed, into in self.merges:
            for article_id, story_id in self.story_of.items():
                if story_id == absorbed:
                    self.story_of[article_id] = into


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
        self.store = open_store(db_path)
        self.encoder = encoder or get_encoder(replace(self.settings, db=str(db_path)).resolved_encoder())
        self._story_counter = 0  # the next story ids; read with the rest of the state by _restore
        self._written_counter = 0  # the counter the store holds once the batches handed over are written
        self._generation = 0  # the store's count of written batches that this engine's memory reflects
        self.writer_wait: float | None = self.settings.writer_wait or None  # seconds; None: as long as it takes
        self._writer: Writer | None = None
        self._in_flight: _InFlight | None = None
        self.clusterer = clusterer or StoryClusterer(StoryParams.load(encoder=self.encoder.name),
                                                     new_story_id=self._new_story_id)
        self._dedup = self._new_dedup_index()
        self._restore()

    # ---------- state ----------
    def _new_story_id(self) -> str:
        self._story_counter += 1
        return f"s{self._story_counter}"

    def _new_dedup_index(self) -> DuplicateIndex:
        return DuplicateIndex(
            threshold=self.settings.dedup_threshold,
            short_threshold=self.settings.dedup_short_threshold,
            capacity=self.settings.dedup_capacity,
        )

    def _resync(self) -> None:
        """Rebuild memory from the database after a failed ingest: a batch assigned but never stored must
        not linger in the active stories of an engine that goes on ingesting (the web app's does)."""
        self.clusterer = StoryClusterer(self.clusterer.params, new_story_id=self.clusterer.new_story_id)
        self._dedup = self._new_dedup_index()
        self._restore()

    def _restore(self) -> None:
        """Rebuild in-memory state (story counter, dedup index, active stories) from one snapshot of
        the database, and note which of its writes that state includes."""
        with self.store.snapshot():
            self._generation = self.store.counter(WRITES_COUNTER)
            self._story_counter = self._written_counter = self.store.last_story_number()
            self._replay()

    def _replay(self) -> None:
        self._dedup.extend(self.store.iter_minhashes(self.settings.dedup_capacity))
        # the clusterer holds at most max_active stories: replaying more would only evict them again;
        # closed ones too, as a late article may still join them (the clusterer closes them for good)
        recent = self.store.recent_story_ids(limit=getattr(self.clusterer.params, "max_active", None))
        members = self.store.articles_of_stories(recent)
        if not members:
            return
        vectors = self.store.get_vectors([article.id for _, article in members])
        for story_id, article in members:
            vector = vectors.get(article.id)
            if vector is not None:
                self.clusterer.add_to(story_item(article, vector), story_id)
        self.clusterer.pop_merges()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Engine:
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

        records = read_paths(paths, stdin=stdin, max_bytes=self.settings.max_bytes)
        return self.ingest_records(records, strict=strict, progress=progress)

    def _check_encoder(self) -> None:
        """Refuse to add vectors of another encoder: their cosines to the stored stories mean nothing."""
        built_with = self.store.vector_encoder()
        if built_with is not None and built_with != self.encoder.name:
            option = option_for(built_with)
            raise ConfigError(f"{self.store.path} was built with the {built_with} encoder, not {self.encoder.name}",
                              hint=f"ingest into it with --encoder {option} (or STORYLINE_ENCODER={option}), "
                                   "or give a new database with --db")

    def ingest_records(
        self,
        records: Iterable[RawRecord | Rejection],
        *,
        strict: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Ingest a stream of raw records (and count the rejections readers already made), holding the
        database's writer lease throughout: another process's ingest waits for this one, and this one
        first takes in whatever other processes stored since this engine last looked."""
        with self.store.writer_lease(timeout=self.writer_wait):
            if self._stale():
                self._resync()
            try:
                return self._ingest_records(records, strict=strict, progress=progress)
            finally:
                self._generation = self.store.counter(WRITES_COUNTER)  # its own writes, all landed

    def _stale(self) -> bool:
        """Whether another process wrote batches or stories since this engine's memory was built."""
        with self.store.snapshot():
            return (self.store.counter(WRITES_COUNTER) != self._generation
                    or self.store.last_story_number() != self._written_counter)

    def _ingest_records(self, records, *, strict: bool, progress) -> IngestReport:
        self._check_encoder()
        report = IngestReport()
        started = time.perf_counter()
        batch: list[RawRecord | Rejection] = []
        try:
            for record in records:
                batch.append(record)
                if len(batch) >= self.settings.batch_size:
                    # a full batch: more may follow, so its write can overlap the next one's work
                    if self._writer is None and self.settings.store_in_background \
                            and background_writes_available(self.store):
                        self._writer = Writer(self.store.path)
                    self._process(batch, report, strict)
                    if progress:
                        progress(len(batch))
                    batch = []
            if batch:
                self._process(batch, report, strict)
                if progress:
                    progress(len(batch))
        except BaseException as error:
            self._finish_writes(report, raise_errors=False)  # what was assigned before the error is kept
            if isinstance(error, Exception):  # an interrupted process is leaving anyway
                self._resync()
            raise
        self._finish_writes(report)
        report.seconds = time.perf_counter() - started
        return report

    def _finish_writes(self, report: IngestReport, raise_errors: bool = True) -> None:
        """Wait for the last background write (its error is raised here) and stop the writer."""
        writer = self._writer
        if writer is None:
            return
        clock = _StageClock(report.stage_seconds, report.stage_cpu_seconds, writer.cpu_seconds)
        try:
            if writer.busy:
                self._settle(report)
        except BaseException:
            if raise_errors:
                raise
        finally:
            clock.lap("store")
            self._writer, self._in_flight = None, None
            writer.close()

    def _settle(self, report: IngestReport) -> None:
        """Collect the batch in flight: wait for its write, then count it in the report."""
        flight, self._in_flight = self._in_flight, None
        (created, touched), wall, cpu = self._writer.wait()
        report.writer_seconds += wall
        report.stage_cpu_seconds["store"] += cpu
        self._account(flight.prepared, flight.assignments, flight.rejections, created, touched, report)

    def _stored_hash(self, article_id: str) -> str | None:
        """Content hash of a stored article, the batch in flight included."""
        flight = self._in_flight
        if flight is not None and article_id in flight.hashes:
            return flight.hashes[article_id]
        return self.store.hash_of(article_id)

    def _stored_story(self, article_id: str) -> str | None:
        """Story of a stored article, the batch in flight included."""
        flight = self._in_flight
        if flight is not None and article_id in flight.story_of:
            return flight.story_of[article_id]
        return self.store.story_of(article_id)

    def _process(self, batch: list[RawRecord | Rejection], report: IngestReport, strict: bool) -> None:
        from storyline.clean import clean_many
        from storyline.extract import Extracted, count_words, extract
        from storyline.language import SAMPLE_CHARS, detect, given_code

        writer = self._writer
        clock = _StageClock(report.stage_seconds, report.stage_cpu_seconds, writer and writer.cpu_seconds)
        rejections: list[Rejection] = []
        extracted: list[tuple[RawRecord, Extracted, str, str]] = []
        batch_ids: set[str] = set()
        for record in batch:
            if not isinstance(record, Rejection):
                record, repaired = without_surrogates(record)
                report.repaired_surrogates += repaired > 0
            result = record if isinstance(record, Rejection) else extract(record, min_words=self.settings.min_words)
            if isinstance(result, Rejection):
                _reject(result, rejections, strict)
                continue
            content_hash = _content_hash(result.title, result.text)
            article_id = str(record.id) if record.id not in (None, "") else f"a{content_hash[:16]}"
            stored_hash = self._stored_hash(article_id)
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
            if count_words(f"{ex.title} {clean.text}", self.settings.min_words) < self.settings.min_words:
                _reject(Rejection(record.origin, "too_short",
                                  f"fewer than {self.settings.min_words} words after cleaning (setting min_words)"),
                        rejections, strict)
                continue
            clock.lap("clean")
            given = given_code(record.lang) if record.lang else None
            if given is not None:
                lang, confidence = given, 1.0
            else:
                lang, confidence = detect(f"{ex.title}\n{clean.text[:SAMPLE_CHARS]}")
            clock.lap("language")
            article = Article(
                id=article_id, title=ex.title, text=clean.text, url=ex.url, source=ex.source,
                published=ex.published, lang=lang, lang_confidence=round(float(confidence), 4),
                ingested=now, content_hash=content_hash, origin=record.origin,
                removed=clean.removed, extra=dict(record.extra),
            )
            if record.lang and given is None:
                article.extra["lang_given"] = str(record.lang)[:50]
                report.bad_lang_codes += 1
            if ex.unparsed_published is not None:
                article.extra["published_unparsed"] = ex.unparsed_published
                report.unparsed_dates += 1
            if article.published is not None and usable_time(article) is None:
                report.future_dates += 1
            prepared.append(_Prepared(article, self._dedup.signature(article.full_text)))
            clock.lap("dedup")
        order = _oldest_first(prepared)  # dedup and assignment both meet the batch oldest first
        for i in order:  # so a copy published later than its original is the duplicate
            item = prepared[i]
            item.duplicate_of = self._dedup.find(item.signature, short=is_short(item.article.full_text))
            self._dedup.add(item.article.id, item.signature, item.duplicate_of)
        clock.lap("dedup")

        vectors = self.encoder.encode([p.article.full_text for p in prepared])
        clock.lap("encode")
        # the keys of each article's lead are per-article work: out of the one-at-a-time assignment
        items = [story_item(p.article, vector).with_keys() for p, vector in zip(prepared, vectors, strict=True)]
        clock.lap("keys")
        flight = self._in_flight
        if flight is not None and flight.merges and any(
            p.duplicate_of is not None and p.duplicate_of not in flight.story_of for p in prepared
        ):
            # the merges in flight move stored articles to other stories: read those after they land
            self._settle(report)
            clock.lap("store")
        with one_blas_thread():
            assignments = self._assign(prepared, items, order)
        merges = self.clusterer.pop_merges()
        clock.lap("assign")
        if writer is None:
            created, touched = write_batch(self.store, *self._batch_to_write(prepared, vectors, assignments, merges,
                                                                            rejections))
            self._account(prepared, assignments, rejections, created, touched, report)
        else:
            if writer.busy:
                self._settle(report)
            self._in_flight = _InFlight(prepared, assignments, rejections, merges)
            writer.submit(write_batch, *self._batch_to_write(prepared, vectors, assignments, merges, rejections))
        clock.lap("store")

    def _assign(self, prepared: list[_Prepared], items: list[StoryItem], order: list[int]) -> list[Assignment]:
        """Each article to a story, in ``order`` (oldest first); a near-duplicate joins the story of the
        article it copies."""
        assignments: list[Assignment | None] = [None] * len(prepared)
        story_of_new: dict[str, str] = {}
        for i in order:
            item, as_item = prepared[i], items[i]
            if item.duplicate_of is not None:
                target = story_of_new.get(item.duplicate_of) or self._stored_story(item.duplicate_of)
                assignment = self.clusterer.add_to(as_item, target) if target else self.clusterer.learn_one(as_item)
                assignment = Assignment(assignment.article_id, assignment.story_id,
                                        assignment.similarity, assignment.is_new, item.duplicate_of)
            else:
                assignment = self.clusterer.learn_one(as_item)
            story_of_new[item.article.id] = assignment.story_id
            assignments[i] = assignment
        return assignments  # type: ignore[return-value]  (every slot is filled)

    def _batch_to_write(self, prepared, vectors, assignments, merges, rejections) -> tuple:
        """``write_batch``'s arguments after the store: values now, never state the next batch changes."""
        # a clusterer given to the engine may issue its own ids: the counter covers them too
        issued = max((int(a.story_id.lstrip("s") or 0) for a in assignments if a.is_new), default=0)
        self._story_counter = max(self._story_counter, issued)
        before, self._written_counter = self._written_counter, self._story_counter
        return (prepared, vectors, assignments, merges, rejections, before, self._story_counter,
                self.encoder.name, getattr(self.clusterer.params, "window_days", None))

    def _account(self, prepared, assignments, rejections, created, touched, report: IngestReport) -> None:
        """Count a stored batch in the report."""
        languages = self.encoder.languages
        if languages is not None:
            report.uncovered_languages.update(p.article.lang for p in prepared if p.article.lang not in languages)
        report.ingested += len(prepared)
        report.duplicates += sum(1 for p in prepared if p.duplicate_of)
        report.stories_created += len(created)
        report.stories_updated += len(touched - created)
        report.assignments.extend(assignments)
        for rejection in rejections:
            report.rejected[rejection.reason] += 1
        room = REJECTION_SAMPLE - len(report.rejections)
        if room > 0:
            report.rejections.extend(rejections[:room])


class _StageClock:
    """Adds the time since the previous lap to a named stage, so one run times every stage:
    wall time, and this process's CPU time (which other jobs on the machine do not inflate).
    ``background``: CPU seconds of a thread working alongside (the writer), left out of every
    stage here because its owner charges them to the stage they belong to."""

    def __init__(self, totals: Counter, cpu_totals: Counter, background: Callable[[], float] | None = None) -> None:
        self._totals = totals
        self._cpu_totals = cpu_totals
        self._background = background or (lambda: 0.0)
        self._last = time.perf_counter()
        self._last_cpu = time.process_time() - self._background()

    def lap(self, stage: str) -> None:
        now, now_cpu = time.perf_counter(), time.process_time() - self._background()
        self._totals[stage] += now - self._last
        self._cpu_totals[stage] += now_cpu - self._last_cpu
        self._last, self._last_cpu = now, now_cpu


def story_item(article: Article, vector: np.ndarray) -> StoryItem:
    """What the clusterer sees of a stored article (the calibration script builds its data with it too)."""
    return StoryItem(
        article_id=article.id, vector=np.asarray(vector, dtype=np.float32), lang=article.lang,
        # only a real publication time is evidence: ingest time of an old file says nothing
        time=usable_time(article), title=article.title, text=article.text, source=article.source,
    )


def _oldest_first(prepared: list[_Prepared]) -> list[int]:
    """Positions in a batch by publication time (undated ones keep their place among the dated): a
    folder or feed in any order then meets the stories of its time, not ones a newer article closed."""
    times = [usable_time(p.article) for p in prepared]
    slots = iter(sorted((i for i, t in enumerate(times) if t is not None), key=times.__getitem__))
    return [i if t is None else next(slots) for i, t in enumerate(times)]


FUTURE_SLACK = timedelta(days=1)


def usable_time(article: Article) -> datetime | None:
    """The publication time the clusterer may use: none for a date over a day after the article was
    ingested (a wrong date, "2099"), which would otherwise move the story clock ahead and close every
    open story. The date itself is stored as given."""
    published = article.published
    if published is None or article.ingested is None or published <= article.ingested + FUTURE_SLACK:
        return published
    return None


def _content_hash(title: str, text: str) -> str:
    normalised = " ".join(f"{title}\n{text}".split()).lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _reject(rejection: Rejection, rejections: list[Rejection], strict: bool) -> None:
    """Count a rejection, or under ``strict`` stop at it: the one place strict mode is decided."""
    if strict:
        raise strict_error(rejection)
    rejections.append(rejection)
