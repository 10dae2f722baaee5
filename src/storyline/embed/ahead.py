"""Encoding ahead: an optional encoder capability, and how much of a batch its helpers should take.

An encoder that can encode in another process (USE's helper) may offer ``encode_ahead``: it starts
encoding a batch and returns at once with a :class:`PendingVectors`, whose ``result`` gives the
vectors ``encode`` would have given. The engine starts batch N+1 so, then assigns and stores batch N
while the helper encodes (issue #21); encoders without the capability are called as before.

How much of the batch goes to the helpers is measured, not tuned (:class:`AheadShare`): this process
encodes its own share when it asks for the result, after its other work. The helpers' share
balances the two sides: when the caller's work between batches is small (full-text articles, where
encoding is the cost), both sides encode about half, as a plain ``encode`` splits a batch; when it is
large (headlines), the helpers take most or all of the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

SMOOTHING = 0.3  # weight of the newest measurement in the running estimates


class PendingVectors(Protocol):
    """Vectors being computed; ``result`` waits for them (the same rows, in order, as ``encode`` gives)."""

    def result(self) -> np.ndarray: ...


@runtime_checkable
class EncodesAhead(Protocol):
    """An encoder that can start a batch and hand back its vectors later.

    ``encode_ahead`` returns None when starting ahead would gain nothing (no helper running, a batch too
    small to share): the caller then encodes with ``encode``, as an encoder without the capability.
    """

    def encode_ahead(self, texts: Sequence[str]) -> PendingVectors | None: ...


def _blend(old: float | None, new: float) -> float:
    return new if old is None else (1 - SMOOTHING) * old + SMOOTHING * new


class AheadShare:
    """The fraction of a batch's characters the helpers encode, from what earlier batches measured.

    Per batch of C characters, this process spends W seconds on the caller's other work (time between
    two ``started`` calls that was not spent encoding) plus ``(1 - f)·C·local_rate`` on its own share,
    and each of k helpers ``f·C·helper_rate / k``. The two sides finish together when
    ``f = (W + C·local_rate) / (C·(helper_rate / k + local_rate))``, kept within [0, 1]. With W = 0 and
    equal rates one helper takes half, as a plain ``encode`` splits a batch.

    >>> share = AheadShare()
    >>> share.helper_fraction(texts=64, chars=4000, helpers=1)
    0.5
    >>> share.local_rate = share.helper_rate = 1e-4  # 0.4 s to encode the batch, on either side
    >>> share.work_per_text = 0.3 / 64  # and 0.3 s of other work per batch here
    >>> round(share.helper_fraction(texts=64, chars=4000, helpers=1), 3)
    0.875
    """

    def __init__(self) -> None:
        self.local_rate: float | None = None  # seconds per character, encoding here
        self.helper_rate: float | None = None  # seconds per character, one helper (its round trip)
        self.work_per_text: float = 0.0  # seconds of the caller's other work per text, between batches
        self.batches = 0  # batches started ahead
        self.chars_ahead = 0  # their characters, and how many of them the helpers took
        self.chars_to_helpers = 0
        self._work_measured = False
        self._last_start: float | None = None
        self._last_texts = 0
        self._last_chars = 0
        self._encoding = 0.0  # seconds spent encoding here since the last start

    def helper_fraction(self, texts: int, chars: int, helpers: int) -> float:
        """The share of ``chars`` for the helpers, from the estimates so far."""
        if helpers < 1 or chars <= 0:
            return 0.0
        local = self.local_rate or self.helper_rate or 1.0
        helper = self.helper_rate or local
        fraction = (self.work_per_text * texts + chars * local) / (chars * (helper / helpers + local))
        return min(1.0, max(0.0, fraction))

    def started(self, texts: int, chars: int, now: float) -> None:
        """A batch starts: the time since the previous start, less the encoding done here, was the caller's
        work for that batch. A sample is capped at twice the batch's whole encoding time (which already means
        "the helpers take it all"), so a pause between two ingests does not linger in the estimate."""
        if self._last_start is not None and self._last_texts:
            work = max(0.0, now - self._last_start - self._encoding)
            rate = max(self.local_rate or 0.0, self.helper_rate or 0.0)
            if rate:
                work = min(work, 2 * rate * self._last_chars)
            self.work_per_text = _blend(self.work_per_text if self._work_measured else None, work / self._last_texts)
            self._work_measured = True
        self._last_start, self._last_texts, self._last_chars, self._encoding = now, texts, chars, 0.0
        self.batches += 1

    def sent(self, chars: int, to_helpers: int) -> None:
        """Of a batch started ahead, ``to_helpers`` of its ``chars`` characters went to the helpers."""
        self.chars_ahead += chars
        self.chars_to_helpers += to_helpers

    @property
    def helpers_took(self) -> float:
        """The fraction of the characters started ahead that the helpers took, so far."""
        return self.chars_to_helpers / self.chars_ahead if self.chars_ahead else 0.0

    def encoded_here(self, chars: int, seconds: float) -> None:
        """This process encoded ``chars`` characters in ``seconds``."""
        self._encoding += seconds
        if chars > 0:
            self.local_rate = _blend(self.local_rate, seconds / chars)

    def spent(self, seconds: float) -> None:
        """This process spent ``seconds`` in the encoder otherwise (waiting for the helpers, a small batch
        encoded here): not the caller's work either."""
        self._encoding += seconds

    def encoded_by_helper(self, chars: int, seconds: float) -> None:
        """A helper encoded ``chars`` characters in ``seconds`` (from sending them to reading the vectors)."""
        if chars > 0:
            self.helper_rate = _blend(self.helper_rate, seconds / chars)


def cut_at(texts: Sequence[str], fraction: float) -> int:
    """Where to cut ``texts`` so that about ``fraction`` of their characters come before the cut.

    >>> cut_at(["aa", "bb", "cc", "dd"], 0.5), cut_at(["aa", "bb"], 0.0), cut_at(["aa", "bb"], 1.0)
    (2, 0, 2)
    """
    total = sum(len(t) for t in texts)
    goal, done = fraction * total, 0
    for index, text in enumerate(texts):
        if done + len(text) / 2 > goal:
            return index
        done += len(text)
    return len(texts)
