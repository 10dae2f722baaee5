"""The online story clusterer: each article joins the most likely story of its event, or starts a new one.

For the few stories nearest by centroid cosine, a small logistic model weighs the evidence for a join
(centroid, core and best-member cosine, same-language word overlap, shared names and numbers, time gap)
and against it (the core's names missing from the article, other ages) into a join probability.
A story's *event* is its core: its first members fix its centroid, its names and its event time (their
median). An article meets a story only within the window of that event time, so no chain of
small steps walks a story from one event to the next; beyond the window, up to ``followup_days``, only
an article that carries the core's own names (a trial, a sentencing) can join, and more than a month
after the story's first article only one naming its first days' people and places (``first_days.py``).
Stories past their reach are closed and dropped once more than a few thousand are held, so the cost
per article depends on the active stories only; until then a late article (an archive ingested in any
order) still finds the stories of its time. An article or story with no time is handled as
``clustering/undated.py`` says (no window, no follow-ups, its own join weights).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime

import numpy as np

from storyline.clustering.blas import one_blas_thread
from storyline.clustering.conflict import common_keys, core_keys, identity
from storyline.clustering.evidence import EvidenceTable
from storyline.clustering.evidence_py import ArticleRow, CoreIdf, row_settings
from storyline.clustering.item import StoryItem, item_keys
from storyline.clustering.keys import DocFreq
from storyline.clustering.keywork import is_own_name
from storyline.clustering.params import StoryParams
from storyline.clustering.protocol import NewStoryId, StoryIds
from storyline.clustering.sketch_batch import SketchBatch, in_reach, nearest_first
from storyline.clustering.story import StoryState, WeightedKeys
from storyline.clustering.undated import folded_bias, join_logits
from storyline.clustering.window import beyond
from storyline.types import Assignment

_SECONDS_PER_DAY = 86400.0
_SKETCH_DIM = 64  # random-projection size of the centroid pre-filter
_SKETCH_POOL = 64  # stories re-scored exactly after the pre-filter

def _timestamp(time: datetime | None) -> float | None:
    return None if time is None else time.timestamp()


class StoryClusterer:
    """Online, time-aware story assignment with stable ids (default ids "s1", "s2", ...)."""

    def __init__(self, params: StoryParams | None = None, new_story_id: NewStoryId | None = None) -> None:
        self.params = params if params is not None else StoryParams.load()
        self.new_story_id: NewStoryId = new_story_id if new_story_id is not None else StoryIds()
        self._weights = np.asarray(self.params.weights, dtype=np.float64)
        p = self.params
        self._undated = np.asarray(p.undated_weights, dtype=np.float64) if p.undated_weights else None
        self._undated_bias = folded_bias(p.undated_bias, p.undated_threshold, p.threshold)
        self._early_seconds = p.linked_after_days * _SECONDS_PER_DAY
        # an event's window and a story's reach, in the seconds the stamps are in (the params are fixed once given)
        self._window_seconds = p.window_days * _SECONDS_PER_DAY
        self._reach_seconds = p.reach_days * _SECONDS_PER_DAY
        self._df = DocFreq(common=common_keys())
        self._stories: dict[str, StoryState] = {}
        self._rows: list[str] = []
        self._centroids = np.zeros((0, 0), dtype=np.float32)
        self._cores = np.zeros((0, 0), dtype=np.float32)
        self._sketches = np.zeros((0, _SKETCH_DIM), dtype=np.float32)
        self._sketches_stale = False  # kept up to date only while the pre-filter is in use
        self._projection: np.ndarray | None = None
        self._projection_norm = 0.0  # its largest singular value, once it exists (sketch_batch's error bound)
        self._event = np.zeros(0, dtype=np.float64)
        self._touched = np.zeros(0, dtype=np.int64)
        self._owner: dict[str, str] = {}  # name key -> the held story carrying it most (follow-up lookup)
        self._core_idf = CoreIdf(self._df)  # the IDF of each story's core names (missing_core)
        self._table = EvidenceTable()
        self._row_settings = row_settings(p.window_days, p.unknown_gap_days, p.encoder_languages)
        self._seq = 0
        self._newest: float | None = None
        self._absorbed: dict[str, str] = {}  # merged story id -> the story it went into (one entry per merge)
        self._batch: SketchBatch | None = None  # the product of the articles about to be assigned (expect)

    # -- public contract -------------------------------------------------------------------

    def learn_one(self, item: StoryItem) -> Assignment:
        """Assign one article: join the most probable story of its event if the probability clears the threshold.
        Other stories it clears ``merge_threshold`` for are merged with it: the assignment names them."""
        stamp = _timestamp(item.time)
        self._advance(stamp)
        keys = self._keys(item)
        scored = self._score(item, stamp, keys)
        if not scored or scored[0][0] < self.params.threshold:
            story = self._open(self._next_id(), item)
            self._add(story, item, stamp, keys)
            return Assignment(item.article_id, story.id, 1.0, True)
        _, cosine, story = scored[0]
        merged: list[tuple[str, str]] = []
        for prob, _, other in scored[1:]:
            if prob >= self.params.merge_threshold and story.first_days.agrees(
                    other.first_days, self._early_seconds, self.params.linked_names):
                absorbed, story = (other, story) if other.size <= story.size else (story, other)
                merged.append((absorbed.id, self._merge(absorbed, story).id))
        self._add(story, item, stamp, keys)
        return Assignment(item.article_id, story.id, cosine, False, merged=tuple(merged))

    def add_to(self, item: StoryItem, story_id: str) -> Assignment:
        """Force an article into a story (near-duplicates, replay); a closed or unknown story is (re)opened.
        An id a merge absorbed names the story it went into."""
        story_id = self.resolve(story_id)
        stamp = _timestamp(item.time)
        self._advance(stamp)
        keys = self._keys(item)
        story = self._stories.get(story_id)
        is_new = story is None
        if story is None:
            story = self._open(story_id, item)
            self.reserve_ids([story_id])
        cosine = 1.0 if is_new else float(self._centroids[story.row] @ item.vector)
        self._add(story, item, stamp, keys)
        return Assignment(item.article_id, story_id, cosine, is_new)

    def expect(self, items: Sequence[StoryItem]) -> None:
        """The articles about to be assigned (none: the batch's end), scored in one product (sketch_batch)."""
        active, self._batch = len(self._rows), None
        sketched = active > self.params.prefilter_above and self._projection is not None
        if items and active and not (sketched and self._sketches_stale):
            self._batch = SketchBatch(items, (self._sketches if sketched else self._centroids)[:active],
                                      self._projection if sketched else None, self._centroids.shape[0],
                                      in_reach(items, self._event[:active], self._window_seconds),
                                      self._projection_norm if sketched else None)

    def resolve(self, story_id: str) -> str:
        """The story ``story_id`` now is, following the merges this clusterer made (chains resolve)."""
        while story_id in self._absorbed:
            story_id = self._absorbed[story_id]
        return story_id

    def reserve_ids(self, story_ids: Iterable[str]) -> None:
        """Mark story ids as taken (on restart: every id in the store, merged ones too) so none is reissued."""
        if isinstance(self.new_story_id, StoryIds):
            self.new_story_id.reserve(story_ids)

    def emptied(self) -> StoryClusterer:
        """A clusterer with these parameters and this id source, holding no stories."""
        return StoryClusterer(self.params, new_story_id=self.new_story_id)

    def active_story_ids(self) -> list[str]:
        """Ids of the stories still open to new articles (their event within reach of the newest time seen)."""
        if self._newest is None:
            return list(self._rows)
        cutoff = self._newest - self._reach_seconds
        stale = self._event[: len(self._rows)] < cutoff
        return [story_id for story_id, past in zip(self._rows, stale.tolist(), strict=True) if not past]

    # -- evidence ---------------------------------------------------------------------------

    def _keys(self, item: StoryItem) -> WeightedKeys:
        keys = item.keys if item.keys is not None else item_keys(item.title, item.text, item.lang)
        words, names = self._df.weights(keys.words), self._df.weights(keys.names)
        return WeightedKeys(words, names, keys.ages, keys.rare,
                            math.fsum(words.values()), math.fsum(names.values()))

    def evidence(self, item: StoryItem) -> list[tuple[str, np.ndarray]]:
        """(story id, evidence vector; see FEATURES) for each story the model would score, for calibration."""
        keys = self._keys(item)
        stamp = _timestamp(item.time)
        candidates = self._candidates(item, keys.identity, stamp)
        if not candidates:
            return []
        x = self._evidence(item, stamp, keys, candidates)
        return [(story.id, x[i]) for i, (story, _) in enumerate(candidates)]

    def _evidence(self, item: StoryItem, stamp: float | None, keys: WeightedKeys,
                  candidates: list[tuple[StoryState, float]]) -> np.ndarray:
        """The evidence matrix (one row per candidate story, one column per feature in FEATURES): evidence.py."""
        stories = [story for story, _ in candidates]
        headline = 1.0 if item.headline_only else 0.0
        rare = keys.identity
        # the conflict features' own early exits (no ages, fewer than two rare names) taken once per article
        article = ArticleRow(item.lang, keys.words, keys.names, keys.ages, rare, keys.words_total, keys.names_total,
                             self._df.counts, stamp, headline, not headline and len(rare) >= 2)
        return self._table.matrix(stories, [cosine for _, cosine in candidates], article, item.vector, self._cores,
                                  self._row_settings, self._core_idf)

    def candidates(self, item: StoryItem) -> list[str]:
        """Ids of the stories the model scores: the nearest by centroid cosine within the window, and
        follow-up candidates beyond it that share the story's own names."""
        return [story.id for story, _ in self._candidates(item, self._keys(item).identity, _timestamp(item.time))]

    def _candidates(self, item: StoryItem, rare: frozenset[str],
                    stamp: float | None) -> list[tuple[StoryState, float]]:
        """(story, centroid cosine) of the stories to score: near ones, then follow-up ones (``stamp``: the
        item's time as a timestamp, computed once per article)."""
        floor = self.params.min_cosine  # names alone never make a story of two unrelated texts
        stories = self._stories
        near = [(stories[story_id], cosine) for story_id, cosine in self._nearest(item, stamp) if cosine >= floor]
        followups = self._followups(item, rare, {story.id for story, _ in near}, stamp)
        found = near + [(stories[story_id], cosine) for story_id, cosine in followups if cosine >= floor] \
            if followups else near
        if stamp is None:  # FirstDays.admits: an undated article is always admitted
            return found
        early, needed = self._early_seconds, self.params.linked_names
        # admits' first test inline (a story whose first days hold the article admits it: most candidates)
        return [pair for pair in found if (first := pair[0].first_days.first) is None
                or first <= stamp <= first + early or pair[0].first_days.admits(stamp, rare, early, needed)]

    def _nearest(self, item: StoryItem, stamp: float | None) -> list[tuple[str, float]]:
        """(story id, centroid cosine) of the ``shortlist`` nearest stories whose event time is within the
        window of the article's time, nearest first. Only rows in the window are read: in a long stream
        most held stories are past it (kept for follow-ups)."""
        active = len(self._rows)
        if active == 0:
            return []
        with one_blas_thread():
            batch = self._batch  # the batch's one product, where it gives what the code below would
            if batch is not None and not (batch.sketched and self._sketches_stale):
                p = self.params
                found = batch.shortlist(item, self._centroids, self._sketches, active, self._event, stamp,
                                        self._window_seconds, p.prefilter_above, p.shortlist, _SKETCH_POOL)
                if found is not None:
                    return [(self._rows[row], sim) for row, sim in found]
            far = self._out_of_window(stamp, active)
            rows = None if far is None else (~far).nonzero()[0]
            count = active if rows is None else len(rows)
            if count == 0:
                return []
            sketched, projection = count > self.params.prefilter_above, self._projection
            if sketched and self._sketches_stale:
                assert projection is not None  # set with the first story
                self._sketches[:active] = self._centroids[:active] @ projection
                self._sketches_stale, self._batch = False, None
            if sketched:  # a 64-d sketch reads an eighth of the memory; the best few are then scored exactly
                assert projection is not None
                # one product over every held row, then the in-window rows' scores (gathering first copied more)
                scores = self._sketches[:active] @ (item.vector @ projection)
                if rows is not None:
                    scores = scores[rows]
                size = min(_SKETCH_POOL, count)
                pick = (-scores).argpartition(size - 1)[:size]  # methods: numpy's function wrappers cost a call each
                rows = pick if rows is None else rows[pick]
                sims = self._centroids[rows] @ item.vector
            elif rows is None:
                rows = np.arange(active)
                sims = self._centroids[:active] @ item.vector
            else:
                sims = self._centroids[rows] @ item.vector
        return [(self._rows[row], sim) for row, sim in nearest_first(rows, sims, self.params.shortlist)]

    def _followups(self, item: StoryItem, rare: frozenset[str], seen: set[str],
                   stamp: float | None) -> list[tuple[str, float]]:
        """Stories whose event lies beyond the window but within ``followup_days`` of the article, that
        share at least ``followup_names`` of their own rare names with it (found through the name index)."""
        p = self.params
        if stamp is None or p.followup_days <= p.window_days:
            return []
        shared: dict[str, int] = {}  # story id -> own names shared, in first-seen order (as a Counter counts)
        owner, stories, seen_counts = self._owner, self._stories, self._df.counts
        for key in rare:  # never rare & owner.keys(): that walks the whole index
            story_id = owner.get(key)
            if story_id is None or story_id in seen:
                continue
            if is_own_name(seen_counts.get(key, 0), stories[story_id].names.counts.get(key, 0)):
                shared[story_id] = shared.get(story_id, 0) + 1
        if not shared:
            return []
        out = []
        low, high = self._window_seconds, self._reach_seconds
        for story_id, count in shared.items():
            story = self._stories[story_id]
            if count >= p.followup_names and story.event is not None and low < abs(stamp - story.event) <= high:
                out.append((story_id, float(self._centroids[story.row] @ item.vector)))
        return out

    def _out_of_window(self, stamp: float | None, active: int) -> np.ndarray | None:
        """Which rows' event time lies farther than the window from ``stamp`` (None: every row is in reach)."""
        if stamp is None:
            return None
        far = beyond(self._event[:active], stamp, self._window_seconds)  # undated stories never are
        return far if far.any() else None

    def _score(self, item, stamp, keys: WeightedKeys) -> list[tuple[float, float, StoryState]]:
        """(join probability, centroid cosine, story) for each candidate story, most probable first."""
        candidates = self._candidates(item, keys.identity, stamp)
        if not candidates:
            return []
        logits = join_logits(self._evidence(item, stamp, keys, candidates), self._weights, self.params.bias,
                             self._undated, self._undated_bias)
        probs = 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(logits, -500.0), 500.0)))  # clip's floats, no wrapper
        chances = probs.tolist()  # Python floats, as float() of each element gives
        # most probable first, ties in candidate order: a stable sort, as numpy's stable argsort of -probs (NaN last)
        order = sorted(range(len(chances)), key=chances.__getitem__, reverse=True) \
            if not math.isnan(sum(chances)) else (-probs).argsort(kind="stable").tolist()
        return [(chances[i], candidates[i][1], candidates[i][0]) for i in order]

    # -- state ------------------------------------------------------------------------------

    def _next_id(self) -> str:
        return self.new_story_id()

    def _open(self, story_id: str, item: StoryItem) -> StoryState:
        dim = item.vector.shape[0]
        if self._centroids.shape[1] == 0:
            self._centroids = np.zeros((64, dim), dtype=np.float32)
            self._cores = np.zeros((64, dim), dtype=np.float32)
            self._sketches = np.zeros((64, _SKETCH_DIM), dtype=np.float32)
            rng = np.random.default_rng(0)
            self._projection = (rng.standard_normal((dim, _SKETCH_DIM)) / math.sqrt(_SKETCH_DIM)).astype(np.float32)
            self._projection_norm = float(np.linalg.norm(self._projection, 2))
            self._event = np.full(64, np.nan)
            self._touched = np.zeros(64, dtype=np.int64)
        while len(self._rows) >= self.params.max_active:
            self._close(self._rows[int(np.argmin(self._touched[: len(self._rows)]))])
        row = len(self._rows)
        if row >= self._centroids.shape[0]:
            grow = row
            self._centroids = np.vstack([self._centroids, np.zeros((grow, dim), dtype=np.float32)])
            self._cores = np.vstack([self._cores, np.zeros((grow, dim), dtype=np.float32)])
            self._sketches = np.vstack([self._sketches, np.zeros((grow, _SKETCH_DIM), dtype=np.float32)])
            self._event = np.concatenate([self._event, np.full(grow, np.nan)])
            self._touched = np.concatenate([self._touched, np.zeros(grow, dtype=np.int64)])
            self._batch = None
        story = StoryState(story_id, dim)
        story.row = row
        if self._batch is not None:
            self._batch.mark(row)
        self._rows.append(story_id)
        self._stories[story_id] = story
        return story

    def _add(self, story: StoryState, item: StoryItem, stamp, keys: WeightedKeys) -> None:
        vector = np.asarray(item.vector, dtype=np.float32)
        story.total += vector
        story.size += 1
        story.headlines += int(item.headline_only)
        story.add_member(vector, self.params.max_members)  # the first member (the origin) and the most recent ones
        story.words.add(keys.words)
        story.names.add(keys.names)
        self._index_names(story, keys.identity)
        story.langs[item.lang] = story.langs.get(item.lang, 0) + 1
        story.first_days.add(stamp, keys.identity, self._early_seconds)
        self._df.add(keys.words.keys() | keys.names.keys())
        norm = math.sqrt(story.total.dot(story.total))  # what np.linalg.norm computes, without its overhead
        story.cohesion = norm / story.size
        self._centroids[story.row] = story.total / norm if norm > 0 else 0.0
        if story.core_names.members < self.params.core_size:
            self._grow_core(story, vector, stamp, keys)
        if len(self._rows) > self.params.prefilter_above:
            self._sketches[story.row] = self._centroids[story.row] @ self._projection
        else:
            self._sketches_stale = True
        if self._batch is not None:  # its centroid (and sketch) changed
            self._batch.mark(story.row)
        self._seq += 1
        self._touched[story.row] = self._seq

    def _index_names(self, story: StoryState, names: Iterable[str]) -> None:
        """Make ``story`` the owner of each name it now carries more often than the current owner does."""
        if self.params.followup_days <= self.params.window_days:
            return
        counts, owner = story.names.counts, self._owner
        for key in names:
            current = owner.get(key)
            other = self._stories[current] if current is not None and current != story.id else None
            if other is not None and other.names.counts.get(key, 0) > counts.get(key, 0):
                continue
            owner[key] = story.id

    def _grow_core(self, story: StoryState, vector: np.ndarray, stamp: float | None, keys: WeightedKeys) -> None:
        """One more core member: the event's centroid, names, ages and time move with it. While every member is a
        core member (no merge yet), the core's sum is the story's, added in the same order: its centroid, to the bit."""
        if story.size == story.core_names.members + 1:  # core_total is brought up to date by a merge (_merge)
            self._cores[story.row] = self._centroids[story.row]
        else:
            story.core_total += vector
            norm = math.sqrt(story.core_total.dot(story.core_total))
            self._cores[story.row] = story.core_total / norm if norm > 0 else 0.0
        story.core_names.add(keys.names)
        story.core_keys = core_keys(story.core_names)
        story.identity = identity(story.core_keys)
        self._core_idf.forget(story.id)
        if keys.ages:
            story.ages.update(keys.ages)
        if stamp is not None:
            self._event[story.row] = story.add_core_time(stamp)

    def _merge(self, absorbed: StoryState, into: StoryState) -> StoryState:
        """Fold one story into another (an article bridged them); the absorbed id is closed for good.
        The core stays the one of the story taking the other in."""
        if into.size == into.core_names.members:  # its core's sum was its own sum (_grow_core): from now on apart
            into.core_total[:] = into.total
        into.total += absorbed.total
        into.size += absorbed.size
        into.headlines += absorbed.headlines
        into.absorb_members(absorbed.members, self.params.max_members)
        for mine, theirs in ((into.words, absorbed.words), (into.names, absorbed.names)):
            mine.counts.update(theirs.counts)
            mine.members += theirs.members
        self._index_names(into, identity(absorbed.names.counts))
        into.first_days.absorb(absorbed.first_days, self._early_seconds)
        for lang, count in absorbed.langs.items():
            into.langs[lang] = into.langs.get(lang, 0) + count
        self._close(absorbed.id)
        self._absorbed[absorbed.id] = into.id
        return into

    def _advance(self, stamp: float | None) -> None:
        """Move the clock to the newest time seen; once more than ``keep_past_window`` stories are held,
        close those whose event is past the window of the newest time."""
        if stamp is None or (self._newest is not None and stamp <= self._newest):
            return
        self._newest = stamp
        keep = self.params.keep_past_window
        if len(self._rows) <= keep:
            return
        # the oldest past-window stories go first, down to a tenth below ``keep`` held (so this runs once per
        # hundreds of stories, not per article): the newest past-window stories stay follow-up candidates, where
        # dropping every past-window story at once left a follow-up's reach to when the last purge happened
        events = self._event[: len(self._rows)]
        stale = np.flatnonzero(events < stamp - self._window_seconds)
        excess = len(self._rows) - (keep - keep // 10)
        if len(stale) > excess:
            stale = stale[np.argpartition(events[stale], excess - 1)[:excess]]
        for story_id in [self._rows[i] for i in stale]:
            self._close(story_id)

    def _close(self, story_id: str) -> None:
        """Drop a story from memory: its row is filled by the last active row."""
        story = self._stories.pop(story_id)
        self._core_idf.forget(story_id)
        for key in story.names.counts:
            if self._owner.get(key) == story_id:
                del self._owner[key]
        row, last = story.row, len(self._rows) - 1
        if row != last:
            moved = self._stories[self._rows[last]]
            moved.row = row
            self._rows[row] = moved.id
            self._centroids[row] = self._centroids[last]
            self._cores[row] = self._cores[last]
            self._sketches[row] = self._sketches[last]
            if self._batch is not None:
                self._batch.mark(row)
            self._event[row] = self._event[last]
            self._touched[row] = self._touched[last]
        self._rows.pop()
        self._event[last] = np.nan
