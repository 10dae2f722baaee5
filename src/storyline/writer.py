"""Writing an ingested batch (one transaction), and a background writer: one thread with its own
store (its own connection) stores a batch while the next is prepared.

SQLite releases the GIL while it works, so most of a batch's write runs on the second core. One job
at a time: ``submit`` needs the previous job collected with ``wait``, which returns its result or
raises its error in the caller's thread. The thread's CPU time can be read from the caller
(``cpu_seconds``), so a stage clock can charge it to the store and not to whatever ran meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np

from storyline.centrality import most_central
from storyline.errors import StoreError
from storyline.storage import Store, open_store, to_iso
from storyline.storage.rows import HeadlineCandidate, StorylineUpdate

# Counts the batches written: a writer whose memory reflects fewer must re-read the stories first.
WRITES_COUNTER = "writes"
# Headline choice reads member vectors; past this many members, the newest ones speak for the story.
_HEADLINE_SAMPLE = 100


def available(store: Store) -> bool:
    """True if a second store sees the same database (SQLite: a file in WAL mode) and this platform can
    read another thread's CPU clock; otherwise writes stay in the caller's thread."""
    return hasattr(time, "pthread_getcpuclockid") and store.shared_connections()


class Writer:
    """Runs ``job(store, *args)`` calls one at a time on a thread that owns a second store on ``path``."""

    def __init__(self, path: str) -> None:
        self.store = open_store(path)
        self._cond = threading.Condition()
        self._job: tuple[Callable[..., Any], tuple] | None = None
        self._outcome: tuple[bool, Any, float, float] | None = None  # (ok, result or error, wall s, CPU s)
        self._busy = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="storyline-writer", daemon=True)
        self._thread.start()
        assert self._thread.ident is not None  # set by start()
        self._clock = time.pthread_getcpuclockid(self._thread.ident)

    def cpu_seconds(self) -> float:
        """CPU time the writer thread has used so far."""
        return time.clock_gettime(self._clock)

    @property
    def busy(self) -> bool:
        """A job was submitted and not yet collected."""
        return self._busy

    def submit(self, job: Callable[..., Any], *args: Any) -> None:
        with self._cond:
            if self._busy:
                raise RuntimeError("collect the previous write with wait() first")
            self._busy, self._job, self._outcome = True, (job, args), None
            self._cond.notify_all()

    def wait(self) -> tuple[Any, float, float]:
        """(result, wall seconds, writer CPU seconds) of the submitted job; re-raises its error here."""
        with self._cond:
            if not self._busy:
                raise RuntimeError("no write was submitted")
            while self._outcome is None:
                self._cond.wait()
            ok, value, wall, cpu = self._outcome
            self._busy, self._outcome = False, None
        if not ok:
            raise value
        return value, wall, cpu

    def close(self) -> None:
        """Stop the thread (after its current job) and close its connection."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()
        self.store.close()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._job is None and not self._stopping:
                    self._cond.wait()
                if self._job is None:
                    return
                job, args = self._job
                self._job = None
            started, started_cpu = time.perf_counter(), time.thread_time()
            ok: bool
            value: Any
            try:
                ok, value = True, job(self.store, *args)
            except BaseException as exc:  # handed to the caller's thread by wait()
                ok, value = False, exc
            outcome = (ok, value, time.perf_counter() - started, time.thread_time() - started_cpu)
            with self._cond:
                self._outcome = outcome
                self._cond.notify_all()


def write_batch(store: Store, prepared, vectors, assignments, merges, rejections, counter_before: int,
                story_counter: int, encoder_name: str, window_days: float | None,
                storylines: StorylineUpdate | None = None) -> tuple[set[str], set[str]]:
    """Write one ingested batch in one transaction: rejections, articles with their vectors and
    signatures, new, grown and merged stories with their headlines, the story counter, the closing of
    stories silent past the window, and the batch's storyline changes. Returns the stories it (created,
    touched).

    The batch's new story ids are those after ``counter_before``: they are checked free against the
    stored counter inside the transaction, so ids are never issued twice, whatever another process does."""
    added: dict[str, list] = {}
    vector_of: dict[str, np.ndarray] = {}
    with store.transaction():
        stored = store.last_story_number()
        if stored > counter_before:
            raise StoreError(
                f"story ids after s{counter_before} were taken by another writer of {store.path} "
                f"(it holds stories up to s{stored}); nothing of this batch was written",
                hint="run the command again: writers take turns through the lock file beside the database",
            )
        store.bump_counter(WRITES_COUNTER)
        store.insert_rejections((r.origin, r.reason, r.detail) for r in rejections)
        created = store.create_stories(
            [(a.story_id, int(a.story_id.lstrip("s") or 0)) for a in assignments if a.is_new]
        )
        rows = []
        for item, vector, assignment in zip(prepared, vectors, assignments, strict=True):
            rows.append((item.article, assignment.story_id, float(assignment.similarity),
                         item.duplicate_of, vector, item.signature))
            added.setdefault(assignment.story_id, []).append(item.article)
            vector_of[item.article.id] = vector
        store.insert_articles(rows, encoder_name)
        full: set[str] = set()
        for absorbed, into in merges:
            store.merge_story(absorbed, into)
            added.pop(absorbed, None)
            full.discard(absorbed)
            full.add(into)
        grown = [(story_id, articles) for story_id, articles in added.items() if story_id not in full]
        sizes = store.grow_stories(
            [(story_id, [(a.lang, a.source, to_iso(a.published)) for a in articles])  # undated: no span
             for story_id, articles in grown]
        )
        # each headline from its members: the batch's own where a story is all of this batch, else its newest
        # members read back (in one statement for the batch, after the merged stories' summary rows are made)
        chosen: list[tuple[str, list[HeadlineCandidate] | None]] = []
        for (story_id, articles), (before, after) in zip(grown, sizes, strict=True):
            if before == 0:  # all its members are in this batch: no need to read them back
                chosen.append((story_id, [(a.id, a.title, vector_of[a.id]) for a in articles]))
            elif _HeadlineSchedule.due(before, after):
                chosen.append((story_id, None))
        for story_id in full:
            store.refresh_story(story_id, "", None)  # the summary row from all its articles, after a merge
            chosen.append((story_id, None))
        read = store.headline_candidates_of([story_id for story_id, members in chosen if members is None],
                                            _HEADLINE_SAMPLE)
        store.set_headlines([_headline(store, story_id, read[story_id] if members is None else members)
                             for story_id, members in chosen])
        touched = set(added) | full
        store.set_counter("story", story_counter)
        newest = max((p.article.time for p in prepared if p.article.time), default=None)
        if window_days and newest:
            store.close_stories_before(newest - timedelta(days=float(window_days)))
        if storylines:
            store.save_storylines(storylines)
    return created, touched


def _refresh_headline(store: Store, story_id: str) -> None:
    """Store the most central title among the newest members (vectors and titles only, no texts)."""
    store.set_headlines([_newest_headline(store, story_id)])


def _newest_headline(store: Store, story_id: str) -> tuple[str, str, str | None]:
    """``_headline`` of a story's newest ``_HEADLINE_SAMPLE`` members, read back."""
    return _headline(store, story_id, store.headline_candidates(story_id, _HEADLINE_SAMPLE))


def _headline(store: Store, story_id: str,
              members: list[HeadlineCandidate]) -> tuple[str, str, str | None]:
    """(story id, headline, headline article id): the most central title of ``members`` (id, title, vector),
    oldest first."""
    titled = [(aid, title, vec) for aid, title, vec in members if title and vec is not None]
    headline, headline_id = "", None
    if titled:
        # a story's first member is its headline: most stories start with one article in a batch; else the oldest
        # of the most central titles (a tie within ``centrality.SCORE_TIE``: a story of two is always one)
        best = most_central([vec for _, _, vec in titled]) if len(titled) > 1 else 0
        headline, headline_id = titled[best][1], titled[best][0]
    elif members:
        headline_id = members[0][0]
        headline = store.text_start(headline_id, 120)
    return story_id, headline, headline_id


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
