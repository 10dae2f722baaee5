"""Wires the stages: read → extract → clean → language → dedup → embed → assign → store.

The stages are functions over typed batch values in :mod:`storyline.prepare` (extract and id checks,
clean, language, near-duplicates) and :mod:`storyline.assign` (arrival order, near-duplicate routing);
this module runs them batch by batch, times them, and keeps the state between batches: the dedup
index, the clusterer, the story counter, and the batch in flight. The per-article stages run through a
preparer (:mod:`storyline.compute`): in this process, or on Dask workers (``--dask``), the engine's
sequence of stages being the same either way.

Work goes in batches (the encoder is batched); each batch is written in one transaction, so a
killed run resumes without losing or duplicating articles. On a database file, a batch is written
by a background thread (its own connection) while the next batch is prepared: one batch at most is
in flight, and what the next batch reads of it (content hashes, stories of near-duplicates) comes
from memory until it lands. When the encoder can encode ahead (storyline.embed.ahead: USE's helper
process), batch N+1 is prepared and its encoding started before batch N is assigned and stored, so
the helper encodes while this process assigns; batch N+1's id and near-copy checks then read batch
N's content hashes and leads from memory too, and an error in preparing batch N+1 first lets
batch N go in (as one batch at a time would). One ingest at a time writes to a database:
``ingest_records`` holds its writer lease (storyline.lease), so processes sharing a database take turns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar, cast

import numpy as np

from storyline.assign import assign_in_order, story_item, story_items_of
from storyline.clustering import StoryClusterer, StoryItem, StoryParams, one_blas_thread
from storyline.clustering.protocol import Clusterer, StoryIds
from storyline.compute import EncodesAheadBatch, PendingBatch, Records, WorkOptions, open_preparer
from storyline.dedup import LEAD_CHARS, DuplicateIndex
from storyline.embed import Encoder, get_encoder, option_for
from storyline.engine_assigned import AssignedBatch, InFlight
from storyline.engine_batches import Front, Held, StageClock
from storyline.errors import ConfigError, strict_error
from storyline.ingest_report import REJECTION_SAMPLE, IngestReport
from storyline.prepare import Prepared, find_duplicates
from storyline.settings import Settings
from storyline.sources.live import Pause, batched, marking_pauses
from storyline.sources.stopping import until_stopped
from storyline.storage import open_store, utcnow
from storyline.storage.stored_form import as_stored
from storyline.storylines import StorylineLinker
from storyline.types import Article, RawRecord, Rejection
from storyline.writer import WRITES_COUNTER, Writer, write_batch
from storyline.writer import available as background_writes_available

if TYPE_CHECKING:
    from storyline.watches import Watcher

log = logging.getLogger("storyline.engine")
T = TypeVar("T")


class Engine:
    """The story engine over one database.

    >>> from storyline.embed import HashingEncoder
    >>> engine = Engine(":memory:", encoder=HashingEncoder())
    >>> text = "Heavy rain floods the old town of Valmare on Monday."
    >>> report = engine.ingest_records([RawRecord(origin="x:1", id="a1", text=text)])
    >>> report.ingested, report.stories_created
    (1, 1)
    """

    def __init__(
        self,
        db_path: str | Path = "storyline.db",
        *,
        encoder: Encoder | None = None,
        settings: Settings | None = None,
        clusterer: Clusterer | None = None,
    ) -> None:
        self.settings = settings or Settings(db=str(db_path))
        self.store = open_store(db_path)
        self.encoder = encoder or get_encoder(replace(self.settings, db=str(db_path)).resolved_encoder())
        # the story counter: read from the store by _restore; new ids are checked free in the write transaction
        self.story_ids = StoryIds()
        self._generation = 0  # the store's count of written batches that this engine's memory reflects
        self.writer_wait: float | None = self.settings.writer_wait or None  # seconds; None: as long as it takes
        self._writer: Writer | None = None
        self._in_flight: InFlight | None = None
        self._waiting: Front | None = None  # prepared, its vectors encoding ahead while the one before is assigned
        self._input_paused = False  # the batch in hand ended where the input paused (or ended)
        self._watcher: Watcher | None = None
        self.clusterer: Clusterer = clusterer or StoryClusterer(StoryParams.load(encoder=self.encoder.name),
                                                                new_story_id=self.story_ids)
        # the layer above stories: reads each batch's assignments, never changes them
        self.storylines = StorylineLinker()
        self._dedup = self._new_dedup_index()
        try:  # where the per-article stages run: here, or on Dask workers (settings.dask)
            self.preparer = open_preparer(self.settings.dask, self.encoder)
        except BaseException:
            self.store.close()
            raise
        self._restore()

    # ---------- state ----------
    def _new_dedup_index(self) -> DuplicateIndex:
        return DuplicateIndex(
            threshold=self.settings.dedup_threshold,
            short_threshold=self.settings.dedup_short_threshold,
            capacity=self.settings.dedup_capacity,
        )

    def _resync(self) -> None:
        """Rebuild memory from the database after a failed ingest: a batch assigned but never stored must
        not linger in the active stories of an engine that goes on ingesting (the web app's does)."""
        self.clusterer = self.clusterer.emptied()
        self.storylines = self.storylines.emptied()
        self._dedup = self._new_dedup_index()
        self._restore()

    def _restore(self) -> None:
        """Rebuild in-memory state (story counter, dedup index, active stories) from one snapshot of
        the database, and note which of its writes that state includes."""
        with self.store.snapshot():
            self._generation = self.store.counter(WRITES_COUNTER)
            self.story_ids.last = self.store.last_story_number()
            self._replay()
            self.storylines.restore(self.store.storyline_links(self.storylines.params.max_held),
                                    self.store.last_storyline_number())

    def _replay(self) -> None:
        self._dedup.extend(self.store.iter_minhashes(self.settings.dedup_capacity))
        # the clusterer holds at most max_active stories: replaying more would only evict them again;
        # closed ones too, as a late article may still join them (the clusterer closes them for good)
        recent = self.store.recent_story_ids(limit=self.clusterer.params.max_active)
        members = self.store.articles_of_stories(recent)
        if not members:
            return
        vectors = self.store.get_vectors([article.id for _, article in members])
        for story_id, article in members:
            vector = vectors.get(article.id)
            if vector is not None:
                self.clusterer.add_to(story_item(article, vector), story_id)

    def close(self) -> None:
        """Close the preparer, the watcher and the store; each is closed even when an earlier one fails."""
        try:
            self.preparer.close()
        finally:
            try:
                if self._watcher is not None:  # queued webhook notices get a bounded time to go out
                    self._watcher.close()
            finally:
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
        keep_assignments: bool = True,
        stop: threading.Event | None = None,
    ) -> IngestReport:
        """Ingest files, folders and ``-`` (stdin); once ``stop`` is set, what was read so far is stored and no more."""
        from storyline.sources import read_paths

        records = read_paths(paths, stdin=stdin, max_bytes=self.settings.max_bytes)
        if "-" in paths:  # live: stored at each pause too
            live = marking_pauses(records, stop=stop)
        else:
            live = records if stop is None else until_stopped(records, stop)
        return self.ingest_records(live, strict=strict, progress=progress, keep_assignments=keep_assignments)

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
        records: Iterable[RawRecord | Rejection | Pause],
        *,
        strict: bool = False,
        progress: Callable[[int], None] | None = None,
        keep_assignments: bool = True,
    ) -> IngestReport:
        """Ingest a stream of raw records (and count the rejections readers already made; a ``PAUSE`` of a live
        input stores the batch so far), holding the
        database's writer lease throughout: another process's ingest waits for this one, and this one
        first takes in whatever other processes stored since this engine last looked. Without
        ``keep_assignments`` the report counts, its memory flat however long the stream."""
        with self.store.writer_lease(timeout=self.writer_wait):
            if self._stale():
                self._resync()
            try:
                report = self._ingest_records(records, strict=strict, progress=progress,
                                              report=IngestReport(keep_assignments=keep_assignments))
            finally:
                self._generation = self.store.counter(WRITES_COUNTER)  # its own writes, all landed
        self._tell_watches(report)
        return report

    def _tell_watches(self, report: IngestReport) -> None:
        """Let the database's watches see the stories this ingest created or grew (storyline.watches); a
        failure there is logged and reported (``watch_error``), never failing the ingest, whose articles are stored."""
        if not report.ingested:
            return
        try:
            from storyline.watches import TouchedStories, Watcher

            if self._watcher is None:
                self._watcher = Watcher(self.store)
            report.watch_hits += len(self._watcher.after_ingest(report.touched or TouchedStories()))
        except Exception as exc:
            log.exception("watches: could not match this ingest's stories")
            report.watch_error = f"{type(exc).__name__}: {exc}"

    def _stale(self) -> bool:
        """Whether another process wrote batches or stories since this engine's memory was built."""
        with self.store.snapshot():
            return (self.store.counter(WRITES_COUNTER) != self._generation
                    or self.store.last_story_number() != self.story_ids.last)

    def _ingest_records(self, records: Iterable[RawRecord | Rejection | Pause], *, strict: bool,
                        progress: Callable[[int], None] | None, report: IngestReport) -> IngestReport:
        self._check_encoder()
        if self.store.list_watches():  # what the watches need of this ingest: its stories, not its articles
            from storyline.watches import TouchedStories

            report.touched = TouchedStories()
        started = time.perf_counter()
        options = WorkOptions(self.settings.min_words, self.settings.clean_with_encoder, self._dedup.num_perm,
                              make_items=stored_items)
        try:
            with closing(self.preparer.run(self._batches(records), options)) as pending_batches:
                for pending in pending_batches:
                    try:
                        front = self._front(pending, report, strict)
                    except Exception:  # the batch before it goes in first, as when batches ran one by one
                        self._finish_waiting(report, progress)
                        raise
                    self._finish_waiting(report, progress)
                    if isinstance(front.vectors, np.ndarray):
                        self._back(front, report, progress)
                    else:  # being encoded ahead: assigned once the next batch has started encoding
                        self._waiting = front
                        if self._input_paused:
                            self._finish_waiting(report, progress)
                self._finish_waiting(report, progress)
        except BaseException as error:
            self._waiting = None  # never assigned: a resumed run reads it again
            self._finish_writes(report, raise_errors=False)  # what was assigned before the error is kept
            if isinstance(error, Exception):  # an interrupted process is leaving anyway
                self._resync()
            raise
        self._finish_writes(report)
        report.seconds = time.perf_counter() - started
        return report

    def _batches(self, records: Iterable[RawRecord | Rejection | Pause]) -> Iterator[Records]:
        """The records in batches of ``batch_size``; a full batch means more may follow, so the background
        writer starts then (its writes overlap the next batch's work)."""
        for batch, full in batched(records, self.settings.batch_size):
            if full and self._writer is None and self.settings.store_in_background \
                    and background_writes_available(self.store):
                self._writer = Writer(self.store.path)
            self._input_paused = not full  # a live input's pause: its batch is not held for the next one
            yield cast(Records, batch)
            if not full:
                yield []  # nor held by a preparer that works ahead (the Preparer protocol)

    def _finish_writes(self, report: IngestReport, raise_errors: bool = True) -> None:
        """Wait for the last background write (its error is raised here) and stop the writer."""
        writer = self._writer
        if writer is None:
            return
        clock = StageClock(report.stage_seconds, report.stage_cpu_seconds, writer.cpu_seconds)
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
        flight, writer, self._in_flight = self._in_flight, self._writer, None
        if flight is None or writer is None:
            raise RuntimeError("no batch in flight")
        (created, touched), wall, cpu = writer.wait()
        report.writer_seconds += wall
        report.stage_cpu_seconds["store"] += cpu
        self._account(flight.batch, created, touched, report)

    def _held(self, read: Callable[[Held], T | None]) -> T | None:
        """What the batch waiting for its vectors, else the batch in flight, holds of an article not yet stored."""
        for batch in (self._waiting, self._in_flight):
            found = None if batch is None else read(batch.held)
            if found is not None:
                return found
        return None

    def _stored_hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Content hash of each stored article among ``article_ids``, the batch in flight and the batch waiting for
        its vectors included (what they hold first, as the store will once they land; the rest in one read)."""
        found: dict[str, str] = {}
        unheld: list[str] = []
        for article_id in article_ids:
            held = self._held(partial(Held.hash_of, article_id=article_id))
            if held is None:
                unheld.append(article_id)
            else:
                found[article_id] = held
        if unheld:
            found.update(self.store.hashes_of(unheld))
        return found

    def _stored_lead(self, article_id: str) -> tuple[str, str] | None:
        """(Headline, body's opening) of a stored article, the batch in flight and the batch waiting for its
        vectors included: a near-copy's headline must stand in its original's, and the other way round
        (``dedup.headlines_agree``)."""
        held = self._held(lambda batch: batch.lead_of(article_id))
        return held if held is not None else self.store.lead_of(article_id, LEAD_CHARS)

    def _stored_story(self, article_id: str) -> str | None:
        """Story of a stored article, the batch in flight included."""
        flight = self._in_flight
        if flight is not None and article_id in flight.story_of:
            return flight.story_of[article_id]
        return self.store.story_of(article_id)

    def _front(self, pending: PendingBatch, report: IngestReport, strict: bool) -> Front:
        """A batch through the stages before assignment, each timed: extract and check ids, clean, language,
        near-duplicates, then encode (run here or on workers: see storyline.compute), or only start encoding
        when the encoder can encode ahead (storyline.embed.ahead)."""
        writer = self._writer
        clock = StageClock(report.stage_seconds, report.stage_cpu_seconds, writer.cpu_seconds if writer else None)
        extraction = pending.extraction(self._stored_hashes)  # on Dask: the wait for the workers is timed here
        report.already_stored += extraction.already_stored
        report.repaired_surrogates += extraction.repaired_surrogates
        rejections = _checked(extraction.rejections, strict)
        clock.lap("extract")
        cleaning = pending.cleaning(extraction.accepted)
        rejections += _checked(cleaning.rejections, strict)
        clock.lap("clean")
        articles = pending.articles(cleaning.kept, now=utcnow())
        report.bad_lang_codes += articles.bad_lang_codes
        report.unparsed_dates += articles.unparsed_dates
        report.future_dates += articles.future_dates
        clock.lap("language")
        prepared, order = find_duplicates(articles.articles, self._dedup, pending.signatures(articles.articles),
                                          self._stored_lead)
        clock.lap("dedup")
        ahead = pending.vectors_ahead(prepared) if isinstance(pending, EncodesAheadBatch) else None
        vectors = ahead if ahead is not None else pending.vectors(prepared)
        clock.lap("encode")
        return Front(pending, prepared, order, rejections, vectors)

    def _finish_waiting(self, report: IngestReport, progress: Callable[[int], None] | None) -> None:
        """The batch waiting for its vectors, if any, through the rest of the stages."""
        front, self._waiting = self._waiting, None
        if front is not None:
            self._back(front, report, progress)

    def _back(self, front: Front, report: IngestReport, progress: Callable[[int], None] | None) -> None:
        """A batch from its vectors on, each stage timed: keys, assign, storylines, and store (in the background
        when a writer runs)."""
        writer = self._writer
        clock = StageClock(report.stage_seconds, report.stage_cpu_seconds, writer.cpu_seconds if writer else None)
        prepared, pending = front.prepared, front.pending
        # as the store gives them back to a resumed run
        vectors = as_stored(front.vectors if isinstance(front.vectors, np.ndarray) else front.vectors.result())
        clock.lap("encode")
        items = pending.items(prepared, vectors)
        clock.lap("keys")
        if self._merges_in_flight_move(prepared):
            self._settle(report)
            clock.lap("store")
        batch = self._assign(prepared, vectors, items, front.order, front.rejections)
        clock.lap("assign")
        batch = replace(batch, storylines=self.storylines.link(items, batch.assigned.assignments,
                                                               batch.assigned.merges))
        clock.lap("storylines")
        self._store(batch, report)
        clock.lap("store")
        if progress:
            progress(len(pending.records))

    def _merges_in_flight_move(self, prepared: Sequence[Prepared]) -> bool:
        """Whether the batch in flight merges stories and a near-duplicate here copies a stored article
        it does not hold: the merges move stored articles to other stories, so read those after they land."""
        flight = self._in_flight
        return flight is not None and bool(flight.batch.assigned.merges) and any(
            p.duplicate_of is not None and p.duplicate_of not in flight.story_of for p in prepared
        )

    def _assign(self, prepared: tuple[Prepared, ...], vectors: np.ndarray, items: list[StoryItem], order: list[int],
                rejections: tuple[Rejection, ...]) -> AssignedBatch:
        """Each article to a story, oldest first, near-duplicates to their original's story; the batch's
        new story ids are the ones issued since the previous batch."""
        before = self.story_ids.last
        with one_blas_thread():
            assigned = assign_in_order(self.clusterer, items, [p.duplicate_of for p in prepared], order,
                                       self._stored_story)
        self.story_ids.reserve(a.story_id for a in assigned.assignments if a.is_new)  # a given clusterer's own ids
        return AssignedBatch(prepared, vectors, assigned, rejections, before, self.story_ids.last)

    def _store(self, batch: AssignedBatch, report: IngestReport) -> None:
        """Write the batch now, or hand it to the background writer once the previous one landed."""
        writer = self._writer
        if writer is None:
            created, touched = write_batch(self.store, *self._write_arguments(batch))
            self._account(batch, created, touched, report)
            return
        if writer.busy:
            self._settle(report)
        self._in_flight = InFlight(batch)
        writer.submit(write_batch, *self._write_arguments(batch))

    def _write_arguments(self, batch: AssignedBatch) -> tuple:
        """``write_batch``'s arguments after the store: values, never state the next batch changes."""
        return (batch.prepared, batch.vectors, batch.assigned.assignments, batch.assigned.merges, batch.rejections,
                batch.ids_before, batch.ids_after, self.encoder.name, self.clusterer.params.window_days,
                batch.storylines)

    def _account(self, batch: AssignedBatch, created: set[str], touched: set[str], report: IngestReport) -> None:
        """Count a stored batch in the report."""
        languages = self.encoder.languages
        if languages is not None:
            report.uncovered_languages.update(p.article.lang for p in batch.prepared if p.article.lang not in languages)
        report.ingested += len(batch.prepared)
        report.duplicates += sum(1 for p in batch.prepared if p.duplicate_of)
        report.stories_created += len(created)
        report.stories_updated += len(touched - created)
        if report.keep_assignments:
            report.assignments.extend(batch.assigned.assignments)
        if report.touched is not None:
            report.touched.add(batch.assigned.assignments)
        for rejection in batch.rejections:
            report.rejected[rejection.reason] += 1
        room = REJECTION_SAMPLE - len(report.rejections)
        if room > 0:
            report.rejections.extend(batch.rejections[:room])


def stored_items(articles: Sequence[Article], vectors: np.ndarray) -> list[StoryItem]:
    """What the clusterer sees of each article, its vector at the stored precision: a run resumed from the
    database replays the very numbers this one assigned with. The batch is rounded in one pass (each row as
    it would be alone: the rounding works row by row), not a few numpy calls per article."""
    return story_items_of(articles, as_stored(vectors)) if len(articles) else []


def _checked(rejections: tuple[Rejection, ...], strict: bool) -> tuple[Rejection, ...]:
    """The rejections, to count; under ``strict``, the first one stops the ingest: the one place strict
    mode is decided."""
    if strict and rejections:
        raise strict_error(rejections[0])
    return rejections
