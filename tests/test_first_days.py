"""A story runs past a month only on its first days' names (clustering/first_days.py, issue #15)."""

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clustering import FEATURES, ItemKeys, StoryClusterer, StoryItem, StoryParams
from storyline.clustering.first_days import FirstDays
from storyline.evaluation import unlinked_long_stories

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
DAY = 86400.0
NAMES = ["n:whitl", "n:peori", "n:tulsa", "n:harpe", "n:okmul"]


def _item(i: int, vector: np.ndarray, days: float, rare: frozenset[str]) -> StoryItem:
    keys = ItemKeys(frozenset({"en:shot", "en:police"}), rare, frozenset(), rare)
    return StoryItem(f"a{i}", vector, "en", T0 + timedelta(days=days), "Man shot", "Police said.", None, keys)


def _params(**changes) -> StoryParams:
    """A model that joins on the centroid and on one own name, follow-ups for a year."""
    weights = dict.fromkeys(FEATURES, 0.0) | {"cos_centroid": 6.0, "own_names": 4.0}
    return StoryParams(weights=tuple(weights[f] for f in FEATURES), bias=-5.0, window_days=3.0,
                       followup_days=365.0, followup_names=1, **changes)


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=32)
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_months_later_an_article_joins_only_naming_two_of_the_first_days_names():
    topic = _unit(1)
    both, one = frozenset(NAMES[:2]), frozenset(NAMES[:1])
    for needed, joins_on_one in ((2, False), (1, True)):
        clusterer = StoryClusterer(_params(linked_names=needed))
        first = clusterer.learn_one(_item(0, topic, 0, both)).story_id
        for i in range(1, 30):  # other news, so the names stay rare
            clusterer.learn_one(_item(i, _unit(100 + i), i, frozenset({f"n:other{i}"})))
        later = clusterer.learn_one(_item(50, topic, 60, one)).story_id
        assert (later == first) is joins_on_one  # the veto, not the model, keeps it out
        assert clusterer.learn_one(_item(51, topic, 61, both)).story_id == first  # a trial: both names


def test_within_a_month_the_model_alone_decides():
    topic = _unit(2)
    clusterer = StoryClusterer(_params())
    first = clusterer.learn_one(_item(0, topic, 0, frozenset(NAMES[:2]))).story_id
    assert clusterer.learn_one(_item(1, topic, 20, frozenset(NAMES[:1]))).story_id == first


def test_an_older_article_becomes_the_first_and_the_early_names_follow_it():
    days = FirstDays()
    days.add(40 * DAY, frozenset({"n:late"}), 30 * DAY)
    days.add(0.0, frozenset({"n:early", "n:town"}), 30 * DAY)
    assert days.first == 0.0 and days.names == {"n:early", "n:town"}


members = st.lists(st.tuples(st.floats(0, 120), st.frozensets(st.sampled_from(NAMES), max_size=3)),
                   min_size=1, max_size=25)


@settings(max_examples=300, deadline=None)
@given(members, st.lists(st.booleans(), min_size=25, max_size=25))
def test_what_it_admits_and_merges_never_breaks_the_rule(stream, side):
    """Members added only when admitted, two stories merged only when they agree: every story keeps the rule
    that ``storyline eval stories`` checks, whatever the order of arrival."""
    stories, kept = (FirstDays(), FirstDays()), ([], [])
    for (day, rare), which in zip(stream, side, strict=False):
        if stories[which].admits(day * DAY, rare, 30 * DAY, 2):
            stories[which].add(day * DAY, rare, 30 * DAY)
            kept[which].append((T0 + timedelta(days=day), rare))
    assert unlinked_long_stories(kept) == 0
    if stories[0].agrees(stories[1], 30 * DAY, 2):
        assert unlinked_long_stories([kept[0] + kept[1]]) == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 150), st.integers(0, 1), st.frozensets(st.sampled_from(NAMES), max_size=3)),
                min_size=2, max_size=40))
def test_no_story_the_clusterer_makes_runs_past_a_month_on_its_topic_alone(stream):
    """Two topics over five months, names drawn from a few: whatever joins or merges, no story breaks the rule."""
    topics = (_unit(3), _unit(4))
    clusterer = StoryClusterer(_params(merge_threshold=0.6))
    placed = []
    for i, (day, topic, rare) in enumerate(stream):
        item = _item(i, topics[topic], day, rare)
        placed.append((clusterer.learn_one(item).story_id, item))
    stories: dict[str, list] = {}
    for story_id, item in placed:
        stories.setdefault(clusterer.resolve(story_id), []).append((item.time, item.keys.rare))
    assert unlinked_long_stories(stories.values()) == 0
