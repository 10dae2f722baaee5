"""Clustering metrics: known values, label-name invariance, and agreement with the O(n²) definitions."""

from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.evaluation import bcubed, bcubed_by, pairwise, story_errors


def _pairwise_slow(gold, pred):
    pairs = list(combinations(range(len(gold)), 2))
    both = sum(1 for i, j in pairs if gold[i] == gold[j] and pred[i] == pred[j])
    in_pred = sum(1 for i, j in pairs if pred[i] == pred[j])
    in_gold = sum(1 for i, j in pairs if gold[i] == gold[j])
    p = both / in_pred if in_pred else 1.0
    r = both / in_gold if in_gold else 1.0
    return p, r


def _bcubed_slow(gold, pred):
    n = len(gold)
    both = [sum(1 for j in range(n) if pred[j] == pred[i] and gold[j] == gold[i]) for i in range(n)]
    p = sum(both[i] / pred.count(pred[i]) for i in range(n)) / n
    r = sum(both[i] / gold.count(gold[i]) for i in range(n)) / n
    return p, r


labels = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=30)


@given(labels)
def test_metrics_match_their_definitions(rows):
    gold = [g for g, _ in rows]
    pred = [p for _, p in rows]
    assert bcubed(gold, pred)[:2] == pytest.approx(_bcubed_slow(gold, pred))
    assert pairwise(gold, pred)[:2] == pytest.approx(_pairwise_slow(gold, pred))


@given(labels)
def test_metrics_ignore_label_names(rows):
    gold = [g for g, _ in rows]
    pred = [p for _, p in rows]
    renamed = [f"story-{p * 7}" for p in pred]
    assert bcubed(gold, pred) == pytest.approx(bcubed(gold, renamed))
    assert pairwise(gold, pred) == pytest.approx(pairwise(gold, renamed))


@given(labels, st.lists(st.sampled_from(["en", "de", "sl"]), min_size=30, max_size=30))
def test_groups_average_to_the_whole(rows, langs):
    gold = [g for g, _ in rows]
    pred = [p for _, p in rows]
    groups = langs[: len(rows)]
    by = bcubed_by(gold, pred, groups)
    assert sum(n for *_, n in by.values()) == len(rows)
    whole_p, whole_r, _ = bcubed(gold, pred)
    assert sum(p * n for p, _, _, n in by.values()) / len(rows) == pytest.approx(whole_p)
    assert sum(r * n for _, r, _, n in by.values()) / len(rows) == pytest.approx(whole_r)


def test_perfect_and_singletons():
    gold = ["a", "a", "b", "c", "c", "c"]
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    p, r, _f = bcubed(gold, list(range(6)))
    assert p == 1.0 and r == pytest.approx((2 * 0.5 + 1 + 3 / 3) / 6)
    assert pairwise(gold, list(range(6)))[1] == 0.0


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError):
        bcubed([1, 2], [1])


@given(labels)
def test_story_errors_account_for_every_lost_pair(rows):
    """The merged stories' wrong pairs are the pairs put together wrongly, the split ones' the pairs kept apart."""
    gold = [g for g, _ in rows]
    pred = [p for _, p in rows]
    merged, split = story_errors(gold, pred)
    pairs = list(combinations(range(len(gold)), 2))
    assert sum(e.pairs for e in merged) == sum(1 for i, j in pairs if pred[i] == pred[j] and gold[i] != gold[j])
    assert sum(e.pairs for e in split) == sum(1 for i, j in pairs if gold[i] == gold[j] and pred[i] != pred[j])
    assert all(len(e.parts) >= 2 and sum(k for _, k in e.parts) == e.size for e in merged + split)
    assert [e.pairs for e in merged] == sorted((e.pairs for e in merged), reverse=True)
