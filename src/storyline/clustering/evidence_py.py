"""The key evidence rows in pure Python: the reference that ``_evidence.c`` reproduces bit for bit.

One row per candidate story, the features of ``ROW_FEATURES`` in that order: what the clusterer reads of the
article's keys, time and language against each story's profiles, core and time (``params.FEATURES`` says what
each means). The vector products (cosines) and ``names_mass`` are not here: they are numpy products over all
candidates at once (``evidence.EvidenceTable``). ``evidence`` picks these rows or the compiled ones, once;
both give the same floats (tests/test_clustering_evidence.py), so the stories do not depend on a C compiler.

To change a feature here, change ``_evidence.c`` the same way and bump ``ROW_VERSION`` in both: a compiled
row of another version (or other features) is never used (``evidence.ROWS``).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import NamedTuple

from storyline.clustering.conflict import age_conflict, identity_conflict
from storyline.clustering.keys import DocFreq
from storyline.clustering.keywork import count_own_names, key_overlap, missing_share
from storyline.clustering.story import StoryState

ROW_VERSION = 1
ROW_FEATURES = (
    "words",
    "same_lang",
    "names",
    "log_gap",
    "time_unknown",
    "headline_only",
    "log_size",
    "unknown_lang",
    "cohesion",
    "headline_gap",
    "missing_core",
    "age_conflict",
    "missing_core_headline",
    "own_names",
    "identity_conflict",
    "followup_gap",
    "followup_cos",  # 1.0 for a follow-up beyond the window: the table multiplies it by the core cosine
)
SECONDS_PER_DAY = 86400.0


class ArticleRow(NamedTuple):
    """What every candidate's row reads of the article, looked up once per article."""

    lang: str
    words: dict[str, float]  # IDF-weighted word keys
    names: dict[str, float]  # IDF-weighted name keys
    ages: frozenset[int]
    rare: frozenset[str]  # rare names (identity)
    words_total: float
    names_total: float
    seen: dict[str, int]  # the stream's document counts
    stamp: float | None  # the article's time as a timestamp
    headline: float  # 1.0: no body
    may_conflict: bool  # a body naming two or more rare names: identity_conflict can fire


class RowSettings(NamedTuple):
    """The parameters the rows read (``StoryParams``'), and the ``missing_core`` of a core naming nothing."""

    window_days: float
    unknown_gap_days: float
    encoder_languages: frozenset[str]
    no_core: float


def row_settings(window_days: float, unknown_gap_days: float, encoder_languages: Collection[str]) -> RowSettings:
    """``RowSettings`` from story parameters."""
    return RowSettings(window_days, unknown_gap_days, frozenset(encoder_languages), -math.log(1.02))


class CoreIdf:
    """The IDF of each story's core names, refreshed as the stream doubles (``missing_core``'s weights).

    >>> from storyline.clustering.keys import DocFreq
    >>> story = StoryState("s1", 2); story.core_keys = ("n:dayto", "n:smith")
    >>> core = CoreIdf(DocFreq()); core.missing(story, {"n:dayto": 1.0})
    0.5
    """

    def __init__(self, df: DocFreq) -> None:
        self.df = df
        self.cache: dict[str, tuple[int, dict[str, float], float]] = {}  # story id -> (docs, weights, total)

    def refresh(self, story: StoryState) -> tuple[int, dict[str, float], float]:
        """Weigh the core's names afresh (the compiled rows call this too, on the same schedule)."""
        weights = self.df.weights(story.core_keys)
        entry = (self.df.docs, weights, math.fsum(weights.values()))
        self.cache[story.id] = entry
        return entry

    def forget(self, story_id: str) -> None:
        """The story's core changed or it was closed: weigh its names afresh when next asked."""
        self.cache.pop(story_id, None)

    def missing(self, story: StoryState, names: dict[str, float]) -> float:
        """Share of the core's own names the article lacks, IDF-weighted (0 when the core names nothing)."""
        if not story.core_keys:
            return 0.0
        cached = self.cache.get(story.id)
        if cached is None or self.df.docs > 2 * cached[0] + 100:
            cached = self.refresh(story)
        return missing_share(cached[1], cached[2], names)


def rows(stories: Sequence[StoryState], article: ArticleRow, settings: RowSettings,
         core: CoreIdf) -> list[tuple[float, ...]]:
    """The ``ROW_FEATURES`` row of each story, in order."""
    lang, words, names, ages, rare = article.lang, article.words, article.names, article.ages, article.rare
    words_total, names_total, seen, stamp = article.words_total, article.names_total, article.seen, article.stamp
    headline, may_conflict = article.headline, article.may_conflict
    window, known, no_core = settings.window_days, settings.encoder_languages, settings.no_core
    out: list[tuple[float, ...]] = []
    for story in stories:
        langs = story.langs
        same = langs.get(lang, 0)
        if stamp is None or story.event is None:
            gap, unknown, beyond = settings.unknown_gap_days, 1.0, 0.0
        else:  # a follow-up's gap within the window is the window's; how far past it is its own evidence
            days = abs(stamp - story.event) / SECONDS_PER_DAY
            gap, unknown, beyond = min(days, window), 0.0, max(0.0, days - window)
        log_gap = math.log1p(gap)
        # log-scaled: missing a few of the core's names is common in one event's coverage, missing
        # nearly all of them almost never is (measured: 2-5 % of such candidates were the article's story)
        missing = -math.log(1.02 - core.missing(story, names)) if story.core_keys else no_core
        out.append((
            key_overlap(words, story.words.counts, same, words_total) if same else 0.0,
            1.0 if same else 0.0,
            key_overlap(names, story.names.counts, story.names.members, names_total),
            log_gap,
            unknown,
            headline,
            math.log1p(story.size),
            0.0 if len(langs) == 1 and same else story.uncomparable(lang, known),
            story.cohesion,
            log_gap * headline,
            missing,
            age_conflict(ages, story.ages) if ages else 0.0,
            missing * headline,
            math.log1p(count_own_names(rare, story.names.counts, seen)) if rare else 0.0,
            identity_conflict(rare, story.identity) if may_conflict else 0.0,
            math.log1p(beyond),
            1.0 if beyond > 0 else 0.0,
        ))
    return out
