"""What the speed benchmarks share: the fast stand-in encoder, load and memory readings, the head of a
stream, and a run in a child process of its own (so its peak memory is its own)."""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import tempfile
import zlib
from collections.abc import Sequence
from itertools import islice
from pathlib import Path

import numpy as np

from storyline.embed import normalise

_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


class WordHashEncoder:
    """A fast stand-in for the model in the scaling runs: hashed content words (4+ letters).

    Its cosines separate the synthetic stories about as USE does (same story ≈ 0.65, other
    stories ≈ 0.15), unlike character trigrams, under which every same-language pair looks alike
    and the clusterer would see a few huge stories instead of many thousands.
    """

    name = "bench-words"
    languages = None

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _CONTENT_WORD.findall(text.lower())
            idx = np.fromiter((zlib.crc32(w.encode()) % self.dim for w in words), np.int64, len(words))
            np.add.at(out[row], idx, 1.0)
        return normalise(np.sqrt(out))


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, where there is one: ru_maxrss of a process
    started by fork + exec also counts the parent's size at the fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def head(stream_path: Path, n: int) -> Path:
    """The first ``n`` rows of a stream, in a file of their own (a new temporary folder)."""
    subset = Path(tempfile.mkdtemp()) / "subset.jsonl"
    with stream_path.open(encoding="utf-8") as src, subset.open("w", encoding="utf-8") as dst:
        dst.writelines(islice(src, n))
    return subset


def in_child(function, *args):
    """Run ``function(*args)`` in a fresh (spawned) process: its peak RSS is its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


# A results page below this line is hand-written (dated notes, measurements by hand): regenerating keeps it
HAND_WRITTEN = "<!-- hand-written below: kept when the benchmark regenerates the part above -->"


def kept_tail(path: Path) -> list[str]:
    """The hand-written part of the page ``path`` (from ``HAND_WRITTEN`` on), or nothing."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return ["", text[text.index(HAND_WRITTEN):].rstrip("\n")] if HAND_WRITTEN in text else []
