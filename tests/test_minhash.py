"""The compiled signatures (_minhash.c) equal dedup.py's pure-Python MinHash, bit for bit; dedup picks them once,
and the Python code when STORYLINE_PURE_PYTHON=1."""

import hashlib
import importlib.util
import os
import platform
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline import dedup, lsh

BUILT = importlib.util.find_spec("storyline._minhash") is not None
needs_native = pytest.mark.skipif(not BUILT, reason="the C extension was not built (no compiler at install)")

# words that share grams, non-ASCII ones of 2-, 3- and 4-byte UTF-8, and long ones (SHA-1 past one 64-byte block)
words_st = st.sampled_from(["a", "dock", "strike", "Ünï", "İstanbul", "東京", "𝔘𝔫𝔦", "x" * 30, "é" * 40, "3", "—"])
text_st = st.one_of(st.text(max_size=200), st.lists(words_st, max_size=60).map(" ".join))


@pytest.fixture(scope="module")
def native():
    from storyline import _minhash

    return _minhash


def _both_sha1s(native):
    """Each of the two SHA-1 compressions in turn (the portable C, then the processor's SHA extensions where it
    has them), the default one chosen again afterwards."""
    try:
        for accelerated in (False, True):
            native.use_sha_extensions(accelerated)
            yield accelerated
    finally:
        native.use_sha_extensions(True)


def _reference(text: str, num_perm: int, word_ngram: int, min_words: int) -> np.ndarray:
    return dedup.minhash(dedup.shingles(text, word_ngram=word_ngram, min_words=min_words), num_perm)


@needs_native
@settings(max_examples=300, deadline=None)
@given(texts=st.lists(text_st, max_size=12), num_perm=st.sampled_from([1, 8, 64, 128]),
       word_ngram=st.integers(0, 4), min_words=st.integers(0, 25))
def test_signatures_equal_the_python_reference(native, texts, num_perm, word_ngram, min_words):
    a, b = dedup._permutations(num_perm)
    out = np.zeros((len(texts), num_perm), dtype=np.uint32)
    for _ in _both_sha1s(native):
        for _ in range(2):  # the second time from the remembered character grams
            native.signatures_into(out, [dedup._WORD.findall(t.lower()) for t in texts], word_ngram, min_words, a, b)
            for row, text in enumerate(texts):
                assert out[row].tolist() == _reference(text, num_perm, word_ngram, min_words).tolist()


@needs_native
@given(st.binary(max_size=300))
def test_a_one_gram_text_hashes_as_sha1(native, data):
    # one gram (a text of fewer than 5 characters, or one word n-gram): SHA-1 of every length, past block edges
    word = data.decode("latin-1")
    a, b = np.ones(1, dtype=np.uint32), np.zeros(1, dtype=np.uint32)  # the signature is the mixed hash itself
    out = np.zeros((1, 1), dtype=np.uint32)
    expected = dedup._gram_hashes(hashlib.sha1(word.encode()).digest()[:4]).tolist()
    for _ in _both_sha1s(native):
        native.signatures_into(out, [[word]], 1, 1, a, b)
        assert out[0].tolist() == expected


@needs_native
def test_the_sha_extensions_are_used_where_the_processor_has_them(native):
    assert native.use_sha_extensions(False) is False
    used = native.use_sha_extensions(True)
    if os.path.exists("/proc/cpuinfo") and platform.machine() == "x86_64":  # Linux says what the processor has
        with open("/proc/cpuinfo") as info:
            assert used == ("sha_ni" in info.read().split())


@needs_native
def test_colliding_character_grams_stay_right(native):
    # more distinct grams than the table has slots, twice over: collisions only cost a hash
    texts = [f"{n:07d} {n * 7919 % 10**7:07d}" for n in range(70_000)]
    expected = [dedup._signature_of(dedup._text_digests(t), 16) for t in texts[:: 997]]
    a, b = dedup._permutations(16)
    out = np.zeros((len(texts), 16), dtype=np.uint32)
    for _ in range(2):
        native.signatures_into(out, [dedup._WORD.findall(t) for t in texts], 3, 20, a, b)
        assert out[:: 997].tolist() == np.asarray(expected).tolist()


@needs_native
def test_bad_arguments_raise(native):
    a, b = dedup._permutations(8)
    out = np.zeros((1, 8), dtype=np.uint32)
    with pytest.raises(TypeError):
        native.signatures_into(out, [[b"bytes"]], 3, 20, a, b)
    with pytest.raises(TypeError):
        native.signatures_into(out, [("a", "tuple")], 3, 20, a, b)
    with pytest.raises(ValueError):
        native.signatures_into(np.zeros((2, 8), dtype=np.uint32), [["a"]], 3, 20, a, b)
    with pytest.raises(UnicodeEncodeError):  # as the Python code's ``gram.encode()``
        native.signatures_into(out, [["\ud800abcdef"]], 3, 20, a, b)


def _picked(env: dict[str, str]) -> str:
    code = "from storyline import dedup; print(dedup._SIGNATURES_INTO is not None)"
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, check=True,
                          capture_output=True, text=True).stdout.strip()


def test_pure_python_is_used_when_forced():
    assert _picked({"STORYLINE_PURE_PYTHON": "1"}) == "False"


def test_native_is_used_when_built():
    assert _picked({"STORYLINE_PURE_PYTHON": ""}) == str(BUILT)


@needs_native
@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40), st.integers(1, 70), st.data())
def test_equal_counts_are_numpys(native, rows, width, data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    sigs = rng.integers(0, 3, size=(rows, width), dtype=np.uint32)  # few values: many equal
    signature = rng.integers(0, 3, size=width, dtype=np.uint32)
    slots = data.draw(st.lists(st.integers(0, rows - 1), max_size=20))
    assert native.equal_counts(sigs, slots, signature) == np.count_nonzero(sigs[slots] == signature, axis=1).tolist()
    with pytest.raises(IndexError):
        native.equal_counts(sigs, [rows], signature)
    with pytest.raises(ValueError):
        native.equal_counts(sigs.astype(np.uint64), slots, signature)


@needs_native
@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 50))
def test_the_index_finds_the_same_copies_with_and_without_the_compiled_counts(seed, capacity):
    # near-copies of a few signatures (some values changed), found and added in batches: the same originals
    rng = np.random.default_rng(seed)
    bases = rng.integers(0, 2**32, size=(6, 64), dtype=np.uint32)
    picks = rng.integers(0, 6, size=120)
    sigs = bases[picks].copy()
    noise = rng.random(sigs.shape) < rng.choice([0.02, 0.1])
    sigs[noise] = rng.integers(0, 2**32, size=int(noise.sum()), dtype=np.uint32)
    ids = [f"a{n}" for n in range(len(sigs))]
    shorts = (rng.random(len(sigs)) < 0.5).tolist()
    results = []
    for counts in (lsh.EQUAL_COUNTS, None):
        previous, lsh.EQUAL_COUNTS = lsh.EQUAL_COUNTS, counts
        try:
            index = dedup.DuplicateIndex(capacity=capacity, compiled=False)
            found: dict[int, str | None] = {}
            for start in range(0, len(sigs), 16):
                batch = list(range(start, min(start + 16, len(sigs))))
                got = index.find_and_add([ids[i] for i in batch], sigs[batch], [shorts[i] for i in batch],
                                         list(range(len(batch))))
                found.update({batch[k]: v for k, v in got.items()})
            results.append((found, [index.matches(s, short=True) for s in bases]))
        finally:
            lsh.EQUAL_COUNTS = previous
    assert results[0] == results[1]
    assert any(original is not None for original in results[0][0].values())  # copies were found
