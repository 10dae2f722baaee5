"""No date (clustering/undated.py): a candidate whose time is unknown is weighed by the undated join model,
a dated article meeting a dated story never is; mixed streams route each candidate by its own times."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from storyline.clustering import FEATURES, StoryClusterer, StoryItem, StoryParams
from storyline.clustering.undated import TIME_UNKNOWN, folded_bias, join_logits

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
DIM = 32
# an undated model that joins whatever it is shown: any candidate with no time on either side joins
ALWAYS = (0.0,) * len(FEATURES)


def _stream(dated: list[bool], seed: int = 3) -> list[StoryItem]:
    """Articles on unrelated topics (cosines near 0), dated or not as ``dated`` says."""
    rng = np.random.default_rng(seed)
    out = []
    for i, has_time in enumerate(dated):
        v = rng.normal(size=DIM)
        v = (v / np.linalg.norm(v)).astype(np.float32)
        out.append(StoryItem(f"a{i}", v, "en", T0 + timedelta(hours=i) if has_time else None,
                             "", "", None))
    return out


def _stories(params: StoryParams, items: list[StoryItem]) -> list[str]:
    clusterer = StoryClusterer(params)
    return [clusterer.learn_one(item).story_id for item in items]


@pytest.fixture
def params() -> StoryParams:
    # min_cosine below any cosine: every held story is a candidate the model sees
    return replace(StoryParams.load(), min_cosine=-1.0, undated_weights=(), undated_bias=0.0)


def test_the_feature_column_is_time_unknown():
    assert FEATURES[TIME_UNKNOWN] == "time_unknown"


def test_only_rows_with_an_unknown_time_meet_the_undated_model():
    x = np.zeros((3, len(FEATURES)))
    x[:, 0] = [0.9, 0.9, 0.2]
    x[1:, TIME_UNKNOWN] = 1.0
    dated = np.zeros(len(FEATURES))
    dated[0] = 2.0
    undated = np.zeros(len(FEATURES))
    undated[0] = -1.0
    assert join_logits(x, dated, -1.0, None, 5.0).tolist() == pytest.approx([0.8, 0.8, -0.6])
    assert join_logits(x, dated, -1.0, undated, 0.5).tolist() == pytest.approx([0.8, -0.4, 0.3])


def test_the_undated_threshold_is_folded_into_the_undated_bias(params):
    """An undated model at its own threshold 0.3 decides as the shared threshold does: p >= 0.3 <=> p' >= 0.4."""
    bias = folded_bias(-1.0, 0.3, 0.4)
    for logit in (0.1, 0.15, 0.16, 0.2):  # the undated threshold falls at 1 + logit(0.3) = 0.153
        undated = 1 / (1 + np.exp(-(logit - 1.0)))
        shared = 1 / (1 + np.exp(-(logit + bias)))
        assert (undated >= 0.3) == (shared >= 0.4)
    assert folded_bias(-1.0, 0.4, 0.4) == -1.0


def test_undated_weights_round_trip_and_must_match_the_features(tmp_path, params):
    shipped = replace(params, undated_weights=tuple(float(i) for i in range(len(FEATURES))), undated_bias=-1.5,
                      undated_threshold=0.3)
    path = tmp_path / "stories.json"
    path.write_text(json.dumps(shipped.to_json()))
    assert StoryParams.load(str(path)) == shipped
    with pytest.raises(ValueError):
        replace(params, undated_weights=(1.0, 2.0))


def test_dated_decisions_never_meet_the_undated_model(params):
    items = _stream([True] * 12)
    assert len(set(_stories(params, items))) == 12  # unrelated topics: twelve stories
    joining = replace(params, undated_weights=ALWAYS, undated_bias=50.0)
    assert _stories(joining, items) == _stories(params, items)


def test_undated_articles_are_weighed_by_the_undated_model(params):
    items = _stream([False] * 12)
    assert len(set(_stories(params, items))) == 12
    assert len(set(_stories(replace(params, undated_weights=ALWAYS, undated_bias=50.0), items))) == 1
    # a model that never joins keeps even a repeated article apart when it has no time
    told = replace(items[0], title="Antwerp dockworkers begin strike", text="Dockworkers in Antwerp walked out.")
    again = [told, replace(told, article_id="copy")]
    assert len(set(_stories(replace(params, undated_weights=ALWAYS, undated_bias=-50.0), again))) == 2
    assert len(set(_stories(params, again))) == 1  # the dated model joins the copy


def test_mixed_streams_use_the_undated_model_where_either_side_has_no_time(params):
    """A dated article meeting an undated story, and an undated one meeting a dated story: both unknown."""
    joining = replace(params, undated_weights=ALWAYS, undated_bias=50.0)
    dated_first = _stream([True, False])  # the undated article meets the dated story
    undated_first = _stream([False, True])  # the dated article meets the undated story (no event time)
    for items in (dated_first, undated_first):
        assert len(set(_stories(params, items))) == 2
        assert len(set(_stories(joining, items))) == 1
    # two dated articles days apart stay apart with an undated article in between (the window still holds)
    items = _stream([True, False, True])
    items[2] = replace(items[2], vector=items[0].vector, time=T0 + timedelta(days=40), article_id="late")
    stories = _stories(replace(params, undated_weights=ALWAYS, undated_bias=-50.0), items)
    assert len(set(stories)) == 3
