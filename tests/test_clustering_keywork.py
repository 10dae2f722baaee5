"""The compiled key work (_native.c) gives what the pure-Python reference (keywork_py) gives, bit for bit;
keywork picks one of them once, and the Python one when STORYLINE_PURE_PYTHON=1."""

import importlib.util
import math
import os
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clustering import keywork, keywork_py

BUILT = importlib.util.find_spec("storyline.clustering._native") is not None
needs_native = pytest.mark.skipif(not BUILT, reason="the C extension was not built (no compiler at install)")

# a small alphabet, so that articles and stories share keys; str keys as the clusterer's
keys_st = st.sampled_from([f"{p}{i}" for p in ("en:", "n:", "#") for i in range(12)])
counts_st = st.dictionaries(keys_st, st.integers(0, 5000), max_size=30).map(Counter)
finite = st.floats(allow_nan=False, allow_infinity=False)
any_float = st.floats()  # inf and nan too: math.fsum's errors and special sums must match
weights_st = st.dictionaries(keys_st, st.one_of(finite, st.floats(-50, 50), any_float), max_size=30)


def _same(a: object, b: object) -> bool:
    """Equal to the bit (floats by their hex form, so -0.0 and 0.0 differ and nan equals nan), and of one type."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a.hex() == b.hex()
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _outcome(fn, *args):
    """The result, or the type of the error (a math domain error, fsum's overflow) both must raise alike."""
    try:
        return fn(*args)
    except (ValueError, OverflowError, TypeError) as exc:
        return type(exc)


@pytest.fixture(scope="module")
def native():
    from storyline.clustering import _native

    return _native


# keys with and without a language tag, some common (bare or after the tag), one tag-less key with a colon late
prior_keys_st = st.sampled_from([*(f"{p}{i}" for p in ("en:", "n:", "#", "") for i in range(12)), "a:b:3", ":3", ""])


@needs_native
@settings(max_examples=300, deadline=None)
@given(counts=counts_st, known=st.dictionaries(keys_st, st.sampled_from([0.0, 10.0, 2.5, 1e-300, -5.0]), max_size=20),
       keys=st.lists(prior_keys_st, max_size=40), docs=st.integers(0, 10**6), prior_docs=st.sampled_from([20.0, 7.0]),
       common=st.frozensets(st.sampled_from(["3", "n:4", "5", "", "b:3", "#7"]), max_size=4),
       max_keys=st.integers(0, 40))
def test_idf_weights_match(native, counts, known, keys, docs, prior_docs, common, max_keys):
    """The same weights, and the same pseudo-counts remembered (while the memo holds fewer than max_keys)."""
    total = math.log(docs + prior_docs)
    outs = []
    for fn in (native.common_idf_weights, keywork_py.common_idf_weights):
        prior = dict(known)
        outs.append((_outcome(fn, counts, prior, keys, total, common, prior_docs / 2, max_keys), prior))
    assert _same(outs[0][0], outs[1][0]) and outs[0][1] == outs[1][1]
    assert list(outs[0][1]) == list(outs[1][1])  # remembered in the same order


@needs_native
def test_idf_weights_errors_match(native):
    """A key that is not text: the same error (no partition); a key in ``common`` needs none."""
    for fn in (native.common_idf_weights, keywork_py.common_idf_weights):
        with pytest.raises(AttributeError):
            fn({}, {}, [3], 1.0, frozenset(), 10.0, 5)
        assert fn({}, {}, [3], 1.0, frozenset({3}), 10.0, 5) == {3: 1.0 - math.log(11.0)}
        with pytest.raises(TypeError):
            fn({}, {}, [["unhashable"]], 1.0, frozenset(), 10.0, 5)


@needs_native
@settings(max_examples=300, deadline=None)
@given(weights=weights_st, counts=counts_st, members=st.integers(-1, 6000), total=st.one_of(finite, any_float))
def test_key_overlap_matches(native, weights, counts, members, total):
    assert _same(_outcome(native.key_overlap, weights, counts, members, total),
                 _outcome(keywork_py.key_overlap, weights, counts, members, total))


@needs_native
@settings(max_examples=300, deadline=None)
@given(weights=weights_st, total=st.one_of(finite, any_float), article=weights_st)
def test_missing_share_matches(native, weights, total, article):
    assert _same(_outcome(native.missing_share, weights, total, article),
                 _outcome(keywork_py.missing_share, weights, total, article))


@needs_native
@settings(max_examples=300, deadline=None)
@given(identity=st.frozensets(keys_st), story=counts_st, seen=counts_st)
def test_count_own_names_matches(native, identity, story, seen):
    assert _same(native.count_own_names(identity, story, seen), keywork_py.count_own_names(identity, story, seen))


@needs_native
@settings(max_examples=200, deadline=None)
@given(start=counts_st, batches=st.lists(st.frozensets(keys_st), max_size=5))
def test_count_keys_matches(native, start, batches):
    a, b = Counter(start), Counter(start)
    for keys in batches:
        native.count_keys(a, keys)
        keywork_py.count_keys(b, iter(keys))
    assert list(a.items()) == list(b.items())  # the same counts, inserted in the same order


@needs_native
def test_exact_sums_use_fsum(native):
    """The products are summed exactly, as math.fsum does (a naive sum gives 0.0 here), and the sum of many
    partials grows past the C stack buffer."""
    weights = {"a": 1e16, "b": 1.0, "c": -1e16}
    assert native.missing_share(weights, 1.0, weights) == keywork_py.missing_share(weights, 1.0, weights) == 0.0
    spread = {f"k{i}": 2.0 ** (i * 31 % 2000 - 1000) * (-1) ** i for i in range(300)}
    counts = Counter(dict.fromkeys(spread, 3))
    assert native.key_overlap(spread, counts, 4, 1.0).hex() == keywork_py.key_overlap(spread, counts, 4, 1.0).hex()


# scores from a few values (ties at the pool's edge), sometimes NaN or infinite; events near the stamp, some NaN
score_st = st.one_of(st.sampled_from([0.5, 0.25, -0.125, 0.0, -0.0]), st.floats(-2, 2, width=32),
                     st.sampled_from([math.nan, math.inf, -math.inf]))
event_st = st.one_of(st.floats(-10, 10), st.just(math.nan))


@needs_native
@settings(max_examples=500, deadline=None)
@given(rows=st.lists(st.tuples(score_st, event_st), max_size=120), stamp=st.one_of(st.none(), st.floats(-5, 5)),
       reach=st.sampled_from([0.0, 2.0, 3.0, math.inf]), size=st.one_of(st.integers(1, 8), st.integers(9, 70)),
       threshold=st.sampled_from([0.0, 1e-6, 0.1, 1.0]), spare=st.integers(0, 3))
def test_pick_pool_matches(native, rows, stamp, reach, size, threshold, spare):
    scores = np.array([s for s, _ in rows], dtype=np.float32)
    events = np.array([e for _, e in rows] + [0.0] * spare)  # the clusterer's event array has spare rows
    got, want = native.pick_pool(scores, events, stamp, reach, size, threshold), \
        keywork_py.pick_pool(scores, events, stamp, reach, size, threshold)
    assert got == want and all(type(x) is int for x in (got[1] or []) + (got[2] or []))


@needs_native
def test_pick_pool_matches_on_rising_and_falling_scores(native):
    """Scores rising along the rows (the newest stories nearest) make every row enter the pool: same answer."""
    rng = np.random.default_rng(3)
    for size in (1, 5, 64):
        rising = np.sort(rng.normal(size=3000)).astype(np.float32)
        for scores in (rising, rising[::-1].copy(), rng.permutation(rising)):
            events = rng.normal(scale=4.0, size=3000)
            for stamp in (None, 0.0):
                want = keywork_py.pick_pool(scores, events, stamp, 3.0, size, 1e-9)
                assert native.pick_pool(scores, events, stamp, 3.0, size, 1e-9) == want and want[1] is not None


@needs_native
def test_pick_pool_refuses_what_it_cannot_read(native):
    with pytest.raises(ValueError):  # float64 scores
        native.pick_pool(np.zeros(3), np.zeros(3), None, 1.0, 1, 0.0)
    with pytest.raises(ValueError):  # fewer events than scores
        native.pick_pool(np.zeros(3, dtype=np.float32), np.zeros(2), 0.0, 1.0, 1, 0.0)


@needs_native
def test_native_rejects_what_is_not_a_dict(native):
    with pytest.raises(TypeError):
        native.key_overlap([("a", 1.0)], {}, 1, 1.0)


def _picked(env: dict[str, str]) -> str:
    code = "from storyline.clustering import keywork; print(keywork.NATIVE, keywork.IMPLEMENTATION.__name__)"
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_pure_python_is_used_when_forced():
    assert _picked({"STORYLINE_PURE_PYTHON": "1"}) == "False storyline.clustering.keywork_py"


def test_native_is_used_when_built():
    expected = "True storyline.clustering._native" if BUILT else "False storyline.clustering.keywork_py"
    assert _picked({"STORYLINE_PURE_PYTHON": ""}) == expected


def test_keywork_exposes_the_picked_functions():
    assert keywork.key_overlap is keywork.IMPLEMENTATION.key_overlap
    assert (keywork.IMPLEMENTATION is not keywork_py) == keywork.NATIVE
