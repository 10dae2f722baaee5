"""Live input (JSONL on stdin) may pause for minutes: its part-filled batch is stored at each pause, not held.

``marking_pauses`` reads the input on a thread of its own and puts a ``PAUSE`` between two records more than
``IDLE_SECONDS`` apart; ``batched`` cuts a batch there. Files never pause, so their batches stay the same
whatever the machine's speed (a batch's articles are assigned oldest first, so the cuts shape the stories).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

from storyline.sources.stopping import until_stopped

T = TypeVar("T")

# A live stream quiet this long has its part-filled batch stored.
IDLE_SECONDS = 1.0


class Pause:
    """The marker between two records of a live input that came more than ``IDLE_SECONDS`` apart."""

    def __repr__(self) -> str:
        return "PAUSE"


PAUSE = Pause()


class _End:
    """The reader's last message: the input ended, or failed with ``error``."""

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


def marking_pauses(items: Iterable[T], idle: float = IDLE_SECONDS,
                   stop: threading.Event | None = None) -> Iterator[T | Pause]:
    """``items`` as they come, read on a daemon thread (a blocked read never holds up the caller), with one
    ``PAUSE`` after the last record before each quiet spell; an error of the reader is raised here. Once
    ``stop`` is set, the records already read are given and no more are read.

    >>> list(marking_pauses([1, 2]))
    [1, 2]
    """
    inbox: queue.Queue = queue.Queue(maxsize=4096)
    stop = threading.Event() if stop is None else stop

    def read() -> None:
        try:
            for item in until_stopped(items, stop):
                inbox.put(item)  # one read as the stop came is still put: the consumer waits for it
        except BaseException as exc:  # handed to the consumer, in order, to be raised there
            inbox.put(_End(exc))
            return
        inbox.put(_End(None))

    threading.Thread(target=read, name="live-input", daemon=True).start()
    paused = True  # no PAUSE before the first record
    while True:
        try:
            # a bounded wait also wakes this (main) thread for a Ctrl-C the kernel gave the reader thread
            item = inbox.get(timeout=idle)
        except queue.Empty:
            if stop.is_set():  # what was read before the stop is taken; a line still to come is not
                return
            if not paused:
                paused = True
                yield PAUSE
            continue
        if isinstance(item, _End):
            if item.error is not None:
                raise item.error
            return
        paused = False
        yield item


def batched(records: Iterable[T | Pause], size: int) -> Iterator[tuple[list[T], bool]]:
    """Batches of ``size`` records, and a part-filled one at each ``PAUSE`` and at the end: (batch, full).

    >>> list(batched([1, 2, 3, PAUSE, 4, PAUSE, PAUSE, 5], 2))
    [([1, 2], True), ([3], False), ([4], False), ([5], False)]
    """
    batch: list[T] = []
    for record in records:
        if isinstance(record, Pause):
            if batch:
                yield batch, False
                batch = []
            continue
        batch.append(record)
        if len(batch) >= size:
            yield batch, True
            batch = []
    if batch:
        yield batch, False
