"""Stopping a long fetch or follow: the first Ctrl-C (or SIGTERM) asks to stop after the article in hand.

The kernel hands a process's signal to any one of its threads, and Python runs the handler in the main
thread only when that thread next executes bytecode. A main thread blocked in ``Event.wait(3600)`` would
sleep through a Ctrl-C delivered to a worker thread, so ``wait_unless_stopped`` waits in short slices.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


@contextmanager
def stop_on_signals(stop: threading.Event, notice: Callable[[str], None]) -> Iterator[None]:
    """Inside the block the first Ctrl-C (or SIGTERM) sets ``stop`` and calls ``notice``; a second one quits now."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum, frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        # set from another thread: the handler runs in the main thread, which may be inside ``stop.wait`` holding
        # the event's own (non-reentrant) lock; ``stop.set()`` here would then wait on it forever
        threading.Thread(target=stop.set, name="stop-on-signal").start()
        notice("stopping after the article in hand (Ctrl-C again to quit now)…")

    for sig in previous:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
