"""The stored form of article vectors: the batch paths give the very bytes and floats of the one-row paths and
of the rounding as first written (``np.clip``), bit for bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from storyline.storage.stored_form import (
    CODE_DTYPE,
    as_stored,
    vector_blob,
    vector_blobs,
    vector_from_blob,
    vectors_from_blobs,
)


def _reference_as_stored(matrix: np.ndarray) -> np.ndarray:
    """as_stored as first written: rint, np.clip, int8, back to float32, times the scale."""
    matrix = np.asarray(matrix, dtype=np.float32)
    peaks = np.abs(matrix).max(axis=1, initial=0.0)
    scales = (peaks / np.float32(127)).astype(np.float32)
    divisors = np.where(scales > 0, scales, np.float32(1))
    codes = np.clip(np.rint(matrix / divisors[:, None]), -127, 127).astype(CODE_DTYPE)
    return codes.astype(np.float32) * scales[:, None]


def _rows() -> np.ndarray:
    rng = np.random.default_rng(11)
    rows = rng.normal(size=(400, 64)).astype(np.float32)
    rows *= rng.uniform(1e-6, 1e6, size=(400, 1)).astype(np.float32)
    rows[0] = 0.0
    rows[1, :3] = [1e-38, -1e-38, 0.0]
    rows[2] = np.float32(3.4e38)
    return rows


def test_rounding_equals_the_rounding_first_written_bit_for_bit():
    rows = _rows()
    assert (as_stored(rows).view(np.uint32) == _reference_as_stored(rows).view(np.uint32)).all()
    assert all((as_stored(row).view(np.uint32) == _reference_as_stored(row[None])[0].view(np.uint32)).all()
               for row in rows)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float32, (3, 8), elements=st.floats(-float(np.float32(1e30)), float(np.float32(1e30)), width=32)))
def test_rounding_equals_the_first_on_any_rows(rows):
    assert (as_stored(rows).view(np.uint32) == _reference_as_stored(rows).view(np.uint32)).all()
    assert [vector_blob(row) for row in rows] == vector_blobs(list(rows))


def test_blobs_decode_together_as_one_by_one():
    rows = _rows()
    blobs = [vector_blob(row) for row in rows[:50]]
    mixed = [blobs[0], None, *blobs[1:], None]
    decoded = vectors_from_blobs(mixed)
    assert decoded[1] is None and decoded[-1] is None and len(decoded) == len(mixed)
    for blob, vector in zip(mixed, decoded, strict=True):
        if blob is not None:
            assert vector is not None and vector.dtype == np.float32
            assert (vector.view(np.uint32) == vector_from_blob(blob).view(np.uint32)).all()
            assert (vector == as_stored(vector_from_blob(blob))).all()
    other = [vector_blob(np.ones(3)), vector_blob(np.ones(5)), None]  # two encoders' lengths: row by row
    assert [None if v is None else v.tolist() for v in vectors_from_blobs(other)] == [[1.0] * 3, [1.0] * 5, None]
    assert vectors_from_blobs([]) == [] and vectors_from_blobs([None]) == [None]


def test_article_values_of_articles_ingested_at_other_times_carry_their_own_times():
    # the last ingest time's text is kept between calls: a new time (or an equal one, another object) is
    # formatted anew, from any thread
    import threading
    from datetime import UTC, datetime, timedelta

    from storyline.dates import to_iso
    from storyline.storage.stored_form import article_values
    from storyline.types import Article

    start = datetime(2026, 12, 4, 10, tzinfo=UTC)
    times = [start + timedelta(seconds=n // 3) for n in range(300)] + [None]
    articles = [Article(id=f"a{n}", title="t", text="x", ingested=when) for n, when in enumerate(times)]
    failures: list[str] = []

    def write() -> None:
        for article in articles:
            if article_values(article, "s1", 0.5, None)[9] != to_iso(article.ingested):
                failures.append(article.id)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
