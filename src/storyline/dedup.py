"""Near-duplicate detection (syndicated and spam-blog copies) with MinHash LSH.

A copy is kept, marked ``duplicate_of`` its earliest version, and joins that version's story.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

_WORD = re.compile(r"\w+", re.UNICODE)
SCHEME = "affine32"  # signatures are uint32; stored signatures must keep this scheme


def is_short(text: str, min_words: int = 20) -> bool:
    """Headline-length texts are compared by character grams and a stricter threshold."""
    return len(_WORD.findall(text)) < min_words


def shingles(text: str, *, word_ngram: int = 3, min_words: int = 20) -> set[bytes]:
    """Word 3-grams for texts of some length; character 5-grams for short ones (headlines).

    >>> sorted(shingles("one two three four", min_words=2))
    [b'one two three', b'two three four']
    """
    words = _WORD.findall(text.lower())
    if len(words) >= min_words:
        return {
            " ".join(words[i : i + word_ngram]).encode()
            for i in range(len(words) - word_ngram + 1)
        }
    joined = " ".join(words)
    if len(joined) < 5:
        return {joined.encode()} if joined else set()
    return {joined[i : i + 5].encode() for i in range(len(joined) - 4)}


class DuplicateIndex:
    """Finds the earliest near-copy of a text among recently indexed ones.

    ``threshold`` is the Jaccard similarity of shingles above which two articles are copies
    (syndicated copies often get a new headline, intro and ending, hence well below 1);
    ``short_threshold`` applies to headline-length texts, where look-alike headlines of different
    events ("X wins gold in vault" / "… in floor") must not collapse.
    ``capacity`` bounds memory: only the most recent ``capacity`` texts are searched.

    >>> index = DuplicateIndex()
    >>> text = " ".join(f"word{n}" for n in range(60))
    >>> index.add("a1", index.signature(text))
    >>> index.find(index.signature(text + " Reporting by our staff."))
    'a1'
    >>> index.find(index.signature("A completely different text about the weather in the mountains."))
    """

    def __init__(self, threshold: float = 0.6, short_threshold: float = 0.85, num_perm: int = 64,
                 capacity: int = 200_000) -> None:
        self.threshold = threshold
        self.short_threshold = short_threshold
        self.num_perm = num_perm
        self.capacity = capacity
        lowest = min(threshold, short_threshold)
        self._lsh = MinHashLSH(threshold=max(0.3, lowest - 0.15), num_perm=num_perm)
        self._signatures: OrderedDict[str, np.ndarray] = OrderedDict()
        self._root: dict[str, str] = {}

    def signature(self, text: str) -> np.ndarray:
        minhash = MinHash(num_perm=self.num_perm, scheme=SCHEME)
        grams = shingles(text)
        if grams:
            minhash.update_batch(list(grams))
        return minhash.hashvalues.copy()

    def find(self, signature: np.ndarray, *, short: bool = False) -> str | None:
        """The earliest indexed article this signature copies, or None.

        ``short``: the text is headline-length (see ``is_short``), so the stricter threshold applies.
        """
        query = MinHash(num_perm=self.num_perm, hashvalues=signature, scheme=SCHEME)
        threshold = self.short_threshold if short else self.threshold
        best: tuple[float, str] | None = None
        for key in self._lsh.query(query):
            similarity = float(np.mean(self._signatures[key] == signature))
            if similarity >= threshold and (best is None or similarity > best[0]):
                best = (similarity, key)
        if best is None:
            return None
        return self._root.get(best[1], best[1])

    def add(self, article_id: str, signature: np.ndarray, duplicate_of: str | None = None) -> None:
        if article_id in self._signatures:
            return
        self._lsh.insert(article_id, MinHash(num_perm=self.num_perm, hashvalues=signature, scheme=SCHEME))
        self._signatures[article_id] = signature
        if duplicate_of is not None:
            self._root[article_id] = duplicate_of
        while len(self._signatures) > self.capacity:
            old, _ = self._signatures.popitem(last=False)
            self._lsh.remove(old)
            self._root.pop(old, None)

    def extend(self, items: Iterable[tuple[str, np.ndarray, str | None]]) -> None:
        for article_id, signature, duplicate_of in items:
            self.add(article_id, signature, duplicate_of)

    def __len__(self) -> int:
        return len(self._signatures)
