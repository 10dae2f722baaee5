"""names_mass: shared names at the scale of their IDF, where ``names`` is a scale-free share; headline_bodies:
how much of a story a headline-only article meets has a body; headline_lead: how much nearer a headline's
nearest story is than the next."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.clustering import FEATURES, StoryClusterer, StoryItem, StoryParams
from storyline.clustering.overlap import bodies_share, names_mass, nearest_lead

T0 = datetime(2021, 7, 24, 8, 0, tzinfo=UTC)
DIM = 32


def test_the_mass_is_the_shared_idf_in_units_of_an_unseen_name_capped_at_one():
    unseen = np.log(100.0)
    out = names_mass(np.array([0.0, 0.25, 1.0, 1.0]), 2.0 * unseen, 80, 20.0)
    assert out.tolist() == pytest.approx([0.0, 0.5, 1.0, 1.0])
    # the same share of the same names weighs the same however long the stream has run (IDF's own scale)
    early = names_mass(np.array([1.0]), 0.5 * np.log(30.0), 10, 20.0)
    late = names_mass(np.array([1.0]), 0.5 * np.log(100_020.0), 100_000, 20.0)
    assert early.tolist() == pytest.approx([0.5])
    assert late.tolist() == pytest.approx([0.5])


def _item(i: int, vector: np.ndarray, title: str, hours: float = 0.0, text: str = "") -> StoryItem:
    return StoryItem(f"a{i}", vector.astype(np.float32), "en", T0 + timedelta(hours=hours), title, text, None)


def test_a_headline_naming_only_the_stream_s_common_place_shares_a_full_share_but_little_mass():
    """Games coverage: every headline names Tokyo. A headline whose only name is Tokyo has the full ``names``
    share with a story naming it, as one sharing a rare athlete's name has; its mass tells them apart."""
    rng = np.random.default_rng(3)
    topic = rng.normal(size=DIM)
    topic /= np.linalg.norm(topic)
    clusterer = StoryClusterer(StoryParams())
    for i in range(60):  # the stream: Tokyo everywhere, each headline with a name of its own
        v = rng.normal(size=DIM)
        clusterer.add_to(_item(i, v / np.linalg.norm(v), f"Tokyo: Zorvath{i} Quennel{i} wins heat"), f"other{i}")
    clusterer.add_to(_item(100, topic, "Tokyo: Marguerite Okonkwo sets a world record"), "story")
    share, mass = FEATURES.index("names"), FEATURES.index("names_mass")

    def evidence(title: str) -> np.ndarray:
        rows = dict(clusterer.evidence(_item(101, topic, title, hours=1.0)))
        return rows["story"]

    common, rare = evidence("Tokyo"), evidence("Okonkwo")
    assert common[share] == pytest.approx(1.0) == rare[share]  # the scale-free share cannot tell them apart
    assert common[mass] < 0.2 < 0.6 < rare[mass]


def test_the_bodies_share_is_the_share_of_members_with_a_body():
    assert bodies_share([(0, 3), (1, 4), (5, 5)]) == pytest.approx([1.0, 0.75, 0.0])
    assert bodies_share([]) == []


def test_a_headline_meets_a_story_of_bodies_and_a_story_of_headlines_apart_and_a_body_never_sets_it():
    """The feature is the article's headline flag times the story's share of members with a body, merges
    counted: 1 against a story of bodies, 0 against one of headlines, 0 for an article with a body."""
    rng = np.random.default_rng(5)
    topic = rng.normal(size=DIM)
    topic /= np.linalg.norm(topic)
    clusterer = StoryClusterer(StoryParams(merge_threshold=1.01))
    body = "Police said the bridge closed after the crash on Monday morning."
    clusterer.add_to(_item(0, topic, "Bridge closed after crash", text=body), "bodies")
    clusterer.add_to(_item(1, topic, "Bridge closed after crash"), "headlines")
    clusterer.add_to(_item(2, topic, "Bridge crash: drivers told to avoid the area", text=body), "mixed")
    clusterer.add_to(_item(3, topic, "Crash closes bridge"), "mixed")
    col = FEATURES.index("headline_bodies")

    def evidence(text: str) -> dict[str, float]:
        return {story: float(x[col]) for story, x in clusterer.evidence(_item(9, topic, "Bridge crash", 1.0, text))}

    assert evidence("") == pytest.approx({"bodies": 1.0, "headlines": 0.0, "mixed": 0.5})
    assert evidence(body) == pytest.approx({"bodies": 0.0, "headlines": 0.0, "mixed": 0.0})
    merged = clusterer._merge(clusterer._stories["headlines"], clusterer._stories["bodies"])  # one of each kind
    assert merged.headlines == 1 and merged.size == 2
    assert evidence("")["bodies"] == pytest.approx(0.5)


def test_the_lead_is_the_nearest_story_s_distance_ahead_of_the_next_and_nothing_for_the_others():
    assert nearest_lead([0.5, 0.8, 0.6]) == pytest.approx([0.0, 0.2, 0.0])
    assert nearest_lead([0.7, 0.7, 0.1]) == [0.0, 0.0, 0.0]  # two as near: no lead
    assert nearest_lead([0.9]) == [0.0]  # nothing to compare with
    assert nearest_lead([]) == []


@given(st.lists(st.floats(min_value=-1.0, max_value=1.0), min_size=2, max_size=12))
def test_only_the_nearest_has_a_lead_and_it_is_the_gap_to_the_runner_up(cosines: list[float]):
    out = nearest_lead(cosines)
    top, second = sorted(cosines, reverse=True)[:2]
    assert min(out) == 0.0 and sum(1 for v in out if v > 0.0) <= 1
    assert max(out) == top - second
    if top > second:
        assert out[cosines.index(top)] == top - second


def test_a_headline_s_lead_column_reads_the_centroid_cosines_and_a_body_never_sets_it():
    """Two stories of one topic: the headline nearer one of them has that story's cosine lead over the other in
    the nearer story's row, 0.0 in the other's; the same text with a body has 0.0 in both."""
    rng = np.random.default_rng(7)
    topic, other = rng.normal(size=DIM), rng.normal(size=DIM)
    near_v = topic / np.linalg.norm(topic)
    far_v = topic + 0.8 * other
    far_v /= np.linalg.norm(far_v)
    clusterer = StoryClusterer(StoryParams(merge_threshold=1.01))
    clusterer.add_to(_item(0, near_v, "Bridge closed after crash"), "near")
    clusterer.add_to(_item(1, far_v, "Bridge reopens after repairs"), "far")
    lead, cos = FEATURES.index("headline_lead"), FEATURES.index("cos_centroid")

    def rows(text: str) -> dict[str, np.ndarray]:
        return dict(clusterer.evidence(_item(9, near_v, "Bridge crash", 1.0, text)))

    headline = rows("")
    gap = headline["near"][cos] - headline["far"][cos]
    assert gap > 0.1
    assert headline["near"][lead] == pytest.approx(gap)
    assert headline["far"][lead] == 0.0
    body = rows("Police said the bridge closed after the crash on Monday morning.")
    assert body["near"][lead] == 0.0 == body["far"][lead]
