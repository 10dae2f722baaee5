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
    assert index.key_count <= index.capacity * index._bands
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


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=120) | st.sampled_from(["", "ab", BASE, BASE.upper(), "İstanbul haber"]),
                max_size=30),
       st.integers(1, 300))
def test_batch_signatures_equal_one_by_one(texts, pass_grams):
    # the batch path packs short texts' grams into passes and hashes long ones alone: the same rows either way
    import numpy as np

    from storyline import dedup

    dedup._CHAR_DIGESTS.clear()
    one_by_one = [dedup.signature(text) for text in texts]
    previous = dedup._PASS_GRAMS
    dedup._PASS_GRAMS = pass_grams
    try:
        batch = dedup.signatures(texts)
    finally:
        dedup._PASS_GRAMS = previous
    assert batch.shape == (len(texts), 64)
    assert all((row == sig).all() for row, sig in zip(batch, one_by_one, strict=True))
    assert all((dedup.signatures([t]) == dedup.minhash(shingles(t))).all() for t in texts[:5])
    assert batch.dtype == np.uint32


def test_character_gram_digests_are_kept_bounded_and_stay_right():
    from storyline import dedup

    previous = dedup._CHAR_DIGESTS_MAX
    dedup._CHAR_DIGESTS_MAX = 50
    try:
        dedup._CHAR_DIGESTS.clear()
        headlines = [f"Headline number {n} about event {n * 7}" for n in range(40)]
        cold = [dedup.signature(h) for h in headlines]
        assert len(dedup._CHAR_DIGESTS) <= 50 + max(len(shingles(h)) for h in headlines)
        warm = [dedup.signature(h) for h in headlines]  # partly from the kept digests
        assert all((a == b).all() for a, b in zip(cold, warm, strict=True))
        assert all((a == dedup.minhash(shingles(h))).all() for a, h in zip(warm, headlines, strict=True))
    finally:
        dedup._CHAR_DIGESTS_MAX = previous


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=300), st.integers(1, 400),
       st.integers(1, 64), st.randoms(use_true_random=False))
def test_find_and_add_equals_find_then_add(picks, capacity, batch, rng):
    # the batch call (band keys and their sorted places computed once a batch) answers as the calls one by one,
    # through evictions of the ring, in any order within a batch
    import numpy as np

    base = np.random.default_rng(7).integers(0, 2**32, size=(61, 64), dtype=np.uint32)
    sigs = base[picks].copy()
    sigs[::3, :8] ^= np.uint32(1)  # near copies share most bands
    ids = [f"a{n % 250}" for n in range(len(picks))]  # a repeated id is added once
    shorts = [p % 2 == 0 for p in picks]
    _same_answers(sigs, ids, shorts, capacity, batch, rng)


def test_find_and_add_equals_find_then_add_through_merges():
    # every 1024 additions the recent keys merge into the sorted array, here mid-batch; the ring wraps
    import random

    import numpy as np

    rng = np.random.default_rng(3)
    base = rng.integers(0, 2**32, size=(900, 64), dtype=np.uint32)
    sigs = base[rng.integers(0, 900, size=3500)]
    sigs[::4, :6] ^= np.uint32(5)
    ids = [f"a{n}" for n in range(len(sigs))]
    merged, copies = _same_answers(sigs, ids, [n % 3 == 0 for n in range(len(sigs))], 1500, 50, random.Random(5))
    assert merged >= 2 and copies > 1000


def _chooser_sees_every_match(sigs, ids, shorts, capacity, order) -> None:
    """``find_and_add``'s chooser gets each article's ``matches`` where there are any; choosing none adds it as
    an original."""
    seen: dict[int, list[str]] = {}

    def choose_none(i: int, found: list[str]) -> None:
        seen[i] = list(found)

    DuplicateIndex(capacity=capacity).find_and_add(ids, list(sigs), shorts, order, choose_none)
    assert all(seen.values())
    again = DuplicateIndex(capacity=capacity)
    for i in order:
        assert again.matches(sigs[i], short=shorts[i]) == seen.get(i, [])
        again.add(ids[i], sigs[i], None)


def _same_answers(sigs, ids, shorts, capacity, batch, rng) -> tuple[int, int]:
    """Feed two indexes the same articles, one call at a time and by batches (each in a shuffled order);
    assert the same answers; return how many times the batched index merged its recent keys, and how many
    copies it found."""
    single, batched = DuplicateIndex(capacity=capacity), DuplicateIndex(capacity=capacity)
    copies = 0
    for start in range(0, len(sigs), batch):
        order = list(range(start, min(start + batch, len(sigs))))
        rng.shuffle(order)
        expected = {}
        for i in order:
            expected[i - start] = single.find(sigs[i], short=shorts[i])
            single.add(ids[i], sigs[i], expected[i - start])
        got = batched.find_and_add(ids[start:start + batch], list(sigs[start:start + batch]),
                                   shorts[start:start + batch], [i - start for i in order])
        assert got == expected
        if start == 0:  # a chooser sees every match, as ``matches`` gives them
            _chooser_sees_every_match(sigs[:batch], ids[:batch], shorts[:batch], capacity, order)
        copies += sum(found is not None for found in got.values())
    assert len(single) == len(batched)
    return batched.merges, copies


def _shingles_as_first_written(text: str, word_ngram: int = 3, min_words: int = 20) -> set[bytes]:
    import re

    words = re.findall(r"\w+", text.lower())
    if len(words) >= min_words:
        return {" ".join(words[i : i + word_ngram]).encode() for i in range(len(words) - word_ngram + 1)}
    joined = " ".join(words)
    if len(joined) < 5:
        return {joined.encode()} if joined else set()
    return {joined[i : i + 5].encode() for i in range(len(joined) - 4)}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["a", "bb", "Ünï", "İ", "x", "dock", "3", "—", " ", "\n"]), max_size=60)
       .map("".join), st.integers(1, 4), st.integers(1, 25))
def test_shingles_and_shortness_equal_the_first_written_rules(text, word_ngram, min_words):
    import re

    from storyline.dedup import is_short

    assert shingles(text, word_ngram=word_ngram, min_words=min_words) == _shingles_as_first_written(
        text, word_ngram, min_words)
    assert is_short(text, min_words) == (len(re.findall(r"\w+", text)) < min_words)
