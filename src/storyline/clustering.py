"""The online story clusterer: each article joins the most likely active story, or starts a new one.

For the few stories nearest by centroid cosine, a small logistic model weighs the evidence
(centroid and best-member cosine, same-language word overlap, shared names and numbers, time gap,
headline-only, story size, how much of the story the encoder can compare across languages) into a
join probability.
An article only meets stories within a window of its own time. Stories silent for longer than the
window (relative to the newest time seen) are closed and dropped once more than a few thousand are
held, so the cost per article depends on the active stories only, never on how many were ever seen;
until then a late article (an archive ingested in any order) still finds the stories of its time.
"""

from __future__ import annotations

import json
import math
import operator
import re
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from importlib import resources
from typing import Callable, Iterable, Iterator

import numpy as np
from threadpoolctl import ThreadpoolController

from storyline.embed.use import USE_LANGUAGES
from storyline.features import DocFreq, KeyProfile, name_keys, overlap, word_keys
from storyline.types import Assignment

FEATURES = (
    "cos_centroid",  # article vs story centroid
    "cos_member",  # article vs its best-matching kept member (single-link evidence)
    "words",  # same-language word overlap
    "same_lang",  # the story already has a member in the article's language
    "names",  # shared names and numbers, any language
    "log_gap",  # log(1 + days between the article and the story's time span)
    "time_unknown",  # no time on the article or the story
    "headline_only",  # the article has no body
    "log_size",  # log(1 + members)
    "unknown_lang",  # share of story members the encoder cannot compare with the article (either side uncovered)
    "cohesion",  # mean member cosine to the centroid: loose (umbrella) stories accept lower cosines
    "headline_gap",  # log_gap for headline-only articles: without a body, time tells look-alike events apart
)

_SECONDS_PER_DAY = 86400.0
_SKETCH_DIM = 64  # random-projection size of the centroid pre-filter
_SKETCH_POOL = 64  # stories re-scored exactly after the pre-filter
_COUNTER_ID = re.compile(r"^s(\d+)$")
_BLAS: ThreadpoolController | None = None
_BLAS_DEPTH = 0


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run BLAS on one thread inside: a threaded matrix-vector product is 10x slower here.

    Re-entrant and cheap when nested, so a caller assigning many articles can enter it once
    (setting the limit costs about as much as scoring an article).
    """
    global _BLAS, _BLAS_DEPTH
    if _BLAS is None:
        _BLAS = ThreadpoolController()
    with _BLAS.limit(limits=1, user_api="blas") if _BLAS_DEPTH == 0 else nullcontext():
        _BLAS_DEPTH += 1
        try:
            yield
        finally:
            _BLAS_DEPTH -= 1


def params_file(encoder: str | None) -> str:
    """The calibrated parameter file for an encoder: each has its own, as its cosines have their own scale.

    >>> params_file("use-m3"), params_file("e5-small"), params_file("e5")
    ('stories.json', 'stories-e5.json', 'stories-e5.json')
    """
    return "stories-e5.json" if encoder is not None and encoder.startswith("e5") else "stories.json"


@dataclass(frozen=True)
class StoryParams:
    """Everything the clusterer's decisions depend on; written by scripts/calibrate_stories.py."""

    weights: tuple[float, ...] = (6.0, 4.0, 3.0, 0.0, 3.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    bias: float = -8.0
    threshold: float = 0.5
    merge_threshold: float = 1.01  # above 1: never merge
    window_days: float = 3.0
    shortlist: int = 10
    max_members: int = 8
    unknown_gap_days: float = 0.5
    max_active: int = 5_000
    prefilter_above: int = 2_000  # beyond this many active stories, shortlist via a 64-d sketch first
    keep_past_window: int = 2_000  # stories past the window stay in memory (for late articles) up to this many held
    encoder_languages: frozenset[str] = field(default=USE_LANGUAGES)

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"need {len(FEATURES)} weights ({', '.join(FEATURES)}), got {len(self.weights)}")

    @classmethod
    def load(cls, path: str | None = None, encoder: str | None = None) -> StoryParams:
        """Parameters from a JSON file, or the package's file calibrated for ``encoder`` (an encoder name;
        default USE's), falling back to defaults."""
        if path is not None:
            with open(path, encoding="utf-8") as fh:
                raw = json.load(fh)
        else:
            resource = resources.files("storyline") / "params" / params_file(encoder)
            if not resource.is_file():
                return cls()
            raw = json.loads(resource.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        if "weights" in values:
            values["weights"] = tuple(float(w) for w in values["weights"])
        if "encoder_languages" in values:
            values["encoder_languages"] = frozenset(values["encoder_languages"])
        return cls(**values)

    def to_json(self) -> dict:
        """A JSON-ready dict (numbers and language codes only)."""
        out = asdict(self)
        out["weights"] = list(self.weights)
        out["encoder_languages"] = sorted(self.encoder_languages)
        return out


@dataclass(frozen=True)
class StoryItem:
    """What the clusterer needs of an article (vector: unit-norm USE embedding of title + body)."""

    article_id: str
    vector: np.ndarray
    lang: str
    time: datetime | None
    title: str
    text: str
    source: str | None


class _Story:
    """Per-story state, kept small: centroid sum, a few member vectors, key profiles, time span."""

    __slots__ = ("id", "total", "members", "size", "words", "names", "langs", "first", "last", "row", "cohesion")

    def __init__(self, story_id: str, dim: int) -> None:
        self.id = story_id
        self.total = np.zeros(dim, dtype=np.float64)
        self.members = np.zeros((0, dim), dtype=np.float32)
        self.size = 0
        self.words = KeyProfile()
        self.names = KeyProfile()
        self.langs: dict[str, int] = {}
        self.first: float | None = None
        self.last: float | None = None
        self.row = -1
        self.cohesion = 0.0  # |total| / size: mean member cosine to the centroid


def _timestamp(time: datetime | None) -> float | None:
    return None if time is None else time.timestamp()


class StoryClusterer:
    """Online, time-aware story assignment with stable ids (default ids "s1", "s2", ...)."""

    def __init__(self, params: StoryParams | None = None, new_story_id: Callable[[], str] | None = None) -> None:
        self.params = params if params is not None else StoryParams.load()
        self.new_story_id = new_story_id
        self._weights = tuple(float(w) for w in self.params.weights)
        self._df = DocFreq()
        self._stories: dict[str, _Story] = {}
        self._rows: list[str] = []
        self._centroids = np.zeros((0, 0), dtype=np.float32)
        self._sketches = np.zeros((0, _SKETCH_DIM), dtype=np.float32)
        self._sketches_stale = False  # kept up to date only while the pre-filter is in use
        self._projection: np.ndarray | None = None
        self._first = np.zeros(0, dtype=np.float64)
        self._last = np.zeros(0, dtype=np.float64)
        self._touched = np.zeros(0, dtype=np.int64)
        self._seq = 0
        self._counter = 0
        self._newest: float | None = None
        self._merges: list[tuple[str, str]] = []

    # -- public contract -------------------------------------------------------------------

    def learn_one(self, item: StoryItem) -> Assignment:
        """Assign one article: join the most probable active story if its probability clears the threshold."""
        stamp = _timestamp(item.time)
        self._advance(stamp)
        words, names = self._keys(item)
        scored = self._score(item, stamp, words, names)
        if not scored or scored[0][0] < self.params.threshold:
            story = self._open(self._next_id(), item)
            self._add(story, item, stamp, words, names)
            return Assignment(item.article_id, story.id, 1.0, True)
        _, cosine, story = scored[0]
        for prob, _, other in scored[1:]:
            if prob >= self.params.merge_threshold:
                story = self._merge(other, story) if other.size <= story.size else self._merge(story, other)
        self._add(story, item, stamp, words, names)
        return Assignment(item.article_id, story.id, cosine, False)

    def add_to(self, item: StoryItem, story_id: str) -> Assignment:
        """Force an article into a story (near-duplicates, replay); a closed or unknown story is (re)opened.
        An id a merge since the last ``pop_merges`` absorbed names the story it went into."""
        story_id = self.resolve(story_id)
        stamp = _timestamp(item.time)
        self._advance(stamp)
        words, names = self._keys(item)
        story = self._stories.get(story_id)
        is_new = story is None
        if story is None:
            story = self._open(story_id, item)
            self.reserve_ids([story_id])
        cosine = 1.0 if is_new else float(self._centroids[story.row] @ item.vector)
        self._add(story, item, stamp, words, names)
        return Assignment(item.article_id, story_id, cosine, is_new)

    def resolve(self, story_id: str) -> str:
        """The story ``story_id`` now is, following the merges not yet popped (in order, so chains resolve)."""
        for absorbed, into in self._merges:
            if absorbed == story_id:
                story_id = into
        return story_id

    def pop_merges(self) -> list[tuple[str, str]]:
        """(absorbed, into) story merges since the last call: an article that strongly matched both joined them."""
        merges, self._merges = self._merges, []
        return merges

    def reserve_ids(self, story_ids: Iterable[str]) -> None:
        """Mark story ids as taken (on restart: every id in the store, merged ones too) so none is reissued."""
        for story_id in story_ids:
            match = _COUNTER_ID.match(story_id)
            if match:
                self._counter = max(self._counter, int(match.group(1)))

    def active_story_ids(self) -> list[str]:
        """Ids of the stories still open to new articles (within the window of the newest time seen)."""
        if self._newest is None:
            return list(self._rows)
        cutoff = self._newest - self.params.window_days * _SECONDS_PER_DAY
        stale = self._last[: len(self._rows)] < cutoff
        return [story_id for story_id, past in zip(self._rows, stale.tolist()) if not past]

    # -- evidence ---------------------------------------------------------------------------

    def _keys(self, item: StoryItem) -> tuple[dict[str, float], dict[str, float]]:
        return (
            self._df.weights(word_keys(item.title, item.text, item.lang)),
            self._df.weights(name_keys(item.title, item.text)),
        )

    def features(self, item: StoryItem, story_id: str) -> np.ndarray:
        """The evidence vector (see FEATURES) for an article against one active story, for calibration."""
        words, names = self._keys(item)
        story = self._stories[story_id]
        cosine = float(self._centroids[story.row] @ item.vector)
        return np.array(self._features(item, _timestamp(item.time), words, names, story, cosine))

    def _features(self, item, stamp, words, names, story: _Story, cosine: float,
                  totals: tuple[float, float] | None = None) -> tuple[float, ...]:
        p = self.params
        words_total, names_total = totals if totals is not None else (None, None)
        member = max((story.members @ item.vector).tolist())  # a short list: faster than ndarray.max()
        same = story.langs.get(item.lang, 0)
        if stamp is None or story.first is None:
            gap, unknown = p.unknown_gap_days, 1.0
        else:
            gap = max(0.0, story.first - stamp, stamp - story.last) / _SECONDS_PER_DAY
            unknown = 0.0
        headline = 0.0 if item.text.strip() else 1.0
        log_gap = math.log1p(gap)
        return (
            cosine,
            member,
            overlap(words, story.words, same, words_total) if same else 0.0,
            1.0 if same else 0.0,
            overlap(names, story.names, None, names_total),
            log_gap,
            unknown,
            headline,
            math.log1p(story.size),
            self._uncomparable(item.lang, story),
            story.cohesion,
            log_gap * headline,
        )

    def _uncomparable(self, lang: str, story: _Story) -> float:
        """Share of the story's members in another language than `lang` where either side is outside the
        encoder's languages: their cosine to the article says little, in either direction."""
        if len(story.langs) == 1 and lang in story.langs:  # the common case: nothing to compare across
            return 0.0
        known = self.params.encoder_languages
        if lang in known:
            blind = sum(n for other, n in story.langs.items() if other != lang and other not in known)
        else:
            blind = sum(n for other, n in story.langs.items() if other != lang)
        return blind / story.size

    def candidates(self, item: StoryItem) -> list[str]:
        """Ids of the active stories nearest by centroid cosine (the shortlist the model scores)."""
        return [story_id for story_id, _ in self._nearest(item)]

    def _nearest(self, item: StoryItem) -> list[tuple[str, float]]:
        """(story id, centroid cosine) of the ``shortlist`` nearest active stories within the window of
        the article's time, nearest first."""
        active = len(self._rows)
        if active == 0:
            return []
        far = self._out_of_window(_timestamp(item.time), active)
        with one_blas_thread():
            if active > self.params.prefilter_above:
                # a 64-d sketch reads an eighth of the memory; the best few are then scored exactly
                if self._sketches_stale:
                    self._sketches[:active] = self._centroids[:active] @ self._projection
                    self._sketches_stale = False
                rough = self._sketches[:active] @ (item.vector @ self._projection)
                if far is not None:
                    rough[far] = -np.inf
                size = min(_SKETCH_POOL, active)
                rows = np.argpartition(-rough, size - 1)[:size]
                sims = self._centroids[rows] @ item.vector
            else:
                rows = np.arange(active)
                sims = self._centroids[:active] @ item.vector
        if far is not None:
            keep = ~far[rows]
            rows, sims = rows[keep], sims[keep]
        k = min(self.params.shortlist, len(rows))
        if k == 0:
            return []
        top = np.argpartition(-sims, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self._rows[row], float(sim)) for row, sim in zip(rows[top].tolist(), sims[top].tolist())]

    def _out_of_window(self, stamp: float | None, active: int) -> np.ndarray | None:
        """Rows whose time span lies farther than the window from ``stamp`` (None: every row is in reach)."""
        if stamp is None:
            return None
        reach = self.params.window_days * _SECONDS_PER_DAY
        with np.errstate(invalid="ignore"):  # undated stories (NaN) are never out of reach
            far = (self._last[:active] < stamp - reach) | (self._first[:active] > stamp + reach)
        return far if far.any() else None

    def _score(self, item, stamp, words, names) -> list[tuple[float, float, _Story]]:
        """(join probability, centroid cosine, story) for each shortlisted story, most probable first."""
        out = []
        totals = (math.fsum(words.values()), math.fsum(names.values()))
        weights, bias = self._weights, self.params.bias
        for story_id, cosine in self._nearest(item):
            story = self._stories[story_id]
            x = self._features(item, stamp, words, names, story, cosine, totals)
            logit = sum(map(operator.mul, weights, x)) + bias
            prob = 1.0 / (1.0 + math.exp(-max(-500.0, min(500.0, logit))))
            out.append((prob, cosine, story))
        out.sort(key=lambda t: -t[0])
        return out

    # -- state ------------------------------------------------------------------------------

    def _next_id(self) -> str:
        if self.new_story_id is not None:
            return self.new_story_id()
        self._counter += 1
        return f"s{self._counter}"

    def _open(self, story_id: str, item: StoryItem) -> _Story:
        dim = item.vector.shape[0]
        if self._centroids.shape[1] == 0:
            self._centroids = np.zeros((64, dim), dtype=np.float32)
            self._sketches = np.zeros((64, _SKETCH_DIM), dtype=np.float32)
            rng = np.random.default_rng(0)
            self._projection = (rng.standard_normal((dim, _SKETCH_DIM)) / math.sqrt(_SKETCH_DIM)).astype(np.float32)
            self._first = np.full(64, np.nan)
            self._last = np.full(64, np.nan)
            self._touched = np.zeros(64, dtype=np.int64)
        while len(self._rows) >= self.params.max_active:
            self._close(self._rows[int(np.argmin(self._touched[: len(self._rows)]))])
        row = len(self._rows)
        if row >= self._centroids.shape[0]:
            grow = row
            self._centroids = np.vstack([self._centroids, np.zeros((grow, dim), dtype=np.float32)])
            self._sketches = np.vstack([self._sketches, np.zeros((grow, _SKETCH_DIM), dtype=np.float32)])
            self._first = np.concatenate([self._first, np.full(grow, np.nan)])
            self._last = np.concatenate([self._last, np.full(grow, np.nan)])
            self._touched = np.concatenate([self._touched, np.zeros(grow, dtype=np.int64)])
        story = _Story(story_id, dim)
        story.row = row
        self._rows.append(story_id)
        self._stories[story_id] = story
        return story

    def _add(self, story: _Story, item: StoryItem, stamp, words, names) -> None:
        vector = np.asarray(item.vector, dtype=np.float32)
        story.total += vector
        story.size += 1
        keep = self.params.max_members
        if story.members.shape[0] < keep:
            story.members = np.vstack([story.members, vector[None, :]])
        else:  # keep the first member (the story's origin) and the most recent ones
            story.members = np.vstack([story.members[:1], story.members[2:], vector[None, :]])
        story.words.add(words)
        story.names.add(names)
        story.langs[item.lang] = story.langs.get(item.lang, 0) + 1
        if stamp is not None:
            story.first = stamp if story.first is None else min(story.first, stamp)
            story.last = stamp if story.last is None else max(story.last, stamp)
        self._df.add(words.keys() | names.keys())
        norm = math.sqrt(story.total.dot(story.total))  # what np.linalg.norm computes, without its overhead
        story.cohesion = norm / story.size
        self._centroids[story.row] = story.total / norm if norm > 0 else 0.0
        if len(self._rows) > self.params.prefilter_above:
            self._sketches[story.row] = self._centroids[story.row] @ self._projection
        else:
            self._sketches_stale = True
        self._seq += 1
        self._touched[story.row] = self._seq
        self._first[story.row] = np.nan if story.first is None else story.first
        self._last[story.row] = np.nan if story.last is None else story.last

    def _merge(self, absorbed: _Story, into: _Story) -> _Story:
        """Fold one story into another (an article bridged them); the absorbed id is closed for good."""
        into.total += absorbed.total
        into.size += absorbed.size
        keep = self.params.max_members
        into.members = np.vstack([into.members[:1], into.members[1:], absorbed.members])
        if into.members.shape[0] > keep:
            into.members = np.vstack([into.members[:1], into.members[-(keep - 1) :]])
        for mine, theirs in ((into.words, absorbed.words), (into.names, absorbed.names)):
            mine.counts.update(theirs.counts)
            mine.members += theirs.members
        for lang, count in absorbed.langs.items():
            into.langs[lang] = into.langs.get(lang, 0) + count
        if absorbed.first is not None:
            into.first = absorbed.first if into.first is None else min(into.first, absorbed.first)
            into.last = absorbed.last if into.last is None else max(into.last, absorbed.last)
        self._close(absorbed.id)
        self._merges.append((absorbed.id, into.id))
        return into

    def _advance(self, stamp: float | None) -> None:
        """Move the clock to the newest time seen; once more than ``keep_past_window`` stories are held,
        close those silent beyond the window (no article of the newest time can join them)."""
        if stamp is None or (self._newest is not None and stamp <= self._newest):
            return
        self._newest = stamp
        if len(self._rows) <= self.params.keep_past_window:
            return
        cutoff = stamp - self.params.window_days * _SECONDS_PER_DAY
        stale = np.flatnonzero(self._last[: len(self._rows)] < cutoff)
        for story_id in [self._rows[i] for i in stale]:
            self._close(story_id)

    def _close(self, story_id: str) -> None:
        """Drop a story from memory: its row is filled by the last active row."""
        story = self._stories.pop(story_id)
        row, last = story.row, len(self._rows) - 1
        if row != last:
            moved = self._stories[self._rows[last]]
            moved.row = row
            self._rows[row] = moved.id
            self._centroids[row] = self._centroids[last]
            self._sketches[row] = self._sketches[last]
            self._first[row] = self._first[last]
            self._last[row] = self._last[last]
            self._touched[row] = self._touched[last]
        self._rows.pop()
        self._first[last] = np.nan
        self._last[last] = np.nan
