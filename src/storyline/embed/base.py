"""The encoder contract, and a tiny dependency-free encoder for tests and fallbacks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension.

    ``languages`` is the set of ISO 639-1 codes the model was trained on (None: any).
    """

    name: str
    dim: int
    languages: frozenset[str] | None

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEncoder:
    """Hashed bag of words and character trigrams: fast, deterministic, no model.

    Useful in tests and as a lexical fallback; it knows nothing across languages.

    >>> enc = HashingEncoder(dim=64)
    >>> v = enc.encode(["Storm hits coast", "storm hits the coast"])
    >>> v.shape, round(float(v[0] @ v[1]), 2) > 0.5
    ((2, 64), True)
    """

    name = "hashing"
    languages: frozenset[str] | None = None

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                grams = [word] + [word[i : i + 3] for i in range(max(1, len(word) - 2))]
                for gram in grams:
                    digest = hashlib.blake2b(gram.encode(), digest_size=4).digest()
                    out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        return normalise(out)
