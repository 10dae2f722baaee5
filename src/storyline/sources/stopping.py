"""Stopping a long fetch, follow or ingest: the first Ctrl-C (or SIGTERM) asks to stop after the work in hand.

The kernel hands a process's signal to any one of its threads, and Python runs the handler in the main
thread only when that thread next executes bytecode. A main thread blocked in ``Event.wait(3600)`` would
sleep through a Ctrl-C delivered to a worker thread, so ``wait_unless_stopped`` waits in short slices.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

# Longest a main thread blocks at once: the most a Ctrl-C that landed on another thread waits for its handler.
WAKE_EVERY = 0.2


def wait_unless_stopped(stop: threading.Event, seconds: float) -> bool:
    """Wait ``seconds`` or until ``stop`` is set; True when stopped.

    >>> stop = threading.Event(); stop.set()
    >>> wait_unless_stopped(stop, 3600)
    True
    >>> wait_unless_stopped(threading.Event(), 0.01)
    False
    """
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return stop.is_set()
        if stop.wait(min(left, WAKE_EVERY)):
            return True


def until_stopped(items: Iterable[T], stop: threading.Event) -> Iterator[T]:
    """``items`` until ``stop`` is set; the item in hand when it is set is still given.

    >>> stop, taken = threading.Event(), []
    >>> for n in until_stopped(range(5), stop):
    ...     taken.append(n)
    ...     if n == 2:
    ...         stop.set()
    >>> taken
    [0, 1, 2]
    """
    for item in items:
        yield item
        if stop.is_set():
            return


def _on_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _say_then_set(notice: Callable[[str], None], message: str, stop: threading.Event) -> None:
    try:
        notice(message)
    finally:  # a closed stderr must not keep the run going
        stop.set()


@contextmanager
def stop_on_signals(stop: threading.Event, after: str = "the article in hand",
                    notice: Callable[[str], None] = _on_stderr) -> Iterator[None]:
    """Inside the block the first Ctrl-C (or SIGTERM) sets ``stop`` and says so on stderr (``notice``); a second
    one quits now."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum, frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        # both from another thread: the handler runs in the main thread, which may be inside ``stop.wait`` holding
        # the event's own (non-reentrant) lock, or inside a write to stderr (a progress bar): doing either here
        # would then wait on that lock forever, or fail as a reentrant write
        threading.Thread(target=_say_then_set, args=(notice, f"stopping after {after} (Ctrl-C again to quit now)…",
                                                     stop), name="stop-on-signal").start()

    for sig in previous:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
