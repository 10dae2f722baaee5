"""The compiled near-duplicate index (_lsh.c) answers as lsh.LshIndex, its Python reference: the same copies in the
same order, the same chooser calls, through evictions of the ring, merges of the recent keys and the stale entries
both leave behind; dedup picks it where it was built, and the Python index when STORYLINE_PURE_PYTHON=1."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline import dedup
from storyline.lsh import LshIndex

BUILT = importlib.util.find_spec("storyline._lsh") is not None
needs_native = pytest.mark.skipif(not BUILT, reason="the C extension was not built (no compiler at install)")


def _stream(rng: np.random.Generator, texts: int, num_perm: int) -> np.ndarray:
    """Signatures that copy a few bases with some values changed (few values: near-copies, shared bands and
    shares of equal values on both sides of every threshold), and a few all-equal ones (the empty text's)."""
    bases = rng.integers(0, 2**32, size=(int(rng.integers(1, 12)), num_perm), dtype=np.uint32)
    sigs = bases[rng.integers(0, len(bases), size=texts)].copy()
    noise = rng.random(sigs.shape) < rng.choice([0.0, 0.05, 0.2, 0.5])
    sigs[noise] = rng.integers(0, rng.choice([4, 2**32]), size=int(noise.sum()), dtype=np.uint32)
    sigs[rng.random(texts) < 0.05] = np.uint32(0xFFFFFFFF)
    return sigs


def _run(index, rng: np.random.Generator, sigs: np.ndarray, id_pool: int) -> list:
    """Feed ``index`` the stream in batches (shuffled orders, repeated ids and positions, a chooser that takes
    the first, a later or no match), with single adds and look-ups between; every answer, in order."""
    answers: list = []
    at = 0
    while at < len(sigs):
        size = int(rng.integers(1, 80))
        batch = sigs[at : at + size]
        ids = [f"a{int(n) % id_pool}" for n in range(at, at + len(batch))]
        shorts = (rng.random(len(batch)) < 0.5).tolist()
        order = rng.permutation(len(batch)).tolist()
        if len(order) > 2 and rng.random() < 0.2:
            order.append(order[0])  # a position twice: found again, added once
        calls: list = []

        def choose(i: int, found: list[str], calls: list = calls) -> str | None:
            calls.append((i, list(found)))
            return None if i % 5 == 0 else found[i % len(found)]

        chooser = choose if rng.random() < 0.7 else None
        answers.append(index.find_and_add(ids, np.ascontiguousarray(batch), shorts, order, chooser))
        answers.append(calls)
        probe = np.ascontiguousarray(sigs[int(rng.integers(0, len(sigs)))])
        answers.append((index.matches(probe, True), index.matches(probe, False)))
        if rng.random() < 0.3:
            index.add(f"b{at}", probe, None if rng.random() < 0.5 else "a0")
        answers.append((len(index), index.merges, index.key_count))
        at += len(batch)
    return answers


def _both(num_perm: int, bands: int, rows: int, capacity: int, thresholds: tuple[float, float]):
    from storyline import _lsh

    return (LshIndex(num_perm, bands, rows, capacity, *thresholds),
            _lsh.Index(num_perm, bands, rows, capacity, *thresholds))


@needs_native
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([8, 16, 64]), st.integers(1, 8), st.integers(1, 8),
       st.integers(1, 120), st.sampled_from([(0.6, 0.85), (0.3, 0.5), (1.0, 1.0), (0.0, 0.9)]))
def test_the_compiled_index_answers_as_the_python_one(seed, num_perm, bands, rows, capacity, thresholds):
    bands, rows = min(bands, num_perm), max(1, min(rows, num_perm // min(bands, num_perm)))
    answers = []
    for index in _both(num_perm, bands, rows, capacity, thresholds):
        rng = np.random.default_rng(seed)
        answers.append(_run(index, rng, _stream(rng, int(rng.integers(1, 400)), num_perm), int(rng.integers(5, 500))))
    assert answers[0] == answers[1]


@needs_native
@settings(max_examples=6, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([3, 700, 1500, 4000]))
def test_the_same_answers_through_merges_and_stale_keys(seed, capacity):
    # 2,600+ additions: merges after 1,024; the ring reused before the first merge (capacity 3, 700: slots marked
    # while the sorted array is empty stay marked to the next merge) and after it (1500)
    answers = []
    for index in _both(64, 16, 4, capacity, (0.6, 0.85)):
        rng = np.random.default_rng(seed)
        answers.append(_run(index, rng, _stream(rng, 2600, 64), 10_000))
    assert answers[0] == answers[1]
    assert answers[0][-1][1] >= 2  # merged twice or more


@needs_native
def test_a_chooser_error_stops_the_batch_as_in_python():
    sigs = np.zeros((3, 16), dtype=np.uint32)

    def fail(i: int, found: list[str]) -> str | None:
        raise RuntimeError("refused")

    states = []
    for index in _both(16, 4, 4, 10, (0.6, 0.85)):
        with pytest.raises(RuntimeError):
            index.find_and_add(["x", "y", "z"], sigs, [False] * 3, [0, 1, 2], fail)
        states.append((len(index), index.matches(sigs[0], False)))
    assert states[0] == states[1] == (1, ["x"])


@needs_native
def test_bad_arguments_raise():
    from storyline import _lsh

    with pytest.raises(ValueError):
        _lsh.Index(64, 16, 5, 10, 0.6, 0.85)  # 80 rows of 64 values
    with pytest.raises(ValueError):
        _lsh.Index(64, 16, 4, 0, 0.6, 0.85)
    index = _lsh.Index(64, 16, 4, 10, 0.6, 0.85)
    with pytest.raises(ValueError):
        index.matches(np.zeros(63, dtype=np.uint32), False)
    with pytest.raises(ValueError):
        index.add("a", np.zeros(64, dtype=np.uint64))
    with pytest.raises(IndexError):
        index.find_and_add(["a"], np.zeros((1, 64), dtype=np.uint32), [False], [1], None)
    assert len(index) == 0


def _picked(env: dict[str, str]) -> str:
    code = "from storyline import dedup; print(dedup.DuplicateIndex().compiled)"
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_pure_python_is_used_when_forced():
    assert _picked({"STORYLINE_PURE_PYTHON": "1"}) == "False"


def test_the_compiled_index_is_used_when_built():
    assert _picked({"STORYLINE_PURE_PYTHON": ""}) == str(BUILT)
    assert not dedup.DuplicateIndex(compiled=False).compiled
