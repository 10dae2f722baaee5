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
