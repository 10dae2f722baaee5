"""StoryState's kept member vectors: the growing buffer must hold exactly the rows that stacking them anew
held (the evidence's best-member cosine reads them, so a different row or order changes partitions)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clustering.story import StoryState

DIM = 3


def _stacked_add(members: np.ndarray, vector: np.ndarray, keep: int) -> np.ndarray:
    """The rule as it was written before the buffer: stack the members anew on every addition."""
    if members.shape[0] < keep:
        return np.vstack([members, vector[None, :]])
    return np.vstack([members[:1], members[2:], vector[None, :]])


def _stacked_merge(members: np.ndarray, other: np.ndarray, keep: int) -> np.ndarray:
    members = np.vstack([members[:1], members[1:], other])
    if members.shape[0] > keep:
        members = np.vstack([members[:1], members[-(keep - 1) :]])
    return members


def _vector(n: int) -> np.ndarray:
    return np.full(DIM, n, dtype=np.float32) + np.arange(DIM, dtype=np.float32) / 10


# each step: add a member (None) or merge in another story of that many members
steps = st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=12)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(keep=st.integers(min_value=1, max_value=10), plan=steps)
def test_members_match_stacking_them_anew(keep, plan):
    story, expected, n = StoryState("s1", DIM), np.zeros((0, DIM), dtype=np.float32), 0
    for step in plan:
        if step is None:
            n += 1
            story.add_member(_vector(n), keep)
            expected = _stacked_add(expected, _vector(n), keep)
        else:
            other = StoryState("s2", DIM)
            for _ in range(step):
                n += 1
                other.add_member(_vector(n), keep)
            story.absorb_members(other.members, keep)
            expected = _stacked_merge(expected, other.members, keep)
        assert story.members.dtype == np.float32
        np.testing.assert_array_equal(story.members, expected)


def test_adding_allocates_a_few_times_then_fills_in_place():
    story, buffers = StoryState("s1", DIM), []
    for n in range(1, 30):
        story.add_member(_vector(n), keep=8)
        buffers.append(story.members.base)  # held, so no two buffers share an id
    assert story.members.shape == (8, DIM)
    # capacities 1, 2, 4 and 8: once full, rows move within the buffer
    assert len({id(buffer) for buffer in buffers}) == 4
    np.testing.assert_array_equal(story.members[:, 0], [1, 23, 24, 25, 26, 27, 28, 29])
