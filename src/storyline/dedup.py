"""Near-duplicate detection (syndicated and spam-blog copies) with MinHash LSH.

A copy is kept, marked ``duplicate_of`` its earliest version, and joins that version's story.
Signatures are datasketch's ``affine32`` MinHash (SHA-1 of each shingle, seed 1), computed here
in one vectorised step; they are stored, so the scheme must never change silently. The optional C extension
``storyline._minhash`` computes the same signatures (bit for bit) a batch at a time; ``STORYLINE_PURE_PYTHON=1``
or an install without a compiler uses the Python code here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from functools import lru_cache
from itertools import islice

import numpy as np
from datasketch import MinHash, MinHashLSH

from storyline.compiled import compiled
from storyline.lsh import LshIndex

_WORD = re.compile(r"\w+", re.UNICODE)
SCHEME = "affine32"  # signatures are uint32; stored signatures must keep this scheme
_MAX_HASH = np.uint32(0xFFFFFFFF)
# MurmurHash3 32-bit finalizer constants (datasketch's _fmix for width 32)
_FMIX_M1, _FMIX_M2 = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)
WORD_NGRAM, MIN_WORDS = 3, 20  # shingles: word 3-grams of texts of 20 words or more, else character 5-grams
_READ_WHOLE = 400  # ``is_short`` lists every word of a text this short instead of counting up to its limit
_NATIVE = compiled("storyline._minhash")  # the compiled signatures and similarity counts (storyline/_minhash.c)
_SIGNATURES_INTO: Callable[..., None] | None = None if _NATIVE is None else _NATIVE.signatures_into
_NATIVE_LSH = compiled("storyline._lsh")  # the compiled index (storyline/_lsh.c)
_NATIVE_INDEX: type[LshIndex] | None = None if _NATIVE_LSH is None else _NATIVE_LSH.Index


def is_short(text: str, min_words: int = 20) -> bool:
    """Headline-length texts are compared by character grams and a stricter threshold.

    The words are counted up to ``min_words`` only: a long text is not read to its end.

    >>> is_short("one two three", min_words=3), is_short("one two", min_words=3)
    (False, True)
    """
    if len(text) <= _READ_WHOLE:  # a headline: its words in one C call
        return len(_WORD.findall(text)) < min_words
    return sum(1 for _ in islice(_WORD.finditer(text), min_words)) < min_words


def shingles(text: str, *, word_ngram: int = 3, min_words: int = 20) -> set[bytes]:
    """Word 3-grams for texts of some length; character 5-grams for short ones (headlines).

    >>> sorted(shingles("one two three four", min_words=2))
    [b'one two three', b'two three four']
    """
    return {gram.encode() for gram in _grams(text, word_ngram, min_words)[0]}


def _grams(text: str, word_ngram: int = WORD_NGRAM, min_words: int = MIN_WORDS) -> tuple[Collection[str], bool]:
    """The shingles as strings (``shingles`` encodes them), and whether they are character grams. Character
    grams come as a list, a repeated one repeated: a repeat changes no minimum of a signature, and a headline's
    few repeats cost less than building a set of its grams (half the time of this function)."""
    words = _WORD.findall(text.lower())
    if len(words) >= min_words:
        # the n-grams as zip's tuples of the word lists shifted by 0..n-1, joined in one C loop
        return set(map(" ".join, zip(*(words[shift:] for shift in range(word_ngram)), strict=False))), False
    joined = " ".join(words)
    if len(joined) < 5:
        return ([joined] if joined else []), True
    return [joined[i : i + 5] for i in range(len(joined) - 4)], True


# The first 4 bytes of the SHA-1 of character grams seen lately: headlines share most of theirs (4 in 5 on
# OG2021), and a look-up costs a fraction of a hash. Emptied when full, which bounds it (~9 MB).
_CHAR_DIGESTS: dict[str, bytes] = {}
_CHAR_DIGESTS_MAX = 1 << 16


def _text_digests(text: str) -> bytes:
    """The first 4 bytes of the SHA-1 of each of the text's shingles, concatenated (in ``_grams``' order)."""
    grams, chars = _grams(text)
    if not chars:  # word grams of longer texts repeat too seldom to be worth keeping
        return b"".join([hashlib.sha1(g.encode()).digest()[:4] for g in grams])
    cache = _CHAR_DIGESTS
    if len(cache) > _CHAR_DIGESTS_MAX:
        cache.clear()
    order = grams if isinstance(grams, list) else list(grams)
    parts = list(map(cache.get, order))  # the look-ups in one C loop; the misses then one by one
    if None in parts:
        for i, digest in enumerate(parts):
            if digest is None:
                gram = order[i]
                parts[i] = cache[gram] = hashlib.sha1(gram.encode()).digest()[:4]
    return b"".join(parts)  # type: ignore[arg-type]  # every None was replaced


LEAD_CHARS = 1500  # the body's opening that a copy's headline is looked for in (the clusterer's lead too)


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.casefold()) if len(w) >= 3}


def headlines_agree(one: tuple[str, str], other: tuple[str, str]) -> bool:
    """Whether two articles, each (headline, body), can be copies: more than half of each headline's words
    (of three letters or more, cut to five: "automate" ~ "automation") stand in the other's headline or
    lead (an empty headline has nothing to show). A body that matches under headlines the other never
    mentions is a site's boilerplate (a newsletter box, a paywall notice) around two reports, not a copy.

    >>> lead = "VALENCIA - Dockworkers at the port began a strike on Monday over a plan to automate a terminal."
    >>> headlines_agree(("Dockers strike at Valencia port over automation plan", lead),
    ...                 ("Valencia dockworkers walk out over automation", lead))
    True
    >>> box = "Get email notifications on our reporters daily! Your notification has been saved."
    >>> headlines_agree(("Four injured by gunfire outside Marion nightclub", box),
    ...                 ("Police: Vortex gunman in custody", box))
    False
    >>> headlines_agree(("", lead), ("Valencia dockworkers walk out over automation", lead))  # no headline: its lead
    True
    """
    return all(_covered(_stems(title), _stems(f"{other_title}\n{other_text[:LEAD_CHARS]}"))
               for (title, _), (other_title, other_text) in ((one, other), (other, one)))


def _covered(words: set[str], among: set[str]) -> bool:
    return not words or 2 * len(words & among) > len(words)


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine permutations (a, b) for seed 1, built once instead of per signature."""
    a, b = MinHash(num_perm=num_perm, scheme=SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _gram_hashes(digests: bytes) -> np.ndarray:
    """The 32-bit hash of each gram from the first 4 bytes of its SHA-1 (datasketch's sha1_hash32), mixed
    by the MurmurHash3 finalizer as datasketch's affine32 scheme does."""
    hv = np.frombuffer(digests, dtype="<u4").astype(np.uint32)
    hv ^= hv >> np.uint32(16)
    hv *= _FMIX_M1
    hv ^= hv >> np.uint32(13)
    hv *= _FMIX_M2
    hv ^= hv >> np.uint32(16)
    return hv


def minhash(grams: Iterable[bytes], num_perm: int = 64) -> np.ndarray:
    """The affine32 MinHash signature of a set of shingles (equal to datasketch's ``hashvalues``).

    >>> grams = [b"one two three", b"two three four"]
    >>> m = MinHash(num_perm=8, scheme=SCHEME); m.update_batch(grams)
    >>> bool((minhash(grams, 8) == m.hashvalues).all())
    True
    """
    return _signature_of(b"".join([hashlib.sha1(g).digest()[:4] for g in grams]), num_perm)


def signature(text: str, num_perm: int = 64) -> np.ndarray:
    """A text's MinHash signature: per-article work, so it may be computed away from the index (Dask workers)."""
    if _SIGNATURES_INTO is not None:
        return signatures([text], num_perm)[0]
    return _signature_of(_text_digests(text), num_perm)


def _signature_of(digests: bytes, num_perm: int) -> np.ndarray:
    """The signature of the grams whose SHA-1 prefixes ``digests`` holds (no gram: every value at its maximum)."""
    if not digests:
        return np.full(num_perm, _MAX_HASH, dtype=np.uint32)
    return _min_hash(_gram_hashes(digests), *_permutations(num_perm))


def _min_hash(hv: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The minimum over grams of each permutation ``(a * hv + b) mod 2**32``."""
    permuted = np.multiply.outer(hv, a)
    permuted += b
    return permuted.min(axis=0)


# ``signatures`` hashes the grams of short texts (headlines) together, in passes of up to this many grams:
# their per-call numpy costs outweigh the arithmetic; past a few KB of scratch a pass only gets slower
_PASS_GRAMS = 1024
_ALONE_GRAMS = 128  # a text with more grams than this is hashed in a pass of its own


def signatures(texts: Sequence[str], num_perm: int = 64) -> np.ndarray:
    """The signatures of many texts, one row each (each equal to ``signature(text)``): the grams of short
    texts mixed and permuted together, in a few numpy passes a batch instead of a few per text.

    >>> texts = ["one two three four", "", "Valmare dock strike enters third day", "word " * 300]
    >>> bool((signatures(texts, 8) == [signature(t, 8) for t in texts]).all())
    True
    """
    a, b = _permutations(num_perm)
    if _SIGNATURES_INTO is not None:  # the same rows, from the same words, in one compiled call
        out = np.empty((len(texts), num_perm), dtype=np.uint32)
        _SIGNATURES_INTO(out, [_WORD.findall(text.lower()) for text in texts], WORD_NGRAM, MIN_WORDS, a, b)
        return out
    out = np.full((len(texts), num_perm), _MAX_HASH, dtype=np.uint32)
    rows: list[int] = []
    counts: list[int] = []
    parts: list[bytes] = []
    pending = 0
    for row, text in enumerate(texts):
        digests = _text_digests(text)
        grams = len(digests) // 4
        if grams > _ALONE_GRAMS:
            out[row] = _min_hash(_gram_hashes(digests), a, b)
        elif grams:
            if pending + grams > _PASS_GRAMS:
                _min_hashes(out, rows, counts, parts, a, b)
                rows, counts, parts, pending = [], [], [], 0
            rows.append(row)
            counts.append(grams)
            parts.append(digests)
            pending += grams
    if rows:
        _min_hashes(out, rows, counts, parts, a, b)
    return out


def _min_hashes(out: np.ndarray, rows: list[int], counts: list[int], parts: list[bytes], a: np.ndarray,
                b: np.ndarray) -> None:
    """Write into ``out[rows]`` the signature of each text from its gram digests (``counts`` grams in ``parts``)."""
    permuted = np.multiply.outer(_gram_hashes(b"".join(parts)), a)
    permuted += b
    starts = np.zeros(len(counts), dtype=np.intp)
    starts[1:] = np.cumsum(np.asarray(counts[:-1], dtype=np.intp))
    out[rows] = np.minimum.reduceat(permuted, starts, axis=0)


class DuplicateIndex:
    """Finds the earliest near-copy of a text among recently indexed ones.

    ``threshold`` is the Jaccard similarity of shingles above which two articles are copies
    (syndicated copies often get a new headline, intro and ending, hence well below 1);
    ``short_threshold`` applies to headline-length texts, where look-alike headlines of different
    events ("X wins gold in vault" / "… in floor") must not collapse.
    ``capacity`` bounds memory: only the most recent ``capacity`` texts are searched.

    The ring of signatures and their LSH band keys is ``lsh.LshIndex``, or its compiled twin (``_lsh.c``: the
    same answers, a batch in one call) where it was built; ``compiled=False`` asks for the Python one.

    >>> index = DuplicateIndex()
    >>> text = " ".join(f"word{n}" for n in range(60))
    >>> index.add("a1", index.signature(text))
    >>> index.find(index.signature(text + " Reporting by our staff."))
    'a1'
    >>> index.find(index.signature("A completely different text about the weather in the mountains."))
    """

    def __init__(self, threshold: float = 0.6, short_threshold: float = 0.85, num_perm: int = 64,
                 capacity: int = 200_000, *, compiled: bool = True) -> None:
        self.threshold = threshold
        self.short_threshold = short_threshold
        self.num_perm = num_perm
        self.capacity = capacity
        lowest = min(threshold, short_threshold)
        lsh = MinHashLSH(threshold=max(0.3, lowest - 0.15), num_perm=num_perm)
        self._bands = lsh.b  # the same banding datasketch would choose
        kind = _NATIVE_INDEX if compiled and _NATIVE_INDEX is not None else LshIndex
        self._core: LshIndex = kind(num_perm, lsh.b, lsh.r, capacity, threshold, short_threshold)

    @property
    def compiled(self) -> bool:
        """Whether the compiled index answers."""
        return not isinstance(self._core, LshIndex)

    @property
    def merges(self) -> int:
        """How many times the index merged its recent band keys into the sorted ones."""
        return self._core.merges

    @property
    def key_count(self) -> int:
        """How many band keys the sorted array holds (those of evicted texts until the next merge too)."""
        return self._core.key_count

    def signature(self, text: str) -> np.ndarray:
        return signature(text, self.num_perm)

    def _one(self, signature: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(signature, dtype=np.uint32).reshape(self.num_perm)

    def find(self, signature: np.ndarray, *, short: bool = False) -> str | None:
        """The earliest indexed article this signature copies, or None.

        ``short``: the text is headline-length (see ``is_short``), so the stricter threshold applies.
        """
        found = self.matches(signature, short=short)
        return found[0] if found else None

    def matches(self, signature: np.ndarray, *, short: bool = False) -> list[str]:
        """Every indexed article this signature copies (each as its earliest version), most similar first,
        the oldest first among equals: the caller may refuse one (``headlines_agree``) and take the next."""
        return self._core.matches(self._one(signature), bool(short))

    def find_and_add(self, article_ids: Sequence[str], signatures: Sequence[np.ndarray] | np.ndarray,
                     shorts: Sequence[bool], order: Sequence[int],
                     choose: Callable[[int, list[str]], str | None] | None = None) -> dict[int, str | None]:
        """For each position in ``order``: the article it copies, then the article added (``add``), as those
        calls one by one would give. ``choose(position, matches)`` picks the copied article among ``matches``
        where there are any (default: the first, as ``find``)."""
        if not order:
            return {}
        sigs = np.ascontiguousarray(signatures, dtype=np.uint32).reshape(len(article_ids), self.num_perm)
        return self._core.find_and_add(list(article_ids), sigs, [bool(s) for s in shorts], list(order), choose)

    def add(self, article_id: str, signature: np.ndarray, duplicate_of: str | None = None) -> None:
        self._core.add(article_id, self._one(signature), duplicate_of)

    def extend(self, items: Iterable[tuple[str, np.ndarray, str | None]]) -> None:
        add, one = self._core.add, self._one
        for article_id, signature, duplicate_of in items:
            add(article_id, one(signature), duplicate_of)

    def __len__(self) -> int:
        return len(self._core)
