"""A fixed probe the compiled evidence rows must pass before they are used: a few candidate stories and articles
that make every row feature non-trivial (shared words and names, a core with missing names, other ages, rare names
in conflict, own names, a follow-up past the window, no time, languages the encoder cannot compare), scored by
the compiled rows and by the Python rows (``evidence_py.rows``); any float that differs keeps the Python rows.

Why: the C code restates features whose Python definitions live elsewhere (``conflict.py``, ``keywork``); a
definition changed there without the C following would otherwise change the stories depending on whether a
compiler was at hand. The hypothesis tests (tests/test_clustering_evidence.py) check far more cases; this check
runs once per process (well under a millisecond) so that a stale build never decides.
"""

from __future__ import annotations

import math
from collections import Counter
from types import ModuleType

import numpy as np

from storyline.clustering import evidence_py
from storyline.clustering.evidence_py import ROW_FEATURES, ArticleRow, CoreIdf, RowSettings, row_settings
from storyline.clustering.keys import DocFreq, KeyProfile
from storyline.clustering.story import StoryState

_DAY = 86400.0
_T0 = 1_600_000_000.0


def _story(story_id: str, langs: dict[str, int], event: float | None, words: dict[str, int], names: dict[str, int],
           core: tuple[str, ...], ages: dict[int, int], identity: set[str]) -> StoryState:
    story = StoryState(story_id, 2)
    story.size = sum(langs.values())
    story.langs, story.event, story.core_keys = dict(langs), event, core
    for attr, counts in (("words", words), ("names", names)):
        profile = KeyProfile()
        profile.counts, profile.members = Counter(counts), story.size
        setattr(story, attr, profile)
    story.cohesion = 0.5 + 0.1 * story.size
    story.ages, story.identity = Counter(ages), frozenset(identity)
    return story


def _article(lang: str, words: dict[str, float], names: dict[str, float], ages: set[int], stamp: float | None,
             headline: bool, seen: Counter[str]) -> ArticleRow:
    rare = frozenset(name for name in names if name.startswith("n:"))
    return ArticleRow(lang, words, names, frozenset(ages), rare, math.fsum(words.values()), math.fsum(names.values()),
                      seen, stamp, 1.0 if headline else 0.0, not headline and len(rare) >= 2)


def probe() -> tuple[list[StoryState], list[ArticleRow], RowSettings, CoreIdf]:
    """The probe's stories, articles, settings and core-name cache, built afresh (each side gets its own)."""
    df = DocFreq(common=frozenset({"n:polic", "strike"}))
    for keys in ({"n:valen", "en:en:port"}, {"n:valen", "n:maers"}, {"n:dayto", "#12"}, {"n:maers"}):
        df.add(keys)
    stories = [
        _story("s1", {"en": 3}, _T0, {"en:port": 2, "en:strike": 3}, {"n:valen": 2, "n:maers": 1, "#12": 1},
               ("n:maers", "n:valen"), {23: 1}, {"n:valen", "n:maers"}),
        _story("s2", {"de": 2, "sl": 1}, None, {"de:hafen": 2}, {"n:valen": 1}, (), {}, {"n:tulsa", "n:whitl"}),
        _story("s3", {"en": 1, "de": 1}, _T0 - 20 * _DAY, {"en:trial": 1}, {"n:dayto": 2},
               ("n:dayto", "n:monro"), {41: 2}, {"n:dayto", "n:monro"}),
    ]
    seen = Counter({"n:valen": 3, "n:maers": 9, "n:dayto": 1, "n:tulsa": 1})
    articles = [
        _article("en", {"en:port": 2.5, "en:strike": 1.25, "en:ship": 3.0},
                 {"n:valen": 4.0, "n:maers": 5.5, "n:tulsa": 6.0}, {23, 5}, _T0 + 1.5 * _DAY, False, seen),
        _article("de", {"de:hafen": 2.0}, {"n:dayto": 3.0, "#12": 1.5}, {41}, None, True, seen),
        _article("sl", {"sl:pristan": 1.0}, {"n:aaaaa": 2.0, "n:bbbbb": 2.5}, {30}, _T0 + 2 * _DAY, False, seen),
        _article("en", {}, {"n:dayto": 7.0, "n:monro": 1.0}, set(), _T0 + 10 * _DAY, False, seen),
    ]
    return stories, articles, row_settings(3.0, 0.5, {"en", "de"}), CoreIdf(df)


def agrees(module: ModuleType) -> bool:
    """Whether ``module.rows`` gives the Python rows' floats, to the bit, and the same core-name cache, on the probe."""
    stories, articles, settings, core = probe()
    mine, theirs, _, their_core = probe()
    columns = tuple(range(len(ROW_FEATURES)))
    for article, their_article in zip(articles, theirs, strict=True):
        x = np.zeros((len(stories), len(ROW_FEATURES)))
        try:
            module.rows(x, columns, mine, their_article, settings, their_core.cache, their_core.df.docs,
                        their_core.refresh)
            got: bytes | type = x.tobytes()
        except Exception as exc:  # any failure of a stale build: the same error as Python's, or do not use it
            got = type(exc)
        try:
            expected: bytes | type = np.array(evidence_py.rows(stories, article, settings, core)).tobytes()
        except Exception as exc:
            expected = type(exc)
        if got != expected:
            return False
    return {k: v[:2] for k, v in core.cache.items()} == {k: v[:2] for k, v in their_core.cache.items()}
