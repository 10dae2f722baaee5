"""The batch's sketch product must never change an assignment: same stories, same cosines to the bit."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.assign import assign_in_order
from storyline.clustering import StoryClusterer, StoryItem, StoryParams, one_blas_thread
from storyline.clustering.sketch_batch import SketchBatch, decided

DIM = 96
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _stream(seed: int, n: int, topics: int, noise: float, minutes: int = 7) -> list[StoryItem]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(topics, DIM))
    items = []
    for i in range(n):
        v = centres[rng.integers(topics)] / np.sqrt(DIM) + rng.normal(scale=noise / np.sqrt(DIM), size=DIM)
        v = (v / np.linalg.norm(v)).astype(np.float32)
        if i % 17 == 5:  # a copy of an earlier article: equal scores, so ties at the pool's edge happen
            v = items[i // 2].vector
        items.append(StoryItem(f"a{i}", v, "en", T0 + timedelta(minutes=minutes * i), f"t{i}", "", None))
    return items


def _assign(items: list[StoryItem], params: StoryParams, batch: int, announce: bool) -> list[tuple]:
    clusterer, out = StoryClusterer(params), []
    if not announce:
        clusterer.expect = lambda items: None  # type: ignore[method-assign]  # as a clusterer without it
    with one_blas_thread():
        for start in range(0, len(items), batch):
            chunk = items[start : start + batch]
            assigned = assign_in_order(clusterer, chunk, [None] * len(chunk), list(range(len(chunk))))
            out += [(a.article_id, a.story_id, a.similarity.hex(), a.is_new, a.merged) for a in assigned.assignments]
    return out


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), topics=st.integers(5, 400), noise=st.sampled_from([0.2, 0.6, 1.5]),
       batch=st.sampled_from([1, 7, 64]), merge=st.booleans(), minutes=st.sampled_from([7, 31, 90]),
       keep=st.sampled_from([60, 500]))
def test_batch_product_gives_the_assignments_of_one_product_per_article(seed, topics, noise, batch, merge, minutes,
                                                                          keep):
    # a small pre-filter threshold and active limit: the batch path, closings and row moves all run; 31 or 90 minutes
    # apart, the stream spans 13 or 37 days and, with 500 kept past the window, most held stories are out of reach
    # (the batch scores only the rows its articles can reach)
    params = replace(StoryParams(), prefilter_above=40, max_active=120 if keep == 60 else 600, keep_past_window=keep,
                     merge_threshold=0.9 if merge else 1.01)
    items = _stream(seed, 600, topics, noise, minutes)
    assert _assign(items, params, batch, announce=True) == _assign(items, params, batch, announce=False)


def test_the_batch_path_is_taken_and_falls_back_at_ties():
    rng = np.random.default_rng(3)
    sketches = rng.normal(size=(500, 64)).astype(np.float32) / 8
    projection = (rng.normal(size=(DIM, 64)) / 8).astype(np.float32)
    items = _stream(1, 3, 5, 0.5)
    batch = SketchBatch(items, sketches, projection, capacity=600)
    undated = np.full(600, np.nan)  # every row in reach
    picked = batch.pool(items[0], sketches, 500, undated, None, 1.0, 64)
    assert picked is not None and picked[1] is not None and picked[0] == 500
    exact = sketches @ (items[0].vector @ projection)
    assert set(picked[1]) == set((-exact).argpartition(63)[:64].tolist())
    assert batch.pool(replace(items[0]), sketches, 500, undated, None, 1.0, 64) is None  # an item it does not hold
    tied = sketches.copy()
    tied[:] = tied[0]  # every score equal: no pool can be told from the product
    tied_batch = SketchBatch(items, tied, projection, 600)
    assert tied_batch.pool(items[0], tied, 500, undated, None, 1.0, 64) == (500, None, None)
    assert decided(np.array([0.9, 0.5, 0.4, 0.1]), 2) and not decided(np.array([0.9, 0.5, 0.5, 0.1]), 2)


def test_a_rows_cosine_does_not_depend_on_where_it_was_gathered():
    """The shortlist is computed from the pool gathered in the batch's order, not the per-article
    product's: each row's product with the article must be the same bits either way (BLAS property)."""
    rng = np.random.default_rng(5)
    with one_blas_thread():
        for dim in (96, 512):
            centroids = rng.normal(size=(64, dim)).astype(np.float32)
            vector = rng.normal(size=dim).astype(np.float32)
            sims = centroids @ vector
            for _ in range(20):
                order = rng.permutation(64)
                np.testing.assert_array_equal((centroids[order] @ vector), sims[order])


def test_rows_gathered_in_blocks_of_four_match_the_product_over_all_rows():
    """Below the pre-filter, the shortlist's cosines come from a gather of whole blocks of four rows: each must be
    the float the product over every row gives it, but for the last count % 4 rows (the next test)."""
    rng = np.random.default_rng(11)
    with one_blas_thread():
        for count in (37, 64, 401, 1319, 1998):
            centroids = rng.normal(size=(count, 512)).astype(np.float32)
            vector = rng.normal(size=512).astype(np.float32)
            full = centroids @ vector
            for _ in range(20):
                chosen = rng.choice(count - count % 4, 5, replace=False)
                gathered = np.concatenate([chosen, np.repeat(chosen[:1], 3)])
                np.testing.assert_array_equal((centroids[gathered] @ vector)[:5], full[chosen])


def test_the_last_rows_keep_their_floats_after_whole_blocks():
    """The last count % 4 rows of the product over every row take another kernel: gathered after one or more
    whole blocks of four, in the same order, each gets the same float again (alone they may not: the batch
    always puts a block before them)."""
    rng = np.random.default_rng(13)
    with one_blas_thread():
        for dim in (96, 512):
            for count in (6, 37, 63, 401, 1319, 1999):
                centroids = rng.normal(size=(count, dim)).astype(np.float32)
                vector = rng.normal(size=dim).astype(np.float32)
                full, head = centroids @ vector, count - count % 4
                for blocks in (1, 2, 3):
                    chosen = rng.choice(head, 4 * blocks)
                    gathered = np.concatenate([chosen, np.arange(head, count)])
                    np.testing.assert_array_equal(centroids[gathered] @ vector, full[gathered])


def test_a_pool_reaching_the_windows_last_rows_takes_the_batch_path():
    """The nearest stories are often the newest, whose rows come last: a pool among the window's last count % 4
    rows is scored from the batch too, with the floats of the per-article product."""
    items = _stream(2, 600, 150, 0.6, minutes=45)  # 19 days: rows out of the window too
    params = StoryParams()
    reach = params.window_days * 86400.0
    clusterer, plain = StoryClusterer(params), StoryClusterer(params)
    reached = 0
    with one_blas_thread():
        for start in range(0, len(items), 64):
            chunk = items[start : start + 64]
            clusterer.expect(chunk)
            for item in chunk:
                stamp, active, batch = item.time.timestamp(), len(clusterer._rows), clusterer._batch
                if batch is not None:
                    picked = batch.pool(item, clusterer._centroids, active, clusterer._event, stamp, reach,
                                        params.shortlist)
                    found = batch.shortlist(item, clusterer._centroids, clusterer._sketches, active,
                                            clusterer._event, stamp, reach, params.prefilter_above,
                                            params.shortlist, 64)
                    if found is not None:
                        assert [(clusterer._rows[r], sim) for r, sim in found] == plain._nearest(item, stamp)
                        assert picked is not None and picked[2] is not None
                        count = picked[0]
                        reached += picked[2][-1] >= count - count % 4
                assert clusterer.learn_one(item) == plain.learn_one(item)
            clusterer.expect([])
    assert reached >= 5


def test_the_projection_norm_is_computed_once_by_the_clusterer_and_bounds_the_same_error():
    """An SVD per batch cost more than the batch's product: the clusterer keeps the projection's largest singular
    value from the moment it draws the projection, and a batch given it bounds the error as one computing it."""
    rng = np.random.default_rng(7)
    sketches = rng.normal(size=(200, 64)).astype(np.float32) / 8
    projection = (rng.normal(size=(DIM, 64)) / 8).astype(np.float32)
    items = _stream(2, 3, 5, 0.5)
    kept = float(np.linalg.norm(projection, 2))
    assert SketchBatch(items, sketches, projection, 600, projection_norm=kept)._margin == \
        SketchBatch(items, sketches, projection, 600)._margin
    clusterer = StoryClusterer(replace(StoryParams(), prefilter_above=2))
    for item in _stream(3, 8, 4, 0.5):
        clusterer.learn_one(item)
    assert clusterer._projection is not None
    assert clusterer._projection_norm == float(np.linalg.norm(clusterer._projection, 2)) > 0
