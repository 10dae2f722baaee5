"""How much of a batch encoded ahead the helpers take: from measured times, balancing both sides."""

from __future__ import annotations

import pytest

from storyline.embed.ahead import AheadShare, cut_at


def _measured(local: float, helper: float, work_per_batch: float, texts: int = 64, chars: int = 4000) -> AheadShare:
    """An estimate after a few batches: rates in seconds per character, the caller's work per batch."""
    share, now = AheadShare(), 0.0
    for _ in range(12):
        share.started(texts, chars, now)
        fraction = share.helper_fraction(texts, chars, 1)
        here, there = round(chars * (1 - fraction)), round(chars * fraction)
        share.encoded_here(here, local * here)
        share.encoded_by_helper(there, helper * there)
        now += work_per_batch + local * here
    return share


def test_without_measurements_one_helper_takes_half_as_a_plain_encode_splits():
    assert AheadShare().helper_fraction(texts=64, chars=5000, helpers=1) == 0.5
    assert AheadShare().helper_fraction(texts=64, chars=5000, helpers=0) == 0.0


def test_little_work_between_batches_keeps_the_even_split():
    share = _measured(local=1e-4, helper=1e-4, work_per_batch=0.001, chars=256_000)  # full text: encoding dominates
    assert share.helper_fraction(64, 256_000, 1) == pytest.approx(0.5, abs=0.01)


def test_as_much_work_as_encoding_gives_the_helper_the_whole_batch():
    share = _measured(local=1e-4, helper=1e-4, work_per_batch=0.4)  # headlines: 0.4 s to encode, 0.4 s of work
    assert share.work_per_text == pytest.approx(0.4 / 64, rel=0.05)
    assert share.helper_fraction(64, 4000, 1) == 1.0


def test_some_work_gives_the_helper_the_share_that_balances_both_sides():
    share = _measured(local=1e-4, helper=1.5e-4, work_per_batch=0.2)
    fraction = share.helper_fraction(64, 4000, 1)
    here = 0.2 + (1 - fraction) * 4000 * 1e-4
    helper = fraction * 4000 * 1.5e-4
    assert 0.5 < fraction < 1 and here == pytest.approx(helper, rel=0.05)
    assert share.helper_fraction(64, 4000, 2) > fraction  # two helpers take more


def test_a_pause_between_ingests_counts_at_most_as_the_whole_batchs_encoding():
    share = _measured(local=1e-4, helper=1e-4, work_per_batch=0.0)
    share.started(64, 4000, 10_000.0)  # an hour idle
    share.started(64, 4000, 10_000.0 + 3600)
    assert share.work_per_text <= 2 * 1e-4 * 4000 / 64


def test_the_share_taken_is_counted_over_batches():
    share = AheadShare()
    share.sent(4000, 4000)
    share.sent(4000, 2000)
    assert share.helpers_took == 0.75 and AheadShare().helpers_took == 0.0


def test_cut_at_splits_by_characters_in_order():
    texts = ["a" * 10, "b" * 30, "c" * 60]
    assert [cut_at(texts, f) for f in (0.0, 0.1, 0.4, 1.0)] == [0, 1, 2, 3]
