"""Near-duplicate detection: copies found, distinct texts not, earliest version wins."""

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.dedup import DuplicateIndex, shingles

BASE = (
    "Dock workers in the port of Valmare walked out on Monday after talks on a new wage deal "
    "collapsed, leaving dozens of container ships waiting offshore. The union said the strike "
    "would last at least three days unless the port authority returned to the table with a "
    "better offer for night-shift crews and seasonal staff."
)


def test_copy_with_changed_ending_is_found_and_points_to_the_earliest():
    index = DuplicateIndex()
    index.add("orig", index.signature(BASE))
    copy1 = BASE + " Reporting by the Harbour Post."
    assert index.find(index.signature(copy1)) == "orig"
    index.add("copy1", index.signature(copy1), "orig")
    copy2 = copy1.replace("Reporting by the Harbour Post.", "Source: agencies.")
    assert index.find(index.signature(copy2)) == "orig"


def test_same_topic_but_different_text_is_not_a_copy():
    index = DuplicateIndex()
    index.add("orig", index.signature(BASE))
    other = ("The port authority of Valmare said on Tuesday it would ask a court to end the "
             "dock strike, arguing that ships carrying medicine must be unloaded first; union "
             "leaders called the move an attack on the right to strike and vowed to continue.")
    assert index.find(index.signature(other)) is None


def test_identical_headlines_are_copies_but_different_ones_are_not():
    index = DuplicateIndex()
    index.add("h1", index.signature("Valmare dock strike enters third day"))
    assert index.find(index.signature("Valmare dock strike enters third day")) == "h1"
    assert index.find(index.signature("Volcano erupts near the island of Sora")) is None


def test_capacity_bounds_memory():
    index = DuplicateIndex(capacity=3)
    for n in range(10):
        index.add(f"a{n}", index.signature(f"text number {n} " * 10))
    assert len(index) == 3


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_text_is_its_own_copy(text):
    index = DuplicateIndex()
    signature = index.signature(text)
    index.add("x", signature)
    if shingles(text):
        assert index.find(signature) == "x"


def test_signatures_equal_datasketch_minhash():
    # signatures are stored: they must stay those of datasketch's affine32 MinHash (seed 1)
    from datasketch import MinHash

    from storyline.dedup import SCHEME, minhash

    index = DuplicateIndex()
    for text in (BASE, "Valmare dock strike enters third day", "", "ab"):
        reference = MinHash(num_perm=64, scheme=SCHEME)
        grams = shingles(text)
        if grams:
            reference.update_batch(list(grams))
        assert (index.signature(text) == reference.hashvalues).all()
        assert (minhash(grams, 64) == reference.hashvalues).all()


def test_ring_reuses_oldest_slots_and_forgets_them():
    index = DuplicateIndex(capacity=4)
    texts = [" ".join(f"w{n}x{k}" for k in range(40)) for n in range(7)]
    for n, text in enumerate(texts):
        index.add(f"a{n}", index.signature(text))
    assert len(index) == 4
    assert index.find(index.signature(texts[0])) is None  # evicted
    assert [index.find(index.signature(t)) for t in texts[3:]] == ["a3", "a4", "a5", "a6"]


def test_memory_stays_bounded_and_old_keys_never_match_new_texts():
    import numpy as np

    rng = np.random.default_rng(1)
    index = DuplicateIndex(capacity=1500)
    signatures = rng.integers(0, 2**32, size=(5000, 64), dtype=np.uint32)
    for n, signature in enumerate(signatures):
        index.add(f"a{n}", signature)
    assert len(index) == 1500
    assert len(index._keys) <= index.capacity * index._bands
    assert index.find(signatures[10]) is None  # evicted long ago
    assert index.find(signatures[4990]) == "a4990"


def test_equal_copies_resolve_to_the_earliest_original():
    index = DuplicateIndex()
    signature = index.signature(BASE)
    index.add("first", signature)
    index.add("second", signature)  # an identical copy the caller did not link
    index.add("third", signature, "first")
    assert index.find(signature) == "first"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=40), st.integers(1, 6))
def test_index_matches_a_brute_force_search(picks, capacity):
    # LSH may miss a pair below the threshold band, never an exact copy inside the window
    texts = [f"{BASE} variant {p} " * 2 for p in range(6)]
    index = DuplicateIndex(capacity=capacity)
    window: list[tuple[str, int]] = []
    for n, pick in enumerate(picks):
        signature = index.signature(texts[pick])
        found = index.find(signature)
        earlier = [aid for aid, p in window if p == pick]
        if earlier:
            assert found is not None
        index.add(f"a{n}", signature, found)
        window = [*window, (f"a{n}", pick)][-capacity:]
        assert len(index) == len(window)
