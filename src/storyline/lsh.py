"""The near-duplicate index's band-key store, in Python: the reference for its compiled twin (``_lsh.c``).

``LshIndex`` holds a ring of the most recent ``capacity`` MinHash signatures and, for each, one key per LSH band;
given a signature, it proposes the slots that share a band key and keeps those whose signature agrees on enough
values (``dedup.DuplicateIndex`` wraps it with the thresholds and signatures). What it answers depends on every
detail below, stale entries included, so the compiled index keeps the same ones: the same candidates, the same
order, the same evictions (tests/test_lsh.py compares the two on random streams).

Memory stays small (about 1 KB per indexed text, half that of a dict of LSH buckets): signatures live in one
ring-buffer array; the band keys of older texts in one sorted array, searched by bisection, and those of the
texts added since the last merge in a dict. An entry left behind by an evicted text only proposes a candidate,
and every candidate is checked against the signature now in its slot. A merge (every ``max(1024, n / 32)``
additions) drops the sorted entries of the slots reused since the previous merge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from storyline.compiled import compiled

BAND_MIX = np.uint64(0x9E3779B97F4A7C15)
MIN_MERGE = 1024  # the recent keys merge into the sorted array after this many additions (or n / 32)
_NATIVE = compiled("storyline._minhash")
EQUAL_COUNTS: Callable[[np.ndarray, list[int], np.ndarray], list[int]] | None = \
    None if _NATIVE is None else _NATIVE.equal_counts
Chooser = Callable[[int, list[str]], str | None]


def band_salt(bands: int) -> np.ndarray:
    """Each band's starting key (so equal values in two bands give two keys)."""
    return np.arange(1, bands + 1, dtype=np.uint64) * BAND_MIX


def present_ranges(sorted_keys: np.ndarray, keys: np.ndarray) -> list[list[tuple[int, int]]]:
    """For each row of ``keys`` (a text's band keys), the ranges [lo, hi) of ``sorted_keys`` that equal one of its
    keys (``searchsorted`` left and right), the absent keys left out: most keys are, and a text's loop then skips
    them. The keys are searched in sorted order (numpy's binary search then starts from the previous key's
    place), the right ends only for the keys present: a third of the two plain searches' time."""
    ranges: list[list[tuple[int, int]]] = [[] for _ in range(len(keys))]
    if not len(sorted_keys):
        return ranges
    flat = keys.ravel()
    order = np.argsort(flat)
    lo = np.empty(len(flat), dtype=np.intp)
    lo[order] = np.searchsorted(sorted_keys, flat[order], side="left")
    present = np.flatnonzero(sorted_keys[np.minimum(lo, len(sorted_keys) - 1)] == flat)
    if len(present):
        hi = np.searchsorted(sorted_keys, flat[present], side="right")
        bands = keys.shape[1]
        for at, start, end in zip(present.tolist(), lo[present].tolist(), hi.tolist(), strict=True):
            ranges[at // bands].append((start, end))
    return ranges


class LshIndex:
    """The ring of signatures and their band keys (see the module's docstring); ``threshold`` and
    ``short_threshold`` are the shares of equal values above which a candidate is a copy, for a text of some
    length and for a headline-length one."""

    def __init__(self, num_perm: int, bands: int, rows: int, capacity: int, threshold: float,
                 short_threshold: float) -> None:
        if capacity < 1 or bands < 1 or rows < 1 or bands * rows > num_perm:
            raise ValueError("capacity, bands and rows must be positive, bands x rows at most num_perm")
        self.num_perm, self.capacity = num_perm, capacity
        self.threshold, self.short_threshold = threshold, short_threshold
        self._bands, self._band_rows = bands, rows
        self._salt = band_salt(bands)
        self._sigs = np.zeros((min(capacity, 1024), num_perm), dtype=np.uint32)
        self._ids: list[str] = []  # slot -> article id
        self._slot: dict[str, int] = {}
        self._next = 0  # the ring slot written next once the ring is full
        self._keys = np.zeros(0, dtype=np.uint64)  # sorted band keys of the slots merged so far
        self._key_slots = np.zeros(0, dtype=np.int32)
        self._recent: dict[int, int | list[int]] = {}  # band key -> slot(s) added since
        self._recent_keys: list[np.ndarray] = []  # the same keys, by addition, for the next merge
        self._recent_slots: list[int] = []
        self._evicted = np.zeros(0, dtype=bool)  # slots reused since the last merge
        self._root: dict[str, str] = {}
        self.merges = 0  # how many times the recent keys were merged (for tests)

    @property
    def key_count(self) -> int:
        """How many band keys the sorted array holds (stale ones included)."""
        return len(self._keys)

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """One integer key per LSH band of each row of ``signatures`` (n x num_perm): (n x bands). Equal bands
        give equal keys (a rare false match is re-checked)."""
        used = self._bands * self._band_rows
        rows = signatures[:, :used].astype(np.uint64).reshape(len(signatures), self._bands, self._band_rows)
        key = np.broadcast_to(self._salt, (len(signatures), self._bands))
        for col in range(self._band_rows):
            key = (key ^ rows[:, :, col]) * BAND_MIX
        return key

    def matches(self, signature: np.ndarray, short: bool) -> list[str]:
        """Every indexed article this signature copies (each as its earliest version), most similar first,
        the oldest first among equals."""
        if not self._ids:
            return []
        keys = self.band_keys(signature[None, :])
        return self._matches(signature, short, keys[0].tolist(), present_ranges(self._keys, keys)[0])

    def _matches(self, signature: np.ndarray, short: bool, keys: list[int], ranges: list[tuple[int, int]]) -> list[str]:
        """``matches`` given the signature's band keys and the ranges [lo, hi) of the sorted keys equal to one."""
        slots: set[int] = set()
        recent = self._recent
        for key in keys:
            hit = recent.get(key)
            if hit is not None:
                slots.update((hit,) if isinstance(hit, int) else hit)
        for start, end in ranges:
            slots.update(self._key_slots[start:end].tolist())
        if not slots:
            return []
        ordered = sorted(slots, key=lambda s: (s - self._next) % len(self._ids))  # oldest first
        if EQUAL_COUNTS is not None:
            counts = EQUAL_COUNTS(self._sigs, ordered, signature)
        else:
            counts = np.count_nonzero(self._sigs[ordered] == signature, axis=1).tolist()
        # the share of equal values (the floats of numpy's mean), most similar first, the oldest first among equals
        similarity = [count / self.num_perm for count in counts]
        floor = self.short_threshold if short else self.threshold
        out: list[str] = []
        for at in sorted(range(len(ordered)), key=similarity.__getitem__, reverse=True):  # stable: ties keep order
            if similarity[at] < floor:
                break
            key_id = self._ids[ordered[at]]
            root = self._root.get(key_id, key_id)
            if root not in out:
                out.append(root)
        return out

    def find_and_add(self, article_ids: Sequence[str], signatures: np.ndarray, shorts: Sequence[bool],
                     order: Sequence[int], choose: Chooser | None = None) -> dict[int, str | None]:
        """For each position in ``order``: the article it copies, then the article added (``add``), as those
        calls one by one would give; the batch's band keys and their places among the sorted keys are computed
        in one pass (the places again after a merge moves the keys). ``choose(position, matches)`` picks the
        copied article among ``matches`` when there are any (default: the first)."""
        keys = self.band_keys(signatures)
        key_lists = keys.tolist()
        sorted_keys = self._keys
        places = present_ranges(sorted_keys, keys)
        originals: dict[int, str | None] = {}
        for i in order:
            if self._keys is not sorted_keys:  # a merge (in ``add``) moved the keys
                sorted_keys = self._keys
                places = present_ranges(sorted_keys, keys)
            found = self._matches(signatures[i], shorts[i], key_lists[i], places[i]) if self._ids else []
            originals[i] = None if not found else found[0] if choose is None else choose(i, found)
            self._add(article_ids[i], signatures[i], originals[i], keys[i], key_lists[i])
        return originals

    def add(self, article_id: str, signature: np.ndarray, duplicate_of: str | None = None) -> None:
        """Index one article (an id already indexed is left as it is)."""
        if article_id in self._slot:
            return
        keys = self.band_keys(signature[None, :])[0]
        self._add(article_id, signature, duplicate_of, keys, keys.tolist())

    def _add(self, article_id: str, signature: np.ndarray, duplicate_of: str | None, keys: np.ndarray,
             key_list: list[int]) -> None:
        """``add`` given the signature's band keys (an array, and the same as ints)."""
        if article_id in self._slot:
            return
        if len(self._ids) < self.capacity:
            slot = len(self._ids)
            self._ids.append(article_id)
            if slot >= self._sigs.shape[0]:
                grown = min(self.capacity, 2 * self._sigs.shape[0])
                self._sigs = np.concatenate([self._sigs, np.zeros_like(self._sigs[: grown - slot])])
        else:
            slot = self._next
            self._next = (slot + 1) % self.capacity
            old = self._ids[slot]
            if self._evicted.shape[0] == 0:
                self._evicted = np.zeros(self.capacity, dtype=bool)
            self._evicted[slot] = True
            del self._slot[old]
            self._root.pop(old, None)
            self._ids[slot] = article_id
        self._slot[article_id] = slot
        self._sigs[slot] = signature
        recent = self._recent
        for key in key_list:
            hit = recent.get(key)
            if hit is None:
                recent[key] = slot
            elif isinstance(hit, int):
                recent[key] = [hit, slot]
            else:
                hit.append(slot)
        self._recent_keys.append(keys)
        self._recent_slots.append(slot)
        if duplicate_of is not None:
            self._root[article_id] = duplicate_of
        if len(self._recent_slots) >= max(MIN_MERGE, len(self._ids) // 32):
            self._merge_recent()

    def _merge_recent(self) -> None:
        """Move the recent band keys into the sorted array, dropping the keys of reused slots (only when the
        array holds keys: slots reused before the first merge stay marked until the next one): a linear merge,
        so the amortised cost per text does not grow with the index."""
        if len(self._key_slots) and self._evicted.shape[0]:
            keep = ~self._evicted[self._key_slots]
            keys, key_slots = self._keys[keep], self._key_slots[keep]
            self._evicted[:] = False
        else:
            keys, key_slots = self._keys, self._key_slots
        new_keys = np.concatenate(self._recent_keys)
        new_slots = np.repeat(np.asarray(self._recent_slots, dtype=np.int32), self._bands)
        order = np.argsort(new_keys, kind="stable")
        at = np.searchsorted(keys, new_keys[order], side="right")
        self._keys = np.insert(keys, at, new_keys[order])
        self._key_slots = np.insert(key_slots, at, new_slots[order])
        self._recent, self._recent_keys, self._recent_slots = {}, [], []
        self.merges += 1

    def __len__(self) -> int:
        return len(self._slot)
