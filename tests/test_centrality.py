"""The headline article's choice: the most central vector, ties (within ``SCORE_TIE``) to the earliest, so the
stored form's rounding of the vectors never decides it."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.centrality import SCORE_TIE, most_central
from storyline.storage.stored_form import as_stored


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_a_story_of_two_is_a_tie_won_by_the_first_in_every_stored_form():
    rng = np.random.default_rng(7)
    for _ in range(300):
        pair = _unit(rng.normal(size=(2, 512)))
        for form in (pair, as_stored(pair), pair.astype(np.float16).astype(np.float32)):
            assert most_central(form) == 0
            assert most_central(form, among=[1, 0]) == 1


def test_the_clearly_most_central_vector_wins_whatever_its_place():
    rng = np.random.default_rng(8)
    centre = _unit(rng.normal(size=(1, 512)))[0]
    spread = _unit(centre + 0.9 * rng.normal(size=(5, 512)) / np.sqrt(512))
    central = _unit(centre[None, :] + 0.1 * rng.normal(size=(1, 512)) / np.sqrt(512))
    rows = np.vstack([spread[:3], central, spread[3:]])
    scores = _unit(rows) @ _unit(rows).mean(axis=0)
    assert np.sort(scores)[-1] - np.sort(scores)[-2] > SCORE_TIE
    assert most_central(rows) == most_central(as_stored(rows)) == 3


def test_near_equal_scores_go_to_the_earliest_candidate():
    rows = np.array([[1.0, 0.0], [0.6, 0.8], [1.0, 0.003]])  # the first and last all but the same
    scores = _unit(rows) @ _unit(rows).mean(axis=0)
    assert abs(scores[0] - scores[2]) < SCORE_TIE < scores.max() - scores[1]
    assert most_central(rows, among=[2, 0, 1]) == 2
    assert most_central(rows, among=[0, 2, 1]) == 0
    assert most_central(rows, among=[1]) == 1


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the general rule's on infinite values
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([0.0, 1e-30, -1e-40, 1.0, -0.5, 3e19, -3e38, np.inf]), min_size=2, max_size=6),
       st.integers(0, 2**32 - 1), st.booleans())
def test_a_pair_chooses_as_the_general_rule(values, seed, as_array):
    # two rows skip the arithmetic (always a tie) only when both have a length: zero, tiny, huge and infinite
    # values, float32 and float64 rows, as a list or one array, choose as the general rule (``among`` in order)
    rng = np.random.default_rng(seed)
    rows = [rng.choice(values, size=4).astype(rng.choice([np.float32, np.float64])) for _ in range(2)]
    if as_array:
        rows = np.stack(rows)
    try:
        expected: int | str = most_central(rows, among=[0, 1])
    except IndexError:  # an infinite value makes NaN scores: no best
        expected = "error"
    try:
        got: int | str = most_central(rows)
    except IndexError:
        got = "error"
    assert got == expected
