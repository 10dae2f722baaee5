"""The USE encoder's helper process: same vectors as one process, and a dead helper costs nothing."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.embed.use import MIN_PARALLEL_CHARS, USEEncoder, _split

TEXTS = [
    f"Report {k}: heavy rain flooded the harbour district of Valmare overnight, and crews pumped water "
    f"from {k + 3} homes while the port stayed closed to container ships."
    for k in range(24)
]


@pytest.fixture(scope="module")
def encoder():
    enc = USEEncoder(workers=1)
    yield enc
    enc.close()


def test_split_keeps_order_and_balances_length():
    shares = _split(["x" * 100] + ["y" * 10] * 10, 2)
    assert shares[0] + shares[1] == ["x" * 100] + ["y" * 10] * 10
    assert shares[0] == ["x" * 100]


def test_helper_gives_the_vectors_of_one_process(encoder):
    assert sum(map(len, TEXTS)) >= MIN_PARALLEL_CHARS
    split = encoder.encode(TEXTS)
    local = np.concatenate([encoder.encode([t]) for t in TEXTS[:3]])  # small calls stay local
    assert split.shape == (len(TEXTS), 512)
    assert np.allclose(split[:3], local, atol=1e-5)
    assert encoder._helpers and encoder._helpers[0].alive


def test_a_killed_helper_falls_back_to_this_process(encoder):
    expected = encoder.encode(TEXTS)
    helper = encoder._helpers[0]
    helper._proc.kill()
    helper._proc.wait()
    assert np.allclose(encoder.encode(TEXTS), expected, atol=1e-5)
    assert not helper.alive
    assert np.allclose(encoder.encode(TEXTS), expected, atol=1e-5)


def test_batches_encoded_ahead_give_the_vectors_of_one_process_and_queue_in_order():
    encoder = USEEncoder(workers=1)
    one = USEEncoder(workers=0).encode(TEXTS)
    first, second = encoder.encode_ahead(TEXTS), encoder.encode_ahead(TEXTS[::-1])
    assert first is not None and second is not None
    assert encoder._helpers[0].busy or first._jobs == []
    meanwhile = encoder.encode(TEXTS)  # the helper's queue is the batches ahead: this one is encoded here
    assert np.allclose(meanwhile, one, atol=1e-5)
    assert np.allclose(second.result(), one[::-1], atol=1e-5)  # read out of order: each gets its own
    assert np.allclose(first.result(), one, atol=1e-5)
    assert first.result() is first.result()
    encoder.close()


def test_small_batches_are_not_encoded_ahead():
    assert USEEncoder(workers=1).encode_ahead(TEXTS[:2]) is None
    assert USEEncoder(workers=0).encode_ahead(TEXTS) is None


def test_a_helper_killed_with_batches_ahead_gives_them_back_encoded_here():
    encoder = USEEncoder(workers=1)
    try:
        expected = USEEncoder(workers=0).encode(TEXTS)
        encoder.encode(TEXTS)  # the helper runs
        helper = encoder._helpers[0]
        encoder.share.local_rate, encoder.share.helper_rate = 1.0, 1e-5  # the helper takes the whole batch
        pending = [encoder.encode_ahead(TEXTS) for _ in range(3)]
        assert all(p is not None and not p._local for p in pending)
        helper._proc.kill()
        for p in pending:
            assert np.allclose(p.result(), expected, atol=1e-5)
        assert not helper.alive and not helper.busy
        assert encoder.encode_ahead(TEXTS) is None  # no helper left: plain encode from now on
    finally:
        encoder.close()
